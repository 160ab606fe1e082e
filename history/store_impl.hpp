#pragma once
// The inside of history::store (history/, private): the connection and the file name,
// and the translation of SQLite's errors into store_error.

#include "history/sqlite.hpp"
#include <tlsaudit/history/store.hpp>

#include <cstdint>
#include <filesystem>
#include <string_view>

namespace tlsaudit::history::detail {

struct store_impl {
    std::filesystem::path file;
    store_options options;
    sqlite::connection db;
};

// The store_error for an SQLite failure on `file` while `doing` something.
store_error translate(const sqlite::error& e, const std::filesystem::path& file, const store_options& options,
                      std::string_view doing);

// Refuses, without writing, a file this build must not touch: a newer schema, another
// application's database. Throws store_error (too_new, damaged) or sqlite::error.
void check_compatible(sqlite::connection& db, const std::filesystem::path& file);

// Creates the tables of a new database or migrates an older one to schema_version, in
// one transaction. Throws sqlite::error.
void migrate(sqlite::connection& db);

// Writes the aggregates of an imported scan (count_scan, then sight_scan), inside the
// caller's transaction, once the scan row has its start time. Throws sqlite::error.
void summarize_scan(sqlite::connection& db, std::int64_t scan_id);

// The scan's findings per finding id, and its endpoints under a replaced CA by days to
// expiry (scan_counts, scan_expiry).
void count_scan(sqlite::connection& db, std::int64_t scan_id);

// Moves the first and last sighting of each target's finding kinds the scan has
// (sightings): scans are ordered by start second, then by id.
void sight_scan(sqlite::connection& db, std::int64_t scan_id);

}  // namespace tlsaudit::history::detail
