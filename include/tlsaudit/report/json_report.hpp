#pragma once
// The JSON report (--json FILE, `tlsaudit report --json`): one document, validated by
// report/schema/tlsaudit-report.schema.json. Keys are written in a fixed order:
//   format, report_schema_version, scan, policy, summary, baseline, names, endpoints,
//   input_errors.
// Endpoints are serialised one at a time, so memory stays bounded by the report model.

#include <tlsaudit/report/report_data.hpp>

#include <boost/json/object.hpp>

#include <ostream>

namespace tlsaudit::report {

// Writes the whole document followed by a newline. Does not throw on its own; the
// caller checks the stream.
void write_json_report(const report_data& data, std::ostream& out);

// Pieces shared with the HTML report (which embeds the same document).
boost::json::object endpoint_json(const endpoint_row& e);
boost::json::object name_json(const name_row& n);
boost::json::object summary_json(const report_data& data);

}  // namespace tlsaudit::report
