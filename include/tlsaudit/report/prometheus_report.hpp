#pragma once
// Prometheus metrics (--prometheus FILE): the text exposition format (version 0.0.4) for
// node_exporter's textfile collector, rendered from the same report model as the JSON and
// HTML reports. Every metric is a gauge describing the scan the report covers (no
// counters, so no `_total`); names carry the `tlsaudit_` prefix and base units (seconds,
// Unix timestamps in seconds). The metric table is docs/formats/prometheus.md.
//
// Label values are written per the format: backslash, double quote and line feed escaped,
// invalid UTF-8 replaced by U+FFFD, so a certificate subject or an SNI name from the input
// cannot break the file. A label set appears once per metric: a second endpoint with the
// same (host, port, sni, address) (a target listed twice with different STARTTLS) adds
// to the findings counts but its certificate series are those of the first.

#include <tlsaudit/report/report_data.hpp>

#include <ostream>
#include <string>
#include <string_view>

namespace tlsaudit::report {

// Writes every metric family, HELP and TYPE lines first. Does not throw on its own; the
// caller checks the stream (write_file_atomically does).
void write_prometheus_report(const report_data& data, std::ostream& out);

// A label value as it goes between the double quotes: valid UTF-8, `\` `"` and line feed
// escaped as `\\` `\"` `\n`.
std::string prometheus_label_value(std::string_view text);

}  // namespace tlsaudit::report
