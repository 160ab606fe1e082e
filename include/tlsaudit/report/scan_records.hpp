#pragma once
// The records that open and close a scan's NDJSON stream (report/): "scan-start" (what
// was scanned, when, by which tool, with which options and trust store) and "scan-end"
// (when it ended, the counts, whether every target was scanned). The reader
// (ndjson_reader.hpp) takes a report's metadata from them.

#include <tlsaudit/model.hpp>

#include <boost/json/object.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tlsaudit::report {

// The run's settings as the scan-start record states them ("options"). Empty strings
// and nullopt are written as null.
struct scan_settings {
    std::vector<std::uint16_t> ports;
    std::size_t concurrency = 0;
    std::size_t threads = 0;  // as the scan ran (net::scan_threads)
    double rate = 0;          // new connections per second; 0: no limit
    int retries = 0;
    bool ipv4_only = false;
    bool ipv6_only = false;
    std::string resolver;  // "": the system's resolver configuration
    std::chrono::milliseconds dns_timeout{};
    std::chrono::milliseconds connect_timeout{};
    std::chrono::milliseconds handshake_timeout{};
    std::chrono::milliseconds starttls_timeout{};
    std::size_t per_host_concurrency = 0;  // 0: no limit
    bool dedupe = true;                    // false: --no-dedupe
    bool allow_large_cidr = false;
    std::string fail_on;  // a severity, or "none"
    bool fail_on_new = false;
    std::string fail_on_errors;        // --fail-on-errors as given
    std::string baseline;              // "": no baseline
    std::optional<std::string> rules;  // nullopt: the built-in catalogue
    std::string at;                    // the evaluation time as given; "": the start of the run
    int expiry_warn_days = 0;
    // The destination policy of certificate-chosen fetches (fetch_policy.hpp).
    std::vector<std::string> fetch_allow;
    bool fetch_allow_private = false;
    std::size_t fetch_max_destinations = 0;
    // How chains were captured and judged.
    std::vector<std::string> probes;  // in the order they ran
    std::string tls_engine;           // "capture" or "openssl"
    bool verify_handshake = false;
    std::string profile;         // "browser" or "openssl"
    time_point evaluated_at{};   // validity and trust judged at: --at, else the start of the run
    bool fetch_missing = false;  // --fetch-missing
    std::string starttls;        // --starttls as given; "": none (a target line may name one)
    std::string shard;           // "I/N" (--shard, --shards); "": the whole list
    struct revocation_checks {
        bool hard = false;                    // --revocation hard
        std::string depth;                    // "leaf" or "all"
        std::vector<std::string> order;       // live sources after the staple: "ocsp", "crl"
        std::chrono::milliseconds timeout{};  // per request
        std::uint64_t crl_max_bytes = 0;
    };
    std::optional<revocation_checks> revocation;  // nullopt: --no-revocation
};

// Where the trust anchors come from, written as one line ("trust_store"), e.g.
// "system + ca-file corp.pem + 2 lab roots" (validation itself is the audit's).
struct trust_sources {
    bool system = true;
    std::vector<std::string> ca_files;
    std::vector<std::string> ca_dirs;
    std::size_t lab_roots = 0;  // extra roots set by code (the demo lab)
};

struct scan_start {
    std::string tool_version;
    time_point started_at{};
    std::string input;  // the target file as named, "-" for stdin
    trust_sources trust;
    scan_settings settings;
};

// Where an interrupted scan stopped in its target list: the lines read (blank and comment
// lines included), and the lines after them that can hold a target (unknown for a pipe).
struct stop_point {
    std::uint64_t line = 0;
    std::optional<std::uint64_t> unread;
};

struct scan_end {
    time_point finished_at{};
    std::size_t targets = 0;
    std::size_t endpoints = 0;
    std::size_t input_errors = 0;
    bool complete = true;  // false: stopped by SIGINT/SIGTERM, targets are missing (--resume)
    stop_point stopped;    // not complete: where (written only then)
    std::size_t resumed_targets = 0;
    // --resume with other settings: the option keys that changed (written only when some did).
    std::vector<std::string> settings_changed_on_resume;
    // Certificate-chosen fetches (OCSP, CRL, AIA): distinct host:port destinations, bytes
    // received, fetches refused by the destination policy or its cap.
    std::size_t fetch_destinations = 0;
    std::uint64_t fetch_bytes = 0;
    std::uint64_t fetch_refused = 0;
};

// {"schema_version", "type": "scan-start", "tool", "version", "started_at", "input",
// "trust_store", "options": {...}}; text from the command line is made valid UTF-8.
boost::json::object to_json(const scan_start& start);

// {"schema_version", "type": "scan-end", "finished_at", "targets", "endpoints",
// "input_errors", "complete", "resumed_targets", "fetches": {"destinations", "bytes",
// "refused"}, "stopped_at_line" and "target_lines_unread" (a number or null) when not
// complete, and "settings_changed_on_resume": [...] when a resume changed settings}
boost::json::object to_json(const scan_end& end);

}  // namespace tlsaudit::report
