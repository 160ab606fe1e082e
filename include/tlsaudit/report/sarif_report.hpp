#pragma once
// SARIF 2.1.0 report (--sarif FILE): one run, the finding catalogue as
// tool.driver.rules (every known finding id, plus any other id seen), one result per
// finding. level: critical/high -> error, medium -> warning, low/info -> note; the
// severity itself is in properties.severity and as a numeric
// properties.security-severity. A result points at the target line of the scanned
// input file (physicalLocation, when the scan read a file) and names the endpoint as a
// logical location; partialFingerprints carry the baseline identity, and with a
// baseline every result has baselineState new/unchanged (resolved ones are listed as
// results with baselineState "absent"; those not verified are left out). Scan errors are
// invocation.toolExecutionNotifications, one per error class (level error for the classes
// that failed --fail-on-errors, warning otherwise); executionSuccessful is false when the
// scan-error policy failed the run.

#include <tlsaudit/report/report_data.hpp>

#include <ostream>

namespace tlsaudit::report {

void write_sarif_report(const report_data& data, std::ostream& out);

}  // namespace tlsaudit::report
