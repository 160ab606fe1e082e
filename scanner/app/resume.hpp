#pragma once
// --resume FILE.ndjson (docs/operations.md): carry on a scan whose
// NDJSON stream was cut short (SIGINT/SIGTERM, kill -9, a crash), so that in the end
// every target appears exactly once.
//
// A target is complete when the file holds all of its endpoint records (each endpoint
// record carries "addresses": how many its target has; records of writers without that
// field count as 1). prepare_resume rewrites the file atomically (report::rewrite_ndjson) keeping
// the first scan-start record and the endpoint records of complete targets; it drops a
// damaged (truncated) line, the records of incomplete targets, and every input-error,
// name and scan-end record: the resumed run parses the same target file again, writes
// the input errors again, rescans the incomplete targets whole, and writes the name
// records (inconsistent-deployment) over all endpoints, old and new, at its end.

#include <tlsaudit/model.hpp>

#include <boost/json/object.hpp>

#include <cstddef>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_set>
#include <vector>

namespace tlsaudit::app {

struct resume_state {
    std::filesystem::path file;
    std::unordered_set<std::string> done;  // target::key() of the complete targets
    std::size_t kept_endpoints = 0;        // endpoint records kept
    // Those kept records by error code (scanned: without one) and by status, for the end-of-scan
    // summary, which counts them with this run's.
    std::map<std::string, std::size_t> kept_errors;
    std::map<std::string, std::size_t> kept_statuses;
    std::size_t dropped_records = 0;  // records of incomplete targets, plus input-error/name/scan-end
    std::size_t damaged_lines = 0;    // lines that were not a JSON object (a truncated tail)
    bool has_scan_start = false;
    std::string recorded_input;                       // the target file named by the kept scan-start record
    boost::json::object recorded_options;             // its first scan-start's "options" (empty without one)
    std::optional<std::string> recorded_trust_store;  // its "trust_store" (none: not recorded)
    // Settings an earlier resume of the file changed (its scan-end records, which the rewrite
    // drops): the kept targets may already mix two runs' settings.
    std::set<std::string> changed_before;
};

// The settings that decide what a scan sees and how it judges it, on which `recorded` (a
// resumed file's scan-start) and `now` (this run's scan-start record) differ: keys of
// "options" ("probes", "ports", "expiry_warn_days", ...) and "trust_store". Keys the
// recorded scan-start lacks (an older version) are not compared.
std::vector<std::string> changed_settings(const resume_state& recorded, const boost::json::object& now);

// Reads and rewrites `file`, the stream of a scan of `shard` ("I/N", or "" for the whole
// list). Throws config_error when it cannot be read, holds no tlsaudit record at all,
// records another shard (checked before anything is rewritten), or cannot be rewritten.
resume_state prepare_resume(const std::filesystem::path& file, const std::string& shard);

// Calls `visit` with each endpoint record of the (rewritten) file that served a chain,
// rebuilt as an endpoint_result (target, address, DER chain; not parsed): the resumed
// run feeds them to the deployment check.
using kept_endpoint_visitor = std::function<void(endpoint&&, std::vector<bytes>&&)>;
void for_each_kept_endpoint(const std::filesystem::path& file, const kept_endpoint_visitor& visit);

}  // namespace tlsaudit::app
