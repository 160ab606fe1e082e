#pragma once
// The scan history (history/): every scan's endpoints, served chains and findings in
// an SQLite database, so that scheduled audits can answer "since when" and "fixed
// when" (trend.hpp) and take their baseline from the latest complete scan.
//
// One database file, WAL mode; the schema carries its version (PRAGMA user_version) and
// is migrated forward on open. Distinct chains and finding texts are stored once. Each
// scan is imported in one transaction: an interrupted import (an error, a kill, a power
// cut) leaves the database as it was, and importing the same files again changes
// nothing.

#include <tlsaudit/report/baseline.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace tlsaudit::history {

// The newest schema this build writes (and migrates older databases to).
inline constexpr int schema_version = 5;

// Why a history database could not be used. The message names the file and says what
// to do; the database is never modified by an operation that throws.
class store_error : public std::runtime_error {
public:
    enum class reason {
        locked,   // another writer held the database longer than the busy timeout
        damaged,  // not an SQLite file, not a tlsaudit history, or a damaged one
        too_new,  // written by a newer tlsaudit (schema version above ours)
        missing,  // opened for reading and there is no such file
        failed,   // anything else (disk full, permissions, ...)
    };
    store_error(reason why, const std::string& message) : std::runtime_error(message), why_(why) {}
    reason why() const { return why_; }

private:
    reason why_;
};

// True when `file` starts with SQLite's 16-byte header ("SQLite format 3\0"). False for
// a missing, short or unreadable file. Never throws.
bool is_sqlite_file(const std::filesystem::path& file);

struct store_options {
    bool create = true;  // false: a missing file is store_error{missing}
    // A reader (trend report, baseline): opened read-only, never migrated nor switched to
    // WAL, so a database in a file or directory it may not write (an archive) still reads.
    // An older schema is migrated as a writer would when the file may be written, else
    // store_error{failed}.
    bool read_only = false;
    // How long to wait for another writer's lock before store_error{locked}.
    std::chrono::milliseconds busy_timeout{std::chrono::seconds(60)};
};

struct import_result {
    std::int64_t scan_id = 0;
    bool already_present = false;  // the same files were imported before: nothing changed
    bool complete = false;         // every scan-start has its scan-end, none interrupted
    std::string started_at;
    std::size_t endpoints = 0, findings = 0;
};

namespace detail {
struct store_impl;
}

// An open history database. Not thread-safe (one store per thread); several processes
// may use one file at the same time (writers take turns, readers never wait).
class store {
public:
    // Opens (creating it when options.create) and migrates the schema forward. Throws
    // store_error: damaged (not SQLite, another application's database, a damaged
    // file), too_new, locked (a migration or the first WAL switch waited too long),
    // missing, failed.
    explicit store(const std::filesystem::path& file, store_options options = {});
    ~store();
    store(store&&) noexcept;
    store& operator=(store&&) noexcept;

    // The schema version of the file (after migration: schema_version).
    int version() const;

    // Imports the NDJSON files (report/'s record format) as one scan, in one
    // transaction. Files that are shards of one run go together; separate runs are
    // separate calls. A scan without a scan-end record, or whose scan-end says
    // "complete": false, is stored as incomplete. Throws std::runtime_error naming file
    // and line for unreadable or malformed NDJSON or a file without a record, store_error
    // for the database (both leave it unchanged).
    import_result import_scan(const std::vector<std::filesystem::path>& files);

    // The findings of the latest complete scan (by start time) as a baseline
    // (report/baseline.hpp semantics); no finding when there is no complete scan yet. For a
    // target with an endpoint that scan could not scan, the findings of the latest complete
    // scan that scanned all of its endpoints: known findings are not new after an outage.
    // source: "FILE (scan started AT)". `except`: the scan being reported, stored already (a
    // run repeated): the baseline is then the latest complete scan before it. Throws
    // store_error.
    report::baseline latest_baseline(std::optional<std::int64_t> except = std::nullopt) const;

    const std::filesystem::path& file() const;
    detail::store_impl& impl() const { return *impl_; }

private:
    std::unique_ptr<detail::store_impl> impl_;
};

}  // namespace tlsaudit::history
