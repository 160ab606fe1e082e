#pragma once
// The HTML report (--html FILE): one self-contained file (inline CSS, JS and SVG; a
// Content-Security-Policy of default-src 'none' so opening it makes no request). The
// report data is the JSON report itself, embedded in a <script type="application/json">
// block with every '<' written as \u003c (so "</script>" and "<!--" in a certificate
// field cannot end the block); the page script renders it with textContent only, 100
// rows per page, so 50,000 endpoints open without freezing a browser.

#include <tlsaudit/report/report_data.hpp>

#include <ostream>

namespace tlsaudit::report {

void write_html_report(const report_data& data, std::ostream& out);

}  // namespace tlsaudit::report
