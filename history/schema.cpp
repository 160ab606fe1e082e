// The history schema and its forward migrations.

#include "history/store_impl.hpp"

#include <array>
#include <string>

namespace tlsaudit::history::detail {
namespace {

// 'tlsa': marks the file as ours, so that another application's SQLite database is
// never taken for an empty history.
constexpr std::int64_t application_id = 0x746c7361;

// Fills the tables a step adds from the rows already stored (a step may have none).
using backfill = void (*)(sqlite::connection&);

struct migration {
    std::string_view sql;
    backfill then = nullptr;
};

// A backfill that runs `step` (summary.cpp) for each scan already stored.
template <void (*step)(sqlite::connection&, std::int64_t)>
void every_scan(sqlite::connection& db) {
    auto scans = db.prepare("SELECT id FROM scans ORDER BY id");
    while (scans.step()) step(db, scans.integer(0));
}

// migrations[k] takes schema version k to k + 1. Never edit a released step: add one.
constexpr std::array<migration, schema_version> migrations = {{
    // 1: the first layout.
    {R"sql(
CREATE TABLE scans(
  id INTEGER PRIMARY KEY,
  scan_key TEXT NOT NULL UNIQUE,          -- digest of the imported files: re-imports are no-ops
  started_at TEXT NOT NULL,               -- RFC 3339, UTC
  started_epoch INTEGER NOT NULL,
  finished_at TEXT,
  tool_version TEXT, rules_version TEXT, input TEXT,
  shards INTEGER NOT NULL,                -- scan-start records
  complete INTEGER NOT NULL,              -- 0: interrupted or scan-end missing
  endpoints INTEGER NOT NULL,
  imported_at TEXT NOT NULL);
CREATE INDEX scans_by_time ON scans(started_epoch);
CREATE TABLE targets(
  id INTEGER PRIMARY KEY,
  host TEXT NOT NULL, port INTEGER NOT NULL, sni TEXT NOT NULL, starttls TEXT NOT NULL,
  UNIQUE(host, port, sni, starttls));
CREATE TABLE chains(
  id INTEGER PRIMARY KEY,
  fingerprint TEXT NOT NULL UNIQUE,       -- SHA-256 over the certificates' SHA-256s, leaf first
  leaf_sha256 TEXT NOT NULL, leaf_subject TEXT, leaf_not_after TEXT,
  certs TEXT NOT NULL);                   -- JSON: [{sha256, subject, issuer, serial, not_before, not_after, key}]
CREATE TABLE endpoints(
  scan_id INTEGER NOT NULL REFERENCES scans(id),
  target_id INTEGER NOT NULL REFERENCES targets(id),
  address TEXT NOT NULL,
  chain_id INTEGER REFERENCES chains(id), -- NULL: no chain (scan error)
  error_code TEXT,                        -- NULL: scanned
  PRIMARY KEY(scan_id, target_id, address)) WITHOUT ROWID;
CREATE TABLE finding_kinds(
  id INTEGER PRIMARY KEY,
  digest TEXT NOT NULL UNIQUE,            -- of every column below
  finding_id TEXT NOT NULL, severity INTEGER NOT NULL, rule TEXT NOT NULL,
  cert_sha256 TEXT NOT NULL, cert_subject TEXT NOT NULL, message TEXT NOT NULL, remediation TEXT NOT NULL);
CREATE TABLE findings(
  scan_id INTEGER NOT NULL REFERENCES scans(id),
  target_id INTEGER NOT NULL REFERENCES targets(id),
  address TEXT NOT NULL,                  -- '': about the name as a whole
  kind_id INTEGER NOT NULL REFERENCES finding_kinds(id),
  chain INTEGER NOT NULL,                 -- 0: the endpoint's chain, k: its k-th other chain
  PRIMARY KEY(scan_id, target_id, address, kind_id, chain)) WITHOUT ROWID;
)sql"},
    // 2: where a scan's records came from and what it trusted, for the trend report.
    {R"sql(
ALTER TABLE scans ADD COLUMN trust_store TEXT;
ALTER TABLE scans ADD COLUMN sources TEXT;
)sql"},
    // 3: per-scan aggregates written at import (summary.cpp), so that a trend report does
    // not read every finding of every scan in its window.
    {R"sql(
CREATE TABLE scan_counts(
  scan_id INTEGER NOT NULL REFERENCES scans(id),
  finding_id TEXT NOT NULL,
  findings INTEGER NOT NULL,
  PRIMARY KEY(scan_id, finding_id)) WITHOUT ROWID;
CREATE TABLE scan_expiry(                 -- endpoints under a CA to replace, by the leaf's days to expiry
  scan_id INTEGER NOT NULL REFERENCES scans(id),
  rule TEXT NOT NULL,                     -- the distrusted-ca or discontinued-issuer rule
  bucket INTEGER NOT NULL,                -- 0 expired, 1: 0-29 days, 2: 30-89, 3: 90-179, 4: 180+, 5: unknown
  endpoints INTEGER NOT NULL,
  PRIMARY KEY(scan_id, rule, bucket)) WITHOUT ROWID;
CREATE TABLE sightings(                   -- the first and last scan in which a target had a finding kind
  target_id INTEGER NOT NULL REFERENCES targets(id),
  kind_id INTEGER NOT NULL REFERENCES finding_kinds(id),
  first_epoch INTEGER NOT NULL,
  last_epoch INTEGER NOT NULL,
  PRIMARY KEY(target_id, kind_id)) WITHOUT ROWID;
)sql",
     // Step 5 rebuilds the sightings of every scan.
     every_scan<count_scan>},
    // 4: each imported file's digest, so that a file imported again alone (one shard of a
    // scan imported whole) is found. Scans imported before have none.
    {R"sql(
CREATE TABLE scan_files(
  file_hash TEXT NOT NULL,                -- the digest of the file's records (import.cpp)
  scan_id INTEGER NOT NULL REFERENCES scans(id),
  PRIMARY KEY(file_hash, scan_id)) WITHOUT ROWID;
)sql"},
    // 5: sightings name their scans: two scans started in the same second are two moments
    // to the trend, in the order of their ids.
    {R"sql(
DROP TABLE sightings;
CREATE TABLE sightings(                   -- the first and last scan, by (start, id), in which a target had a finding kind
  target_id INTEGER NOT NULL REFERENCES targets(id),
  kind_id INTEGER NOT NULL REFERENCES finding_kinds(id),
  first_epoch INTEGER NOT NULL,
  first_scan INTEGER NOT NULL REFERENCES scans(id),
  last_epoch INTEGER NOT NULL,
  last_scan INTEGER NOT NULL REFERENCES scans(id),
  PRIMARY KEY(target_id, kind_id)) WITHOUT ROWID;
)sql",
     every_scan<sight_scan>},
}};

std::int64_t query_integer(sqlite::connection& db, std::string_view sql) {
    auto st = db.prepare(sql);
    return st.step() ? st.integer(0) : 0;
}

}  // namespace

void check_compatible(sqlite::connection& db, const std::filesystem::path& file) {
    const auto name = file.string();
    // One statement, one snapshot: another process may be creating the tables right now.
    auto st = db.prepare(
        "SELECT (SELECT user_version FROM pragma_user_version), (SELECT application_id FROM pragma_application_id), "
        "(SELECT count(*) FROM sqlite_schema)");
    st.step();
    const auto version = st.integer(0), app = st.integer(1), tables = st.integer(2);
    if (version > schema_version)
        throw store_error(store_error::reason::too_new, name + " has history schema version " +
                                                            std::to_string(version) +
                                                            ", newer than this tlsaudit reads (" +
                                                            std::to_string(schema_version) + "): use a newer tlsaudit");
    if (app != 0 && app != application_id)
        throw store_error(store_error::reason::damaged,
                          name + " is an SQLite database of another application, not a tlsaudit history");
    if (version == 0 && tables != 0)
        throw store_error(store_error::reason::damaged,
                          name + " is an SQLite database with tables of its own, not a tlsaudit history");
    if (version != 0 && tables == 0)
        throw store_error(store_error::reason::damaged, name + " says it is a tlsaudit history (schema version " +
                                                            std::to_string(version) +
                                                            ") but holds no table; it was left as it is");
}

void migrate(sqlite::connection& db) {
    if (query_integer(db, "PRAGMA user_version") == schema_version) return;
    sqlite::transaction tx(db);
    // Read again under the write lock: another process may have migrated meanwhile.
    for (auto v = query_integer(db, "PRAGMA user_version"); v < schema_version; ++v) {
        const auto& step = migrations[static_cast<std::size_t>(v)];
        db.exec(step.sql);
        if (step.then) step.then(db);
    }
    db.exec("PRAGMA application_id = " + std::to_string(application_id));
    db.exec("PRAGMA user_version = " + std::to_string(schema_version));
    tx.commit();
}

}  // namespace tlsaudit::history::detail
