#pragma once
// The HTML report (--html FILE): one self-contained file (inline CSS and JS; a
// Content-Security-Policy of default-src 'none' so opening it makes no request). The
// report data is the JSON report itself, embedded in a <script type="application/json">
// block with every '<' written as \u003c (so "</script>" and "<!--" in a certificate
// field cannot end the block); the page script renders it with textContent only, 100
// rows per page, so 50,000 endpoints open without freezing a browser.
//
// Sections: the executive summary and verdict (executive_summary.hpp), overview charts
// (CSS bars that scale to their card), findings grouped by action (folded on screen,
// open in print), names, the endpoint list (each endpoint's detail one click or
// #endpoint-N away), input errors, the scan and its options. Printed (the print
// stylesheet; beforeprint, or the #print fragment that pdf_report.hpp opens), it also
// holds every endpoint row and an appendix with every endpoint's detail.

#include <tlsaudit/report/report_data.hpp>

#include <ostream>
#include <string_view>

namespace tlsaudit::report {

void write_html_report(const report_data& data, std::ostream& out);

// The report's stylesheet (report/assets/report.css), for other pages in the same style
// (the history's trend report).
std::string_view html_stylesheet();

}  // namespace tlsaudit::report
