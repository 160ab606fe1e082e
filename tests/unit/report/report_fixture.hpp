#pragma once
// NDJSON records for the report unit tests, built as text so the reader is tested on
// exactly what a scan writes.

#include <tlsaudit/report/report_data.hpp>

#include <string>

namespace tlsaudit::report::testing {

// An endpoint record with one certificate (subject `subject`) and the findings given as
// a JSON array text.
std::string endpoint_line(const std::string& host, int port, const std::string& address,
                          const std::string& findings_json, const std::string& subject = "CN=leaf.test");

// An endpoint record whose handshake failed with `code`.
std::string error_line(const std::string& host, int port, const std::string& address, const std::string& code);

// A finding as JSON text.
std::string finding(const std::string& id, const std::string& severity, const std::string& sha256 = "",
                    const std::string& message = "message");

std::string scan_start_line(const std::string& started_at);
std::string scan_end_line(const std::string& finished_at);
std::string name_line(const std::string& host, int port, const std::string& findings_json);

// The report of one NDJSON text (read_ndjson_stream + finish_merge).
report_data read_text(const std::string& text);

// 64 hex digits made of `c`.
std::string sha(char c);

}  // namespace tlsaudit::report::testing
