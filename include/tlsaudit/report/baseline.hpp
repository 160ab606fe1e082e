#pragma once
// Baselines (report/): compare a report with an earlier JSON report (--baseline
// OLD.json) and mark each finding new or unchanged; list the baseline's findings that
// are gone as resolved.
//
// Finding identity: (host, port, finding id, certificate SHA-256, SNI when it is not the
// host, STARTTLS protocol). The address is left out on purpose: the addresses behind a
// load-balanced name change between runs, and a finding that moved from one node to
// another is not new. The SNI and the protocol are in: `127.0.0.1:443 sni=a.test` and
// `sni=b.test` are two sites, and so are `host:25` with and without STARTTLS. Name-level
// findings (inconsistent-deployment) have no certificate and are keyed with "" for it.
// Several endpoints of one name with the same finding share one identity.

#include <tlsaudit/report/report_data.hpp>

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <tuple>

namespace tlsaudit::report {

struct finding_identity {
    std::string host;
    int port = 0;
    std::string id;
    std::string cert_sha256;
    std::string sni;       // "" when it is the host (or none is sent)
    std::string starttls;  // "" for direct TLS
    auto operator<=>(const finding_identity&) const = default;
};

// The identity's SNI for a target `host` sending `sni`: "" when they are the same.
inline std::string identity_sni(const std::string& host, const std::string& sni) { return sni == host ? "" : sni; }

// "host:port", an IPv6 address in brackets ("[::1]:8443"), as a target list writes it:
// "::1:8443" reads as another address.
std::string host_port(const std::string& host, int port);

// A target as JUnit suites and SARIF locations name it: "smtp://host:port sni=NAME", the
// scheme for STARTTLS only, the SNI when it is not the host.
std::string target_text(const std::string& host, int port, const std::string& sni, const std::string& starttls);

struct baseline_finding {
    std::string severity, message;
};

struct baseline {
    std::string source;
    std::map<finding_identity, baseline_finding> findings;
};

// Reads a JSON report written by write_json_report (any report_schema_version up to
// ours). Throws std::runtime_error naming the file when it cannot be read or is not a
// tlsaudit JSON report.
baseline load_baseline(const std::filesystem::path& file);

// Marks every finding of `data` new or unchanged. A baseline finding the new scan lacks
// goes to data.resolved only when its host and port were scanned, every endpoint of them
// without a scan error; otherwise to data.not_verified: a server that refused or timed
// out, or a target left out of the run, proves nothing fixed. Both lists are sorted.
void apply_baseline(report_data& data, const baseline& old);

}  // namespace tlsaudit::report
