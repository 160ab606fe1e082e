// The history store on real SQLite files: import, re-import, incomplete scans, the
// baseline from the latest complete scan, migration from schema 1, and files it must
// refuse without touching them.

#include "history/record_reader.hpp"
#include "history_fixture.hpp"

#include <tlsaudit/history/store.hpp>

#include <fmt/format.h>

#include <set>

#include <chrono>
#include <fstream>

namespace tlsaudit::testing {
namespace {

class history_store : public history_fixture {};

using history::store;
using history::store_error;

fake_scan two_endpoints(const std::string& started_at) {
    fake_scan s;
    s.started_at = started_at;
    s.endpoints = {
        {"a.test", 443, "127.0.0.1", "", {sha('a'), sha('c')}, {{"hostname-mismatch", "high", sha('a')}}},
        {"b.test", 443, "127.0.0.2", "", {sha('b'), sha('c')}, {}},
        {"c.test", 443, "127.0.0.3", "refused", {}, {}},
    };
    return s;
}

TEST_F(history_store, import_stores_scans_endpoints_and_chains_once) {
    const auto db_file = dir_ / "audit.db";
    store db(db_file);
    EXPECT_EQ(db.version(), history::schema_version);
    const auto r1 = db.import_scan({write_scan("1.ndjson", two_endpoints("2026-01-01T00:00:00Z"))});
    const auto r2 = db.import_scan({write_scan("2.ndjson", two_endpoints("2026-01-02T00:00:00Z"))});
    EXPECT_FALSE(r1.already_present);
    EXPECT_TRUE(r1.complete);
    EXPECT_EQ(r1.endpoints, 3u);
    EXPECT_EQ(r1.findings, 1u);
    EXPECT_NE(r1.scan_id, r2.scan_id);

    raw_db raw(db_file);
    EXPECT_EQ(raw.integer("SELECT count(*) FROM scans"), 2);
    EXPECT_EQ(raw.integer("SELECT count(*) FROM endpoints"), 6);
    EXPECT_EQ(raw.integer("SELECT count(*) FROM chains"), 2);  // two distinct chains over both scans
    EXPECT_EQ(raw.integer("SELECT count(*) FROM targets"), 3);
    EXPECT_EQ(raw.integer("SELECT count(*) FROM findings"), 2);
    EXPECT_EQ(raw.integer("SELECT count(*) FROM finding_kinds"), 1);
    EXPECT_EQ(raw.integer("SELECT count(*) FROM endpoints WHERE error_code = 'refused' AND chain_id IS NULL"), 2);
    EXPECT_EQ(raw.text("SELECT started_at FROM scans ORDER BY id LIMIT 1"), "2026-01-01T00:00:00Z");
    EXPECT_EQ(raw.integer("SELECT started_epoch FROM scans ORDER BY id LIMIT 1"), 1767225600);
    EXPECT_EQ(raw.text("PRAGMA journal_mode"), "wal");
    EXPECT_EQ(raw.integer("PRAGMA user_version"), history::schema_version);
    EXPECT_EQ(raw.integer("PRAGMA page_size"), 16384) << "a new database's pages";
}

TEST_F(history_store, importing_the_same_file_again_changes_nothing) {
    const auto db_file = dir_ / "audit.db";
    const auto file = write_scan("1.ndjson", two_endpoints("2026-01-01T00:00:00Z"));
    store db(db_file);
    const auto first = db.import_scan({file});
    const auto again = db.import_scan({file});
    EXPECT_TRUE(again.already_present);
    EXPECT_EQ(again.scan_id, first.scan_id);
    raw_db raw(db_file);
    EXPECT_EQ(raw.integer("SELECT count(*) FROM scans"), 1);
    EXPECT_EQ(raw.integer("SELECT count(*) FROM endpoints"), 3);
    EXPECT_EQ(raw.integer("SELECT count(*) FROM findings"), 1);
}

// A database imported before the content key (files known by the ordered hash of their
// lines, scans by a digest of those) still knows its files: no duplicate on a re-import.
TEST_F(history_store, a_file_imported_under_the_ordered_hash_is_known) {
    const auto db_file = dir_ / "audit.db";
    const auto file = write_scan("1.ndjson", two_endpoints("2026-01-01T00:00:00Z"));
    store db(db_file);
    const auto first = db.import_scan({file});
    history::detail::line_hash ordered;
    std::ifstream in(file);
    for (std::string line; std::getline(in, line);) ordered.add(line);
    {
        raw_db raw(db_file);
        ASSERT_EQ(raw.exec("UPDATE scans SET scan_key = 'an older key'"), SQLITE_OK);
        ASSERT_EQ(raw.exec(fmt::format("UPDATE scan_files SET file_hash = '{:016x}'", ordered.value)), SQLITE_OK);
    }
    const auto again = db.import_scan({file});
    EXPECT_TRUE(again.already_present);
    EXPECT_EQ(again.scan_id, first.scan_id);
    EXPECT_EQ(raw_db(db_file).integer("SELECT count(*) FROM scans"), 1);
}

TEST_F(history_store, an_endpoint_read_twice_keeps_the_last_record) {
    auto scan = two_endpoints("2026-01-01T00:00:00Z");
    auto again = scan.endpoints[0];
    again.findings.clear();
    scan.endpoints.push_back(again);
    store db(dir_ / "audit.db");
    const auto r = db.import_scan({write_scan("1.ndjson", scan)});
    EXPECT_EQ(r.endpoints, 3u);
    raw_db raw(dir_ / "audit.db");
    EXPECT_EQ(raw.integer("SELECT count(*) FROM endpoints"), 3);
    EXPECT_EQ(raw.integer("SELECT count(*) FROM findings"), 0);
}

TEST_F(history_store, incomplete_scans_are_stored_but_never_the_baseline) {
    store db(dir_ / "audit.db");
    db.import_scan({write_scan("1.ndjson", two_endpoints("2026-01-01T00:00:00Z"))});
    auto interrupted = two_endpoints("2026-01-02T00:00:00Z");
    interrupted.complete = false;
    interrupted.endpoints[0].findings.push_back({"weak-key", "medium", sha('a')});
    auto killed = two_endpoints("2026-01-03T00:00:00Z");
    killed.has_end = false;
    killed.endpoints[0].findings.clear();
    EXPECT_FALSE(db.import_scan({write_scan("2.ndjson", interrupted)}).complete);
    EXPECT_FALSE(db.import_scan({write_scan("3.ndjson", killed)}).complete);

    const auto b = db.latest_baseline();
    EXPECT_NE(b.source.find("2026-01-01T00:00:00Z"), std::string::npos) << b.source;
    ASSERT_EQ(b.findings.size(), 1u);
    const auto& [key, finding] = *b.findings.begin();
    EXPECT_EQ(key.host, "a.test");
    EXPECT_EQ(key.port, 443);
    EXPECT_EQ(key.id, "hostname-mismatch");
    EXPECT_EQ(key.cert_sha256, sha('a'));
    EXPECT_EQ(finding.severity, "high");
    raw_db raw(dir_ / "audit.db");
    EXPECT_EQ(raw.integer("SELECT count(*) FROM scans WHERE complete = 0"), 2);
}

// A server down for one scan, then up with the same findings: they are known, not new
// (the CI gate --fail-on-new failed on them once the server was back).
TEST_F(history_store, a_target_the_latest_scan_could_not_scan_keeps_its_known_findings) {
    store db(dir_ / "audit.db");
    auto first = two_endpoints("2026-01-01T00:00:00Z");
    first.endpoints[1].findings.push_back({"weak-key", "medium", sha('b')});
    db.import_scan({write_scan("1.ndjson", first)});
    auto fixed = two_endpoints("2026-01-02T00:00:00Z");  // b.test fixed its finding
    db.import_scan({write_scan("2.ndjson", fixed)});
    auto outage = two_endpoints("2026-01-03T00:00:00Z");  // a.test down, b.test regressed
    outage.endpoints[0].error = "refused";
    outage.endpoints[0].chain.clear();
    outage.endpoints[0].findings.clear();
    outage.endpoints[1].findings.push_back({"cert-expiring", "low", sha('b')});
    db.import_scan({write_scan("3.ndjson", outage)});

    const auto b = db.latest_baseline();
    EXPECT_NE(b.source.find("2026-01-03T00:00:00Z"), std::string::npos) << b.source;
    std::set<std::pair<std::string, std::string>> got;
    for (const auto& [key, f] : b.findings) got.emplace(key.host, key.id);
    EXPECT_EQ(got, (std::set<std::pair<std::string, std::string>>{{"a.test", "hostname-mismatch"},
                                                                  {"b.test", "cert-expiring"}}))
        << "a.test's from scan 2, b.test's from scan 3; b.test's fixed weak-key is not carried";
}

// A site left out of one run's target list, then listed again with the same findings: they
// are known, not new, as a file baseline carries them on in not_verified (--fail-on-new
// failed the day the site came back).
TEST_F(history_store, a_target_the_latest_scan_did_not_hold_keeps_its_known_findings) {
    store db(dir_ / "audit.db");
    db.import_scan({write_scan("1.ndjson", two_endpoints("2026-01-01T00:00:00Z"))});
    auto without_a = two_endpoints("2026-01-02T00:00:00Z");
    without_a.endpoints.erase(without_a.endpoints.begin());
    without_a.endpoints[0].findings.push_back({"cert-expiring", "low", sha('b')});
    db.import_scan({write_scan("2.ndjson", without_a)});
    auto without_b = two_endpoints("2026-01-03T00:00:00Z");  // b.test left out too, a.test back
    without_b.endpoints.erase(without_b.endpoints.begin() + 1);
    db.import_scan({write_scan("3.ndjson", without_b)});

    std::set<std::pair<std::string, std::string>> got;
    for (const auto& [key, f] : db.latest_baseline().findings) got.emplace(key.host, key.id);
    EXPECT_EQ(got, (std::set<std::pair<std::string, std::string>>{{"a.test", "hostname-mismatch"},
                                                                  {"b.test", "cert-expiring"}}))
        << "b.test's from scan 2, the latest that scanned it";
}

// The database keeps start times in UTC ("RFC 3339, UTC", schema.cpp), whatever offset the
// record wrote; a start that is no time is not imported.
TEST_F(history_store, start_times_are_kept_in_utc_and_one_that_is_no_time_is_refused) {
    store db(dir_ / "audit.db");
    const auto r = db.import_scan({write_scan("tz.ndjson", two_endpoints("2026-01-01T10:00:00+05:00"))});
    EXPECT_EQ(r.started_at, "2026-01-01T05:00:00Z");
    EXPECT_EQ(raw_db(dir_ / "audit.db").text("SELECT started_at FROM scans"), "2026-01-01T05:00:00Z");
    EXPECT_THROW(db.import_scan({write_scan("bad.ndjson", two_endpoints("garbage"))}), std::runtime_error);
    EXPECT_THROW(db.import_scan({write_scan("none.ndjson", two_endpoints(""))}), std::runtime_error)
        << "a scan-start without its time is not stored with the import's";
    EXPECT_EQ(raw_db(dir_ / "audit.db").integer("SELECT count(*) FROM scans"), 1);
}

// A name whose IPv6 address always fails is scanned through its IPv4 one: left out of a
// run and listed again, its findings are known (they were new: no scan had every endpoint
// of it answer).
TEST_F(history_store, a_target_with_an_address_that_always_fails_keeps_its_known_findings) {
    store db(dir_ / "audit.db");
    auto first = two_endpoints("2026-01-01T00:00:00Z");
    first.endpoints.push_back({"a.test", 443, "::1", "refused", {}, {}});
    db.import_scan({write_scan("1.ndjson", first)});
    auto without_a = two_endpoints("2026-01-02T00:00:00Z");
    without_a.endpoints.erase(without_a.endpoints.begin());
    db.import_scan({write_scan("2.ndjson", without_a)});
    std::set<std::pair<std::string, std::string>> got;
    for (const auto& [key, f] : db.latest_baseline().findings) got.emplace(key.host, key.id);
    EXPECT_EQ(got, (std::set<std::pair<std::string, std::string>>{{"a.test", "hostname-mismatch"}}));
}

TEST_F(history_store, an_empty_history_is_an_empty_baseline) {
    store db(dir_ / "audit.db");
    const auto b = db.latest_baseline();
    EXPECT_TRUE(b.findings.empty());
    EXPECT_NE(b.source.find("no complete scan"), std::string::npos);
}

// Schema 1 as it was released: scans had no trust_store or sources.
constexpr const char* schema_1 = R"sql(
CREATE TABLE scans(id INTEGER PRIMARY KEY, scan_key TEXT NOT NULL UNIQUE, started_at TEXT NOT NULL,
  started_epoch INTEGER NOT NULL, finished_at TEXT, tool_version TEXT, rules_version TEXT, input TEXT,
  shards INTEGER NOT NULL, complete INTEGER NOT NULL, endpoints INTEGER NOT NULL, imported_at TEXT NOT NULL);
CREATE INDEX scans_by_time ON scans(started_epoch);
CREATE TABLE targets(id INTEGER PRIMARY KEY, host TEXT NOT NULL, port INTEGER NOT NULL, sni TEXT NOT NULL,
  starttls TEXT NOT NULL, UNIQUE(host, port, sni, starttls));
CREATE TABLE chains(id INTEGER PRIMARY KEY, fingerprint TEXT NOT NULL UNIQUE, leaf_sha256 TEXT NOT NULL,
  leaf_subject TEXT, leaf_not_after TEXT, certs TEXT NOT NULL);
CREATE TABLE endpoints(scan_id INTEGER NOT NULL, target_id INTEGER NOT NULL, address TEXT NOT NULL,
  chain_id INTEGER, error_code TEXT, PRIMARY KEY(scan_id, target_id, address)) WITHOUT ROWID;
CREATE TABLE finding_kinds(id INTEGER PRIMARY KEY, digest TEXT NOT NULL UNIQUE, finding_id TEXT NOT NULL,
  severity INTEGER NOT NULL, rule TEXT NOT NULL, cert_sha256 TEXT NOT NULL, cert_subject TEXT NOT NULL,
  message TEXT NOT NULL, remediation TEXT NOT NULL);
CREATE TABLE findings(scan_id INTEGER NOT NULL, target_id INTEGER NOT NULL, address TEXT NOT NULL,
  kind_id INTEGER NOT NULL, chain INTEGER NOT NULL, PRIMARY KEY(scan_id, target_id, address, kind_id, chain)) WITHOUT ROWID;
INSERT INTO scans VALUES(1, 'old', '2025-12-01T00:00:00Z', 1764547200, '2025-12-01T00:10:00Z', '0.0.9', '1', 't.txt', 1, 1, 1, '2025-12-01T00:11:00Z');
INSERT INTO targets VALUES(1, 'a.test', 443, 'a.test', '');
INSERT INTO endpoints VALUES(1, 1, '127.0.0.1', NULL, NULL);
INSERT INTO finding_kinds VALUES(1, 'd1', 'cert-expiring', 2, '', 'ee', 'CN=a', 'expires soon', 'Renew.');
INSERT INTO findings VALUES(1, 1, '127.0.0.1', 1, 0);
PRAGMA application_id = 1953264481;
PRAGMA user_version = 1;
)sql";

TEST_F(history_store, a_schema_1_database_is_migrated_and_keeps_its_scans) {
    const auto db_file = dir_ / "old.db";
    ASSERT_EQ(raw_db(db_file).exec(schema_1), SQLITE_OK);
    {
        store db(db_file);
        EXPECT_EQ(db.version(), history::schema_version);
        const auto b = db.latest_baseline();  // the old scan, as stored
        ASSERT_EQ(b.findings.size(), 1u);
        EXPECT_EQ(b.findings.begin()->first.id, "cert-expiring");
        EXPECT_EQ(b.findings.begin()->second.severity, "medium");
        db.import_scan({write_scan("1.ndjson", two_endpoints("2026-01-01T00:00:00Z"))});
    }
    raw_db raw(db_file);
    EXPECT_EQ(raw.integer("PRAGMA user_version"), history::schema_version);
    EXPECT_EQ(raw.integer("SELECT count(*) FROM scans"), 2);
    // Schema 3's aggregates and schema 5's sightings were filled in for the old scan as well as written for the new.
    EXPECT_EQ(raw.integer("SELECT findings FROM scan_counts WHERE scan_id = 1 AND finding_id = 'cert-expiring'"), 1);
    EXPECT_EQ(raw.text("SELECT first_epoch || '/' || first_scan || '/' || last_epoch || '/' || last_scan "
                       "FROM sightings WHERE target_id = 1 AND kind_id = 1"),
              "1764547200/1/1764547200/1");
    EXPECT_EQ(raw.integer("SELECT count(*) FROM scan_counts WHERE scan_id = 2"), 1);
    EXPECT_EQ(raw.integer("SELECT count(*) FROM scans WHERE trust_store IS NULL"), 1);  // the old scan
    EXPECT_EQ(raw.text("SELECT trust_store FROM scans WHERE id = 2"), "system");
    EXPECT_EQ(raw.integer("SELECT count(*) FROM targets"), 3);  // a.test was known already
    EXPECT_EQ(raw.integer("PRAGMA page_size"), 4096) << "an existing database keeps its pages";
    EXPECT_EQ(raw.text("PRAGMA integrity_check"), "ok");
}

void expect_refused(const std::filesystem::path& file, store_error::reason why, const std::string& says) {
    const auto before = file_bytes(file);
    try {
        store db(file);
        ADD_FAILURE() << file << " was opened";
    } catch (const store_error& e) {
        EXPECT_EQ(e.why(), why) << e.what();
        EXPECT_NE(std::string(e.what()).find(says), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find(file.string()), std::string::npos) << e.what();
    }
    EXPECT_EQ(file_bytes(file), before) << "the file was modified";
    EXPECT_FALSE(std::filesystem::exists(file.string() + "-wal"));
}

TEST_F(history_store, refuses_a_file_that_is_not_sqlite_and_leaves_it_alone) {
    std::ofstream(dir_ / "notes.db") << "these are my notes, not a database\n";
    expect_refused(dir_ / "notes.db", store_error::reason::damaged, "not an SQLite database");
}

TEST_F(history_store, refuses_a_damaged_database_and_leaves_it_alone) {
    const auto db_file = dir_ / "audit.db";
    {
        store db(db_file);
        db.import_scan({write_scan("1.ndjson", two_endpoints("2026-01-01T00:00:00Z"))});
    }
    raw_db(db_file).exec("PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode = DELETE");
    // The header stays, the schema page becomes noise.
    auto bytes = file_bytes(db_file);
    ASSERT_GT(bytes.size(), 4096u);
    for (std::size_t i = 100; i < 4096; ++i) bytes[i] = static_cast<char>(i * 7);
    std::ofstream(db_file, std::ios::binary | std::ios::trunc) << bytes;
    expect_refused(db_file, store_error::reason::damaged, "damaged");
}

TEST_F(history_store, refuses_another_applications_database) {
    ASSERT_EQ(raw_db(dir_ / "other.db").exec("CREATE TABLE songs(title TEXT); INSERT INTO songs VALUES('x')"),
              SQLITE_OK);
    expect_refused(dir_ / "other.db", store_error::reason::damaged, "not a tlsaudit history");
}

TEST_F(history_store, refuses_a_newer_schema) {
    ASSERT_EQ(raw_db(dir_ / "new.db").exec("PRAGMA user_version = 99"), SQLITE_OK);
    expect_refused(dir_ / "new.db", store_error::reason::too_new, "newer than this tlsaudit reads");
}

// Our application id and a schema version but no table (an import then failed midway,
// "no such table: scans", exit 3): refused as damaged, untouched.
TEST_F(history_store, refuses_a_history_without_its_tables) {
    const auto hollow =
        fmt::format("PRAGMA application_id = 1953264481; PRAGMA user_version = {}", history::schema_version);
    ASSERT_EQ(raw_db(dir_ / "hollow.db").exec(hollow), SQLITE_OK);
    expect_refused(dir_ / "hollow.db", store_error::reason::damaged, "holds no table");
}

TEST_F(history_store, a_writer_holding_the_lock_too_long_is_a_clear_error) {
    const auto db_file = dir_ / "audit.db";
    store db(db_file, {.create = true, .busy_timeout = std::chrono::milliseconds(200)});
    raw_db other(db_file);
    ASSERT_EQ(other.exec("BEGIN IMMEDIATE"), SQLITE_OK);
    try {
        db.import_scan({write_scan("1.ndjson", two_endpoints("2026-01-01T00:00:00Z"))});
        ADD_FAILURE() << "imported while another writer held the lock";
    } catch (const store_error& e) {
        EXPECT_EQ(e.why(), store_error::reason::locked);
        EXPECT_NE(std::string(e.what()).find("locked by another writer"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("0.2 s"), std::string::npos) << e.what();
    }
    ASSERT_EQ(other.exec("ROLLBACK"), SQLITE_OK);
    EXPECT_FALSE(db.import_scan({dir_ / "1.ndjson"}).already_present);  // and works once it is free
}

TEST_F(history_store, malformed_ndjson_leaves_the_database_as_it_was) {
    const auto db_file = dir_ / "audit.db";
    store db(db_file);
    db.import_scan({write_scan("1.ndjson", two_endpoints("2026-01-01T00:00:00Z"))});
    auto text = ndjson(two_endpoints("2026-01-02T00:00:00Z"));
    text.insert(text.rfind("{\"schema_version\":2,\"type\":\"scan-end\""), "{not json\n");
    std::ofstream(dir_ / "bad.ndjson") << text;
    EXPECT_THROW(db.import_scan({dir_ / "bad.ndjson"}), std::runtime_error);
    raw_db raw(db_file);
    EXPECT_EQ(raw.integer("SELECT count(*) FROM scans"), 1);
    EXPECT_EQ(raw.integer("SELECT count(*) FROM endpoints"), 3);
}

TEST_F(history_store, an_empty_file_is_no_scan) {
    const auto db_file = dir_ / "audit.db";
    store db(db_file);
    std::ofstream(dir_ / "empty.ndjson").flush();
    std::ofstream(dir_ / "blank.ndjson") << "\n\n";
    for (const char* name : {"empty.ndjson", "blank.ndjson"}) {
        try {
            db.import_scan({dir_ / name});
            ADD_FAILURE() << name << " was imported";
        } catch (const std::runtime_error& e) {
            EXPECT_EQ(std::string(e.what()), (dir_ / name).string() + " holds no record");
        }
    }
    // A shard that is empty is refused with the scan it belongs to.
    EXPECT_THROW(db.import_scan({write_scan("1.ndjson", two_endpoints("2026-01-01T00:00:00Z")), dir_ / "empty.ndjson"}),
                 std::runtime_error);
    EXPECT_EQ(raw_db(db_file).integer("SELECT count(*) FROM scans"), 0);
}

TEST_F(history_store, detects_sqlite_files_by_their_header) {
    { store db(dir_ / "audit.db"); }
    std::ofstream(dir_ / "report.json") << "{\"format\":\"tlsaudit-report\"}";
    EXPECT_TRUE(history::is_sqlite_file(dir_ / "audit.db"));
    EXPECT_FALSE(history::is_sqlite_file(dir_ / "report.json"));
    EXPECT_FALSE(history::is_sqlite_file(dir_ / "missing.db"));
}

}  // namespace
}  // namespace tlsaudit::testing
