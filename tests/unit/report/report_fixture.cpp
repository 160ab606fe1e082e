#include "report_fixture.hpp"

#include <tlsaudit/report/ndjson_reader.hpp>

#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

#include <fmt/format.h>

#include <sstream>

namespace tlsaudit::report::testing {
namespace {

std::string quoted(const std::string& s) { return boost::json::serialize(boost::json::string(s)); }

}  // namespace

std::string sha(char c) { return std::string(64, c); }

report_data read_text(const std::string& text) {
    report_data data;
    std::istringstream in(text);
    read_ndjson_stream(in, "test", data);
    finish_merge(data);
    return data;
}

std::string finding(const std::string& id, const std::string& severity, const std::string& sha256,
                    const std::string& message) {
    const std::string cert =
        sha256.empty() ? "null" : fmt::format(R"({{"position":0,"subject":"CN=leaf.test","sha256":"{}"}})", sha256);
    return fmt::format(
        R"({{"id":"{}","severity":"{}","cert":{},"message":{},"remediation":"Replace it.","rule":null}})", id, severity,
        cert, quoted(message));
}

std::string endpoint_line(const std::string& host, int port, const std::string& address,
                          const std::string& findings_json, const std::string& subject) {
    return fmt::format(
        R"({{"schema_version":1,"type":"endpoint","scanned_at":"2026-11-24T04:00:00Z",)"
        R"("target":{{"input":"{0}:{1}","line":1,"host":"{0}","port":{1},"sni":"{0}"}},"address":"{2}","status":"ok","error":null,)"
        R"("tls":{{"protocol":"TLSv1.3","cipher":"TLS_AES_128_GCM_SHA256","alpn":null}},"timings_ms":{{"dns":1,"connect":1,"handshake":1}},)"
        R"("attempts":1,"stapled_ocsp":null,"chain":[{{"subject":{3},"issuer":"CN=Lab CA","serial":"01",)"
        R"("not_before":"2026-01-01T00:00:00Z","not_after":"2027-01-01T00:00:00Z","sha256":"{4}","spki_sha256":"{5}",)"
        R"("san_dns":["{0}"],"san_ip":[],"key":{{"type":"EC","bits":256,"curve":"prime256v1"}},)"
        R"("signature_algorithm":"ecdsa-with-SHA256","is_ca":false,"der":"AA=="}}],"findings":{6},"rules_version":"test-1"}})",
        host, port, address, quoted(subject), sha('A'), sha('b'), findings_json);
}

std::string error_line(const std::string& host, int port, const std::string& address, const std::string& code) {
    return fmt::format(
        R"({{"schema_version":1,"type":"endpoint","scanned_at":"2026-11-24T04:00:00Z",)"
        R"("target":{{"input":"{0}:{1}","line":2,"host":"{0}","port":{1},"sni":"{0}"}},"address":"{2}","status":"error",)"
        R"("error":{{"stage":"connect","code":"{3}","detail":"it failed"}},"tls":null,"timings_ms":{{"dns":null,"connect":null,"handshake":null}},)"
        R"("attempts":1,"stapled_ocsp":null,"chain":[]}})",
        host, port, address, code);
}

std::string scan_start_line(const std::string& started_at) {
    return fmt::format(
        R"({{"schema_version":1,"type":"scan-start","tool":"tlsaudit","version":"9.9.9","started_at":"{}",)"
        R"("input":"targets.txt","options":{{"concurrency":10}}}})",
        started_at);
}

std::string scan_end_line(const std::string& finished_at) {
    return fmt::format(R"({{"schema_version":1,"type":"scan-end","finished_at":"{}"}})", finished_at);
}

std::string name_line(const std::string& host, int port, const std::string& findings_json) {
    return fmt::format(
        R"({{"schema_version":1,"type":"name","target":{{"input":"{0}","line":3,"host":"{0}","port":{1},"sni":"{0}"}},)"
        R"("addresses":["127.0.0.2","127.0.0.3"],"status":"high","findings":{2},"rules_version":"test-1"}})",
        host, port, findings_json);
}

}  // namespace tlsaudit::report::testing
