#pragma once
// Scans written as NDJSON records (report/'s format) with chosen times, endpoints and
// findings: the input of the history tests, without a network.

#include <fmt/format.h>

#include <string>
#include <vector>

namespace tlsaudit::testing {

struct fake_finding {
    std::string id = "hostname-mismatch";
    std::string severity = "high";
    std::string cert_sha256;  // "": about no certificate
    std::string message = "the certificate does not name the host";
    std::string rule = "";  // "": null (a default initializer: brace lists may leave it out)
    int chain = 0;          // which of the endpoint's chains it is about
};

struct fake_endpoint {
    std::string host;
    int port = 443;
    std::string address = "127.0.0.1";
    std::string error;               // non-empty: a failed endpoint (code)
    std::vector<std::string> chain;  // certificate SHA-256s, leaf first
    std::vector<fake_finding> findings;
    std::string leaf_not_after = "2027-01-01T00:00:00Z";
    std::string sni = "";       // "": the host (default initializers: brace lists may leave them out)
    std::string starttls = "";  // "": direct TLS
};

struct fake_scan {
    std::string started_at = "2026-01-01T00:00:00Z";
    bool has_end = true;
    bool complete = true;
    std::string input = "targets.txt";
    std::string shard;  // "I/N" (--shard), "" for a whole run
    std::vector<fake_endpoint> endpoints;
};

// 64 hex digits made of `c`.
inline std::string sha(char c) { return std::string(64, c); }

// The options hold more than `shard`, after it, as a real scan's do.
inline std::string ndjson(const fake_scan& scan) {
    std::string out =
        fmt::format(R"({{"schema_version":2,"type":"scan-start","tool":"tlsaudit","version":"0.1.0","started_at":"{}",)"
                    R"("input":"{}","trust_store":"system","options":{{"shard":{},"ports":[443],"timeout_ms":5000}}}})"
                    "\n",
                    scan.started_at, scan.input, scan.shard.empty() ? "null" : "\"" + scan.shard + "\"");
    int line = 0;
    for (const auto& e : scan.endpoints) {
        std::string chain, findings;
        for (std::size_t i = 0; i < e.chain.size(); ++i)
            chain += fmt::format(
                R"({}{{"subject":"CN=cert {}","issuer":"CN=issuer","serial":"0{}","not_before":"2025-01-01T00:00:00Z",)"
                R"("not_after":"{}","sha256":"{}","key":{{"type":"EC","bits":256}}}})",
                i ? "," : "", i, i, i ? "2027-01-01T00:00:00Z" : e.leaf_not_after, e.chain[i]);
        for (std::size_t i = 0; i < e.findings.size(); ++i) {
            const auto& f = e.findings[i];
            const auto cert =
                f.cert_sha256.empty()
                    ? std::string("null")
                    : fmt::format(R"({{"position":0,"subject":"CN=cert 0","sha256":"{}"}})", f.cert_sha256);
            findings += fmt::format(
                R"({}{{"id":"{}","severity":"{}","cert":{},"message":"{}","remediation":"Fix it.","rule":{},"chain":{}}})",
                i ? "," : "", f.id, f.severity, cert, f.message, f.rule.empty() ? "null" : "\"" + f.rule + "\"",
                f.chain);
        }
        const auto error = e.error.empty()
                               ? std::string("null")
                               : fmt::format(R"({{"stage":"connect","code":"{}","detail":"{}"}})", e.error, e.error);
        out += fmt::format(
            R"({{"schema_version":2,"type":"endpoint","scanned_at":"{}","target":{{"input":"{}","line":{},)"
            R"("host":"{}","port":{},"sni":"{}","starttls":{}}},"address":"{}","status":"{}","error":{},"chain":[{}],)"
            R"("findings":[{}]}})"
            "\n",
            scan.started_at, e.host, ++line, e.host, e.port, e.sni.empty() ? e.host : e.sni,
            e.starttls.empty() ? "null" : "\"" + e.starttls + "\"", e.address, e.error.empty() ? "ok" : "error", error,
            chain, findings);
    }
    if (scan.has_end)
        out += fmt::format(R"({{"schema_version":2,"type":"scan-end","finished_at":"{}","targets":{},"endpoints":{},)"
                           R"("input_errors":0,"complete":{},"resumed_targets":0}})"
                           "\n",
                           scan.started_at, scan.endpoints.size(), scan.endpoints.size(),
                           scan.complete ? "true" : "false");
    return out;
}

}  // namespace tlsaudit::testing
