#pragma once
// The scan pipeline shared by `scan` and `demo`: target lines -> net -> x509 -> audit
// -> sinks.

#include "audit_runtime.hpp"
#include "geo_options.hpp"
#include "resume.hpp"
#include "revocation_options.hpp"

#include <tlsaudit/net.hpp>
#include <tlsaudit/report/ndjson_writer.hpp>
#include <tlsaudit/report/progress.hpp>
#include <tlsaudit/report/scan_records.hpp>
#include <tlsaudit/targets.hpp>

#include <boost/json/object.hpp>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace tlsaudit::app {

struct pipeline_options {
    targets::parse_options parse;
    targets::shard shard;  // --shard / --shards (shard_options.hpp)
    net::scan_config net;
    std::string ndjson = "-";  // "-": stdout
    std::optional<std::filesystem::path> save_chains;
    audit_settings audit;            // trust store, --at, rules, ...
    time_point started_at{};         // the run's start, as its scan-start states it ({}: when the session starts)
    revocation_settings revocation;  // --no-revocation, --revocation-*, ...
    geo::options geo;                // --geoip-db, --asn-db, --no-geoip
    // Reports (report_command.hpp): the first record, a copy of the stream to read back
    // when it goes to stdout (""), what sees each record as it is written (the summary
    // built without reading the records back; empty: nothing), and the progress line
    // (nullptr: none).
    std::optional<boost::json::object> start_record;
    std::string ndjson_copy;
    report::ndjson_writer::record_observer record_observer;
    report::progress_line* progress = nullptr;
    // --resume: the prepared stream (resume.hpp); its complete targets are skipped and the
    // records are appended to it. nullptr: a fresh scan.
    const resume_state* resume = nullptr;
    // The target list is a regular file: once a stop leaves part of it unread, that part is
    // counted (a pipe's could block).
    bool input_is_regular_file = false;
};

struct scan_summary {
    std::size_t targets = 0;
    std::size_t input_errors = 0;
    std::size_t endpoints = 0;  // results written, failures included
    std::size_t handshakes_ok = 0;
    std::map<std::string, std::size_t> errors;    // by error code
    std::map<std::string, std::size_t> statuses;  // endpoint records by status ("ok", "high", ...)
    std::size_t inconsistent_names = 0;           // names whose addresses serve different chains
    std::size_t validations = 0;                  // distinct chains validated
    std::string rules_version;
    std::size_t resumed_targets = 0;  // --resume: targets already complete, not rescanned
    // --resume: the settings (scan-start option keys) this run changed from the recorded ones;
    // the kept targets were scanned with the recorded ones. Set by the scan command.
    std::vector<std::string> settings_changed_on_resume;
    bool interrupted = false;    // net.stop was set: targets are missing
    report::stop_point stopped;  // interrupted: where (the unread lines counted for a regular file only)
    // Certificate-chosen fetches (OCSP, CRL, AIA caIssuers): distinct host:port asked,
    // bytes received, fetches refused by the destination policy or its cap.
    std::size_t fetch_destinations = 0;
    std::uint64_t fetch_bytes = 0;
    std::uint64_t fetch_refused = 0;
};

// Reads `input` lazily and scans every target in it, auditing each endpoint and writing
// its record as it comes; then writes one "name" record per name whose addresses serve
// different chains (inconsistent-deployment; see docs/findings.md.
// With net.stop set by a signal it ends early (docs/operations.md).
// Throws config_error (bad rules file, trust options, --at) before any connection,
// std::runtime_error for environment failures (unwritable output) and
// std::invalid_argument for bad options. A scan_session (scan_session.hpp) driven by
// net::run_scan.
scan_summary run_pipeline(std::istream& input, const pipeline_options& options);

}  // namespace tlsaudit::app
