#pragma once
// CSV report (--csv FILE): RFC 4180, UTF-8, CRLF line ends, one header row, then one row
// per finding (endpoint findings, then name findings) and one row with empty finding
// columns for every endpoint without findings, so each endpoint appears at least once.
// Cells that a spreadsheet would take for a formula (starting with = + - @ TAB CR) get a
// leading apostrophe: certificate subjects are server-controlled.

#include <tlsaudit/report/report_data.hpp>

#include <ostream>
#include <string>
#include <string_view>

namespace tlsaudit::report {

void write_csv_report(const report_data& data, std::ostream& out);

// One CSV cell: quoted when needed, formula prefixes defused.
std::string csv_cell(std::string_view text);

}  // namespace tlsaudit::report
