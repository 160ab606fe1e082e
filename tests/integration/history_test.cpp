// The history through the binary, on real SQLite files: ten scans of the loopback lab
// (servers changed between scans so that endpoints break and get fixed) and the exact
// trend figures; scan --db and --baseline DB; an import killed mid-way; two importers
// at once; a damaged file refused with exit code 2 and left as it was.

#include "../support/scratch_dir.hpp"
#include "cli_support.hpp"
#include "process_support.hpp"

#include <tlsaudit/lab/pki.hpp>
#include <tlsaudit/lab/real_certs.hpp>
#include <tlsaudit/lab/tls_server.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <fmt/format.h>

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <sqlite3.h>

#include <signal.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace tlsaudit::testing {
namespace {

namespace json = boost::json;

class history_cli : public scratch_dir {};

// SQLite's own view of a database file (not through tlsaudit).
std::string query(const std::filesystem::path& db_file, const std::string& sql) {
    sqlite3* db = nullptr;
    std::string out;
    if (sqlite3_open_v2(db_file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
        sqlite3_stmt* st = nullptr;
        if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW &&
            sqlite3_column_text(st, 0))
            out = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
        else out = std::string("error: ") + sqlite3_errmsg(db);
        sqlite3_finalize(st);
    }
    sqlite3_close_v2(db);
    return out;
}

// Sets the scan's start and end time (the lab runs all ten scans within seconds) and
// drops the scan-end record of an interrupted one.
void retime(const std::filesystem::path& file, const std::string& at, bool drop_end) {
    std::ifstream in(file);
    std::string line, out;
    while (std::getline(in, line)) {
        if (line.empty()) continue;
        auto record = json::parse(line).as_object();
        const auto type = record.at("type").as_string();
        if (type == "scan-end" && drop_end) continue;
        if (type == "scan-start") record["started_at"] = at;
        if (type == "scan-end") record["finished_at"] = at;
        out += json::serialize(record) + "\n";
    }
    std::ofstream(file, std::ios::trunc) << out;
}

// A synthetic scan of `endpoints` endpoints (one shared chain, a finding on every third).
// `shard`: "I/N" for a shard of a run (--shard), "" for a whole run.
void write_synthetic(const std::filesystem::path& file, int endpoints, const std::string& started_at,
                     const std::string& shard = "") {
    std::ofstream out(file);
    out << fmt::format(
               R"({{"schema_version":2,"type":"scan-start","version":"0.1.0","started_at":"{}","input":"t"{}}})",
               started_at, shard.empty() ? "" : R"(,"options":{"shard":")" + shard + "\"}")
        << "\n";
    for (int i = 0; i < endpoints; ++i) {
        out << fmt::format(
                   R"({{"schema_version":2,"type":"endpoint","target":{{"host":"h{}.bulk.test","port":443,"sni":"h{}.bulk.test"}},)"
                   R"("address":"10.{}.{}.{}","status":"ok","error":null,"chain":[{{"subject":"CN=bulk","sha256":"{}"}},)"
                   R"({{"subject":"CN=bulk CA","sha256":"{}"}}],"findings":[{}]}})",
                   i, i, i >> 16, (i >> 8) & 255, i & 255, std::string(64, 'a'), std::string(64, 'b'),
                   i % 3 ? ""
                         : R"({"id":"cert-expiring","severity":"medium","cert":{"position":0,"sha256":")" +
                               std::string(64, 'a') + R"("},"message":"expires soon","remediation":"Renew."})")
            << "\n";
    }
    out << R"({"schema_version":2,"type":"scan-end","finished_at":")" << started_at
        << R"(","targets":1,"endpoints":1,"complete":true})"
        << "\n";
}

// Lab endpoints on fixed ports: three with lab leaves and, optionally, some under
// Entrust's real L1K intermediate (a lab leaf issued under its name, with a chosen
// validity). Each scan serves a chosen leaf on each: one naming the host, one naming
// another host (hostname-mismatch) or the Entrust one, or nothing.
class changing_lab {
public:
    enum class serve { good, bad, down };

    struct entrust_leaf {
        time_point not_before, not_after;
    };

    explicit changing_lab(const std::filesystem::path& dir, const std::vector<entrust_leaf>& entrust = {}) : dir_(dir) {
        hierarchy_ = lab::make_hierarchy(lab::key_kind::ec_p256, 1, {"a.history.test"});
        std::ofstream(dir_ / "root.pem") << hierarchy_.root.pem();
        const auto& ca = hierarchy_.intermediates.back();
        const auto count = 3 + entrust.size();
        for (std::size_t i = 0; i < count; ++i) {
            const auto name = std::string(1, static_cast<char>('a' + i)) + ".history.test";
            const auto good = lab::issue(ca, lab::leaf_spec(name), lab::lab_key(lab::key_kind::ec_p256, 60 + i));
            good_.push_back({{good.der, ca.der}, good.k});
            if (i < 3) {
                const auto bad =
                    lab::issue(ca, lab::leaf_spec("wrong-" + name), lab::lab_key(lab::key_kind::ec_p256, 70 + i));
                bad_.push_back({{bad.der, ca.der}, bad.k});
                continue;
            }
            auto spec = lab::leaf_spec(name);
            spec.not_before = entrust[i - 3].not_before;
            spec.not_after = entrust[i - 3].not_after;
            const auto l1k = lab::real_cert("entrust-ca-l1k").front();
            const auto leaf = lab::issue_under_name(l1k, lab::lab_key(lab::key_kind::rsa_2048, 90 + i), spec,
                                                    lab::lab_key(lab::key_kind::ec_p256, 80 + i));
            bad_.push_back({{leaf.der, l1k}, leaf.k});
        }
        // Ports chosen once (ephemeral), held by each scan's servers in turn.
        ports_.resize(count);
        lab::server_pool first;
        for (std::size_t i = 0; i < count; ++i) ports_[i] = first.start(config(good_[i], 0));
        std::ofstream targets(dir_ / "targets.txt");
        for (std::size_t i = 0; i < count; ++i)
            targets << fmt::format("127.0.0.1:{} sni={}.history.test\n", ports_[i], static_cast<char>('a' + i));
    }

    // Runs one scan with the servers set as `how` (one per endpoint), writing `ndjson`.
    void scan(const std::vector<serve>& how, const std::filesystem::path& ndjson) {
        ASSERT_EQ(how.size(), ports_.size());
        lab::server_pool servers;
        for (std::size_t i = 0; i < how.size(); ++i)
            if (how[i] != serve::down) servers.start(config(how[i] == serve::good ? good_[i] : bad_[i], ports_[i]));
        const auto r = run_tlsaudit(fmt::format(
            "scan '{}' --ca-file '{}' --no-revocation --concurrency 4 --connect-timeout 3 --handshake-timeout 5 "
            "--ndjson '{}' --fail-on none -q",
            (dir_ / "targets.txt").string(), (dir_ / "root.pem").string(), ndjson.string()));
        ASSERT_EQ(r.exit_code, 0) << r.err;
    }

    std::uint16_t port(std::size_t i) const { return ports_[i]; }
    const std::filesystem::path& dir() const { return dir_; }

private:
    struct served {
        std::vector<bytes> chain;
        lab::key k;
    };

    static lab::server_config config(const served& leaf, std::uint16_t port) {
        lab::server_config c;
        c.chain = leaf.chain;
        c.leaf_key = leaf.k;
        c.port = port;
        return c;
    }

    std::filesystem::path dir_;
    lab::hierarchy hierarchy_;
    std::vector<served> good_, bad_;
    std::vector<std::uint16_t> ports_;
};

TEST_F(history_cli, ten_lab_scans_give_exact_first_seen_fixed_at_and_days_open) {
    const auto day = [](int y, unsigned m, unsigned d) {
        return time_point(std::chrono::sys_days(std::chrono::year(y) / std::chrono::month(m) / std::chrono::day(d)));
    };
    // d and e are under Entrust. d's leaf (issued after the distrust cut-off) expires on
    // 03-05 at midnight, before scan 5 (scans run at 06:00); it is replaced from scan 7.
    // e's expires on 04-05: 30.75 days after scan 5, 29.75 after scan 6; e is down in 3.
    changing_lab lab(dir_, {{day(2025, 3, 1), day(2026, 3, 5)}, {day(2024, 10, 1), day(2026, 4, 5)}});
    using s = changing_lab::serve;
    // a: broken in scans 1-4, fixed from 5. b: broken from 6. c: broken 1-6 (down in 3),
    // fine from 7, but scan 7 is interrupted: the fix counts from scan 8. (bad: under
    // Entrust for d and e.)
    const std::array<std::vector<s>, 10> plan = {{
        {s::bad, s::good, s::bad, s::bad, s::bad},
        {s::bad, s::good, s::bad, s::bad, s::bad},
        {s::bad, s::good, s::down, s::bad, s::down},
        {s::bad, s::good, s::bad, s::bad, s::bad},
        {s::good, s::good, s::bad, s::bad, s::bad},
        {s::good, s::bad, s::bad, s::bad, s::bad},
        {s::good, s::bad, s::good, s::good, s::bad},
        {s::good, s::bad, s::good, s::good, s::bad},
        {s::good, s::bad, s::good, s::good, s::bad},
        {s::good, s::bad, s::good, s::good, s::bad},
    }};
    std::string files;
    for (std::size_t i = 0; i < plan.size(); ++i) {
        const auto ndjson = dir_ / fmt::format("scan-{:02}.ndjson", i + 1);
        lab.scan(plan[i], ndjson);
        retime(ndjson, fmt::format("2026-03-{:02}T06:00:00Z", i + 1), i == 6);
        files += " '" + ndjson.string() + "'";
    }
    const auto db = dir_ / "audit.db";
    const auto imported = run_tlsaudit(fmt::format("history import {} --db '{}'", files, db.string()));
    ASSERT_EQ(imported.exit_code, 0) << imported.err;
    EXPECT_NE(imported.out.find("incomplete"), std::string::npos) << imported.out;
    EXPECT_EQ(query(db, "SELECT count(*) FROM scans"), "10");
    EXPECT_EQ(query(db, "SELECT count(*) FROM scans WHERE complete = 0"), "1");
    // Three good and three bad chains, d's Entrust and replacement chains, e's: each once.
    EXPECT_EQ(query(db, "SELECT count(*) FROM chains"), "9");

    const auto trend_json = dir_ / "trend.json";
    const auto r = run_tlsaudit(fmt::format("history report --db '{}' --since 90d --json '{}' --html '{}'", db.string(),
                                            trend_json.string(), (dir_ / "trend.html").string()));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto doc = json::parse(read_file(trend_json)).as_object();
    EXPECT_EQ(doc.at("scans").as_array().size(), 10u);
    std::map<std::uint64_t, json::object> by_port;
    for (const auto& f : doc.at("findings").as_array()) {
        const auto& o = f.as_object();
        const auto port = o.at("port").to_number<std::uint64_t>();
        if (port == lab.port(3) || port == lab.port(4)) continue;
        ASSERT_EQ(o.at("id").as_string(), "hostname-mismatch") << json::serialize(o);
        by_port[port] = o;
    }
    ASSERT_EQ(by_port.size(), 3u) << json::serialize(doc.at("findings"));
    const auto& a = by_port.at(lab.port(0));
    EXPECT_EQ(a.at("first_seen").as_string(), "2026-03-01T06:00:00Z");
    EXPECT_EQ(a.at("last_seen").as_string(), "2026-03-04T06:00:00Z");
    EXPECT_EQ(a.at("fixed_at").as_string(), "2026-03-05T06:00:00Z");
    EXPECT_DOUBLE_EQ(a.at("days_open").to_number<double>(), 4.0);
    const auto& b = by_port.at(lab.port(1));
    EXPECT_EQ(b.at("first_seen").as_string(), "2026-03-06T06:00:00Z");
    EXPECT_EQ(b.at("state").as_string(), "open");
    EXPECT_TRUE(b.at("fixed_at").is_null());
    EXPECT_DOUBLE_EQ(b.at("days_open").to_number<double>(), 4.0);
    const auto& c = by_port.at(lab.port(2));
    EXPECT_EQ(c.at("first_seen").as_string(), "2026-03-01T06:00:00Z");
    EXPECT_EQ(c.at("last_seen").as_string(), "2026-03-06T06:00:00Z");
    EXPECT_EQ(c.at("fixed_at").as_string(), "2026-03-08T06:00:00Z");  // not the interrupted scan 7
    EXPECT_DOUBLE_EQ(c.at("days_open").to_number<double>(), 7.0);
    // a (4 days), c (7) and d's two high findings (chain-untrusted, issuer-distrusted),
    // gone with its Entrust leaf in scan 7 but fixed at scan 8 (7 days): 25 / 4 days.
    const auto& high = doc.at("time_to_fix").at("high").as_object();
    EXPECT_EQ(high.at("fixed").to_number<int>(), 4);
    EXPECT_DOUBLE_EQ(high.at("mean_days").to_number<double>(), 6.3);
    EXPECT_DOUBLE_EQ(high.at("p90_days").to_number<double>(), 7.0);
    // Burn-down: endpoints with hostname-mismatch in each scan.
    std::vector<int> burn;
    for (const auto& scan : doc.at("scans").as_array()) {
        const auto* n = scan.at("by_id").as_object().if_contains("hostname-mismatch");
        burn.push_back(n ? n->to_number<int>() : 0);
    }
    EXPECT_EQ(burn, (std::vector<int>{2, 2, 1, 2, 1, 2, 1, 1, 1, 1}));
    // Entrust by days to expiry, scan by scan: [expired, 0-29, 30-89, 90-179, 180+, unknown].
    auto expiry = [&](const char* rule) {
        std::vector<std::string> out;
        for (const auto& scan : doc.at("scans").as_array()) {
            const auto* counts = scan.at("replace_by_expiry").as_object().if_contains(rule);
            std::string row;
            for (const auto* key : {"expired", "days_0_29", "days_30_89", "days_90_179", "days_180_plus", "unknown"})
                row += std::to_string(counts ? counts->at(key).to_number<int>() : 0);
            out.push_back(row);
        }
        return out;
    };
    EXPECT_EQ(expiry("entrust-discontinued"),
              (std::vector<std::string>{"011000", "011000", "010000", "011000", "101000", "110000", "010000", "010000",
                                        "010000", "010000"}));
    // Only d was issued after the cut-off.
    EXPECT_EQ(expiry("entrust-tls-distrust-2024"),
              (std::vector<std::string>{"010000", "010000", "010000", "010000", "100000", "100000", "000000", "000000",
                                        "000000", "000000"}));

    // The same history imported again: nothing changes.
    const auto again = run_tlsaudit(fmt::format("history import {} --db '{}'", files, db.string()));
    ASSERT_EQ(again.exit_code, 0) << again.err;
    EXPECT_NE(again.out.find("already imported"), std::string::npos) << again.out;
    EXPECT_EQ(query(db, "SELECT count(*) FROM scans"), "10");
}

TEST_F(history_cli, scan_imports_with_db_and_takes_its_baseline_from_it) {
    changing_lab lab(dir_);
    using s = changing_lab::serve;
    const auto db = dir_ / "audit.db";
    // Scan 1 (a broken) goes into the history as its reports are written.
    lab.scan({s::bad, s::good, s::good}, dir_ / "one.ndjson");
    const auto r1 =
        run_tlsaudit(fmt::format("report '{}' --db '{}' --json '{}' --fail-on none", (dir_ / "one.ndjson").string(),
                                 db.string(), (dir_ / "one.json").string()));
    ASSERT_EQ(r1.exit_code, 0) << r1.err;
    EXPECT_NE(r1.out.find("imported into"), std::string::npos) << r1.out;
    EXPECT_EQ(query(db, "SELECT count(*) FROM scans"), "1");

    // Scan 2 (a and b broken) against the history: b is new, a unchanged; the verdict
    // fails on the new one; the same as with the file baseline.
    lab.scan({s::bad, s::bad, s::good}, dir_ / "two.ndjson");
    const auto from_db = run_tlsaudit(fmt::format("report '{}' --baseline '{}' --fail-on-new --json '{}' --db '{}'",
                                                  (dir_ / "two.ndjson").string(), db.string(),
                                                  (dir_ / "two-db.json").string(), db.string()));
    EXPECT_EQ(from_db.exit_code, 1) << from_db.err;
    const auto from_file = run_tlsaudit(fmt::format("report '{}' --baseline '{}' --fail-on-new --json '{}'",
                                                    (dir_ / "two.ndjson").string(), (dir_ / "one.json").string(),
                                                    (dir_ / "two-file.json").string()));
    EXPECT_EQ(from_file.exit_code, 1) << from_file.err;
    auto states = [](const std::filesystem::path& file) {
        std::map<std::uint64_t, std::string> out;
        const auto doc = json::parse(read_file(file));
        for (const auto& e : doc.at("endpoints").as_array())
            for (const auto& f : e.at("findings").as_array())
                out[e.at("target").at("port").to_number<std::uint64_t>()] = json::serialize(f.at("baseline"));
        return out;
    };
    const auto db_states = states(dir_ / "two-db.json");
    EXPECT_EQ(db_states, states(dir_ / "two-file.json"));
    EXPECT_EQ(db_states.at(lab.port(0)), "\"unchanged\"");
    EXPECT_EQ(db_states.at(lab.port(1)), "\"new\"");
    EXPECT_EQ(query(db, "SELECT count(*) FROM scans"), "2");

    // scan --db imports as it writes, after comparing with the scan before it (no
    // server runs now: every endpoint is refused).
    const auto r3 = run_tlsaudit(
        fmt::format("scan '{}' --ca-file '{}' --no-revocation --connect-timeout 3 --handshake-timeout 5 --db '{}' "
                    "--baseline '{}' --fail-on-new --json '{}' -q",
                    (dir_ / "targets.txt").string(), (dir_ / "root.pem").string(), db.string(), db.string(),
                    (dir_ / "three.json").string()));
    // Every endpoint refused: nothing new, but an audit that scanned nothing does not pass
    // (--fail-on-errors all, exit 4), and the database still records the scan.
    EXPECT_EQ(r3.exit_code, 4) << r3.err;
    EXPECT_EQ(query(db, "SELECT count(*) FROM scans"), "3");
    EXPECT_EQ(query(db, "SELECT count(*) FROM endpoints WHERE error_code IS NOT NULL"), "3");
    // Its records went to a temporary file only (no --ndjson): the scan names no source,
    // rather than a file deleted since; the JSON report says the same.
    EXPECT_EQ(query(db, "SELECT sources FROM scans WHERE id = 3"), "");
    EXPECT_TRUE(json::parse(read_file(dir_ / "three.json")).at("scan").at("sources").as_array().empty());
    EXPECT_EQ(query(db, "SELECT sources FROM scans WHERE id = 1"), (dir_ / "one.ndjson").string());
}

// A retried CI job resumes its complete file with --db: nothing is rescanned, and the scan
// is the one the database holds (the resume wrote a new scan-end and the input errors after
// the kept records; it went in again as a scan of its own, a duplicate point in the trend).
TEST_F(history_cli, resuming_a_complete_scan_with_db_imports_nothing_new) {
    std::ofstream(dir_ / "list.txt") << "127.0.0.1:1\nnot a target\n127.0.0.1:2\n";
    const auto ndjson = dir_ / "scan.ndjson";
    const auto db = dir_ / "audit.db";
    const std::string common = fmt::format("scan '{}' --no-revocation --no-geoip -q --fail-on-errors none --db '{}'",
                                           (dir_ / "list.txt").string(), db.string());
    ASSERT_EQ(run_tlsaudit(common + fmt::format(" --ndjson '{}'", ndjson.string())).exit_code, 0);
    EXPECT_EQ(query(db, "SELECT count(*) FROM scans"), "1");
    const auto again = run_tlsaudit(common + fmt::format(" --resume '{}'", ndjson.string()));
    ASSERT_EQ(again.exit_code, 0) << again.err;
    EXPECT_EQ(query(db, "SELECT count(*) FROM scans"), "1");
    // A file with other records is another scan.
    std::ofstream(dir_ / "list.txt", std::ios::app) << "127.0.0.1:3\n";
    ASSERT_EQ(run_tlsaudit(common + fmt::format(" --resume '{}'", ndjson.string())).exit_code, 0);
    EXPECT_EQ(query(db, "SELECT count(*) FROM scans"), "2");
}

// The README's scheduled audit (`--db audit.db --baseline audit.db --fail-on-new`) on its
// first run, before the database exists: an empty baseline, every finding new; then
// nothing new. A --baseline that is missing and not this run's --db is a usage error, and
// so is --fail-on-new without a baseline (every finding would pass as not new).
TEST_F(history_cli, the_scheduled_audit_runs_from_its_first_day) {
    changing_lab lab(dir_);
    using s = changing_lab::serve;
    lab.scan({s::bad, s::good, s::good}, dir_ / "one.ndjson");
    const auto db = dir_ / "audit.db";
    const auto audit =
        fmt::format("report '{}' --db '{}' --baseline '{}' --fail-on-new --json '{}'", (dir_ / "one.ndjson").string(),
                    db.string(), db.string(), (dir_ / "one.json").string());
    const auto first = run_tlsaudit(audit);
    EXPECT_EQ(first.exit_code, 1) << first.err;
    const auto doc = json::parse(read_file(dir_ / "one.json"));
    EXPECT_EQ(doc.at("baseline").at("source").as_string(), db.string() + " (no complete scan yet)")
        << doc.at("baseline");
    EXPECT_EQ(query(db, "SELECT count(*) FROM scans"), "1");
    // The same run repeated (a CI job retried) compares with the scan before it, not with
    // itself: the gate fails again. It passed, as the stored copy of the scan was the latest.
    const auto retried = run_tlsaudit(audit);
    EXPECT_EQ(retried.exit_code, 1) << retried.err;
    EXPECT_EQ(json::parse(read_file(dir_ / "one.json")).at("baseline").at("source").as_string(),
              db.string() + " (no complete scan yet)");
    // The next day's scan finds nothing new.
    lab.scan({s::bad, s::good, s::good}, dir_ / "two.ndjson");
    const auto next_day = run_tlsaudit(fmt::format("report '{}' --db '{}' --baseline '{}' --fail-on-new -q",
                                                   (dir_ / "two.ndjson").string(), db.string(), db.string()));
    EXPECT_EQ(next_day.exit_code, 0) << next_day.err;
    // ... and so does that day's run retried: its baseline is the first day's scan.
    const auto next_day_retried = run_tlsaudit(
        fmt::format("report '{}' --db '{}' --baseline '{}' --fail-on-new --json '{}'", (dir_ / "two.ndjson").string(),
                    db.string(), db.string(), (dir_ / "two.json").string()));
    EXPECT_EQ(next_day_retried.exit_code, 0) << next_day_retried.err;
    const auto two = json::parse(read_file(dir_ / "two.json"));
    EXPECT_NE(std::string(two.at("baseline").at("source").as_string()).find(" (scan started "), std::string::npos);
    // The first day's run retried after the second's still compares with what came before it.
    const auto first_retried_late = run_tlsaudit(audit);
    EXPECT_EQ(first_retried_late.exit_code, 1) << first_retried_late.err;
    EXPECT_EQ(json::parse(read_file(dir_ / "one.json")).at("baseline").at("source").as_string(),
              db.string() + " (no complete scan yet)");
    EXPECT_EQ(query(db, "SELECT count(*) FROM scans"), "2");
    // The same on a first day with the database spelled two ways.
    const auto other =
        run_tlsaudit(fmt::format("report '{}' --db '{}' --baseline '{}/./audit2.db' --fail-on-new -q",
                                 (dir_ / "one.ndjson").string(), (dir_ / "audit2.db").string(), dir_.string()));
    EXPECT_EQ(other.exit_code, 1) << other.err;
    // The trend report may not replace the database it reads.
    const auto trend = run_tlsaudit(fmt::format("history report --db '{0}' --json '{0}'", db.string()));
    EXPECT_EQ(trend.exit_code, 2);
    EXPECT_NE(trend.err.find("would overwrite --db"), std::string::npos) << trend.err;
    EXPECT_EQ(query(db, "SELECT count(*) FROM scans"), "2");  // intact (each retry was the same scan)

    const auto missing = run_tlsaudit(fmt::format("report '{}' --baseline '{}' --fail-on-new",
                                                  (dir_ / "one.ndjson").string(), (dir_ / "none.db").string()));
    EXPECT_EQ(missing.exit_code, 2);
    EXPECT_NE(missing.err.find("File does not exist"), std::string::npos) << missing.err;
    const auto no_baseline = run_tlsaudit(fmt::format("report '{}' --fail-on-new", (dir_ / "one.ndjson").string()));
    EXPECT_EQ(no_baseline.exit_code, 2);
    EXPECT_NE(no_baseline.err.find("--fail-on-new requires --baseline"), std::string::npos) << no_baseline.err;
}

TEST_F(history_cli, report_db_imports_the_records_it_reads_for_the_reports) {
    // From stdin, which can be read only once: the import takes the records the reports
    // were built from, not a second read.
    write_synthetic(dir_ / "one.ndjson", 30, "2026-01-01T00:00:00Z");
    const auto db = dir_ / "audit.db";
    const auto r = run_tlsaudit(
        fmt::format("report - --db '{}' --json '{}' --fail-on none", db.string(), (dir_ / "one.json").string()),
        read_file(dir_ / "one.ndjson"));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("history: scan 1 (30 endpoints, 10 findings) imported into"), std::string::npos) << r.out;
    EXPECT_EQ(json::parse(read_file(dir_ / "one.json")).at("endpoints").as_array().size(), 30u);
    EXPECT_EQ(query(db, "SELECT count(*) || '/' || (SELECT count(*) FROM endpoints) FROM scans"), "1/30");
    // The scan key is the one `history import` gives the same file.
    const auto again =
        run_tlsaudit(fmt::format("history import '{}' --db '{}'", (dir_ / "one.ndjson").string(), db.string()));
    ASSERT_EQ(again.exit_code, 0) << again.err;
    EXPECT_NE(again.out.find("already imported (scan 1)"), std::string::npos) << again.out;
    const auto third =
        run_tlsaudit(fmt::format("report '{}' --db '{}' -q", (dir_ / "one.ndjson").string(), db.string()));
    EXPECT_EQ(query(db, "SELECT count(*) FROM scans"), "1") << third.err;
}

TEST_F(history_cli, history_import_reads_stdin_ahead_and_keys_it_as_the_file) {
    // Enough records for the reading thread to run ahead of the inserts by several batches.
    write_synthetic(dir_ / "big.ndjson", 3000, "2026-01-01T00:00:00Z");
    const auto db = dir_ / "audit.db";
    const auto r = run_tlsaudit(fmt::format("history import - --db '{}'", db.string()), read_file(dir_ / "big.ndjson"));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(query(db, "SELECT count(*) || '/' || (SELECT count(*) FROM endpoints) FROM scans"), "1/3000");
    EXPECT_EQ(query(db, "SELECT sources FROM scans"), "stdin");
    const auto again =
        run_tlsaudit(fmt::format("history import '{}' --db '{}'", (dir_ / "big.ndjson").string(), db.string()));
    ASSERT_EQ(again.exit_code, 0) << again.err;
    EXPECT_NE(again.out.find("already imported (scan 1)"), std::string::npos) << again.out;
}

TEST_F(history_cli, a_failed_import_still_writes_the_reports_and_exits_3) {
    write_synthetic(dir_ / "one.ndjson", 30, "2026-01-01T00:00:00Z");
    const auto db = dir_ / "audit.db";
    ASSERT_EQ(run_tlsaudit(fmt::format("history import '{}' --db '{}'", (dir_ / "one.ndjson").string(), db.string()))
                  .exit_code,
              0);
    write_synthetic(dir_ / "two.ndjson", 30, "2026-01-02T00:00:00Z");
    // Another writer holds the database for longer than --db-timeout.
    sqlite3* holder = nullptr;
    ASSERT_EQ(sqlite3_open_v2(db.c_str(), &holder, SQLITE_OPEN_READWRITE, nullptr), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(holder, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
    const auto r = run_tlsaudit(fmt::format("report '{}' --db '{}' --db-timeout 0.2 --json '{}' --fail-on none",
                                            (dir_ / "two.ndjson").string(), db.string(), (dir_ / "two.json").string()));
    // A report lost too (a full disk): the message names it as well as the failed import.
    const auto both = run_tlsaudit(fmt::format("report '{}' --db '{}' --db-timeout 0.2 --csv /dev/full --fail-on none",
                                               (dir_ / "two.ndjson").string(), db.string()));
    sqlite3_exec(holder, "ROLLBACK", nullptr, nullptr, nullptr);
    sqlite3_close_v2(holder);
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_NE(r.err.find("is locked by another writer"), std::string::npos) << r.err;
    EXPECT_EQ(json::parse(read_file(dir_ / "two.json")).at("endpoints").as_array().size(), 30u);
    EXPECT_EQ(both.exit_code, 3) << both.err;
    EXPECT_NE(both.err.find("/dev/full"), std::string::npos) << both.err;
    EXPECT_NE(both.err.find("the records are intact"), std::string::npos) << both.err;
    EXPECT_NE(both.err.find("and the history import failed: "), std::string::npos) << both.err;
    EXPECT_NE(both.err.find("is locked by another writer"), std::string::npos) << both.err;
    EXPECT_EQ(query(db, "SELECT count(*) FROM scans"), "1");
}

TEST_F(history_cli, an_import_killed_midway_leaves_the_database_as_it_was) {
    const auto db = dir_ / "audit.db";
    write_synthetic(dir_ / "small.ndjson", 10, "2026-01-01T00:00:00Z");
    write_synthetic(dir_ / "big.ndjson", 40000, "2026-01-02T00:00:00Z");
    ASSERT_EQ(run_tlsaudit(fmt::format("history import '{}' --db '{}'", (dir_ / "small.ndjson").string(), db.string()))
                  .exit_code,
              0);
    const auto before = query(db, "SELECT count(*) || '/' || (SELECT count(*) FROM endpoints) FROM scans");
    ASSERT_EQ(before, "1/10");

    child_process import({"history", "import", (dir_ / "big.ndjson").string(), "--db", db.string()}, dir_ / "out",
                         dir_ / "err");
    // Mid-way = the importer holds the write lock (its transaction is open): a second
    // writer that does not wait is refused.
    sqlite3* probe = nullptr;
    ASSERT_EQ(sqlite3_open_v2(db.c_str(), &probe, SQLITE_OPEN_READWRITE, nullptr), SQLITE_OK);
    const bool holding = poll_until(
        [&] {
            if (sqlite3_exec(probe, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_BUSY) return true;
            sqlite3_exec(probe, "ROLLBACK", nullptr, nullptr, nullptr);
            return false;
        },
        std::chrono::seconds(60));
    sqlite3_close_v2(probe);
    ASSERT_TRUE(holding) << "the importer never took the write lock";
    ASSERT_TRUE(import.running()) << "the import finished before it could be killed";
    import.signal(SIGKILL);
    EXPECT_EQ(import.wait(), 128 + SIGKILL);

    EXPECT_EQ(query(db, "PRAGMA integrity_check"), "ok");
    EXPECT_EQ(query(db, "SELECT count(*) || '/' || (SELECT count(*) FROM endpoints) FROM scans"), before);
    // And the import runs to its end when it is not killed.
    const auto r =
        run_tlsaudit(fmt::format("history import '{}' --db '{}'", (dir_ / "big.ndjson").string(), db.string()));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(query(db, "SELECT count(*) || '/' || (SELECT count(*) FROM endpoints) FROM scans"), "2/40010");
}

TEST_F(history_cli, two_importers_at_once_both_get_in) {
    const auto db = dir_ / "audit.db";
    write_synthetic(dir_ / "one.ndjson", 5000, "2026-01-01T00:00:00Z");
    write_synthetic(dir_ / "two.ndjson", 5000, "2026-01-02T00:00:00Z");
    child_process one({"history", "import", (dir_ / "one.ndjson").string(), "--db", db.string()}, dir_ / "out1",
                      dir_ / "err1");
    child_process two({"history", "import", (dir_ / "two.ndjson").string(), "--db", db.string()}, dir_ / "out2",
                      dir_ / "err2");
    EXPECT_EQ(one.wait(), 0) << read_file(dir_ / "err1");
    EXPECT_EQ(two.wait(), 0) << read_file(dir_ / "err2");
    EXPECT_EQ(query(db, "SELECT count(*) || '/' || (SELECT count(*) FROM endpoints) FROM scans"), "2/10000");
    EXPECT_EQ(query(db, "SELECT count(*) FROM targets"), "5000");
    EXPECT_EQ(query(db, "PRAGMA integrity_check"), "ok");
}

TEST_F(history_cli, one_import_takes_shards_as_one_scan_and_a_bad_file_does_not_stop_the_others) {
    // Tuesday's run in two shards (one started a few seconds later), Monday's run, and a
    // file cut in the middle (a shard of Wednesday's run).
    write_synthetic(dir_ / "tue-0.ndjson", 300, "2026-01-06T06:00:00Z", "0/2");
    write_synthetic(dir_ / "tue-1.ndjson", 500, "2026-01-06T06:00:00Z", "1/2");
    write_synthetic(dir_ / "mon.ndjson", 200, "2026-01-05T06:00:00Z");
    write_synthetic(dir_ / "wed.ndjson", 100, "2026-01-07T06:00:00Z");
    {
        const auto text = read_file(dir_ / "wed.ndjson");
        std::ofstream(dir_ / "wed.ndjson", std::ios::trunc) << text.substr(0, text.size() / 2) << "\n"
                                                            << text.substr(text.size() / 2 + 40);
    }
    const auto db = dir_ / "audit.db";
    const auto files =
        fmt::format("'{0}/tue-1.ndjson' '{0}/wed.ndjson' '{0}/tue-0.ndjson' '{0}/mon.ndjson'", dir_.string());
    const auto r = run_tlsaudit(fmt::format("history import {} --db '{}'", files, db.string()));
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    EXPECT_NE(r.err.find("wed.ndjson:"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("not imported"), std::string::npos) << r.err;
    // Monday first (scan 1), then Tuesday's shards together (endpoints h0..h499 of one
    // shard cover the other's 300: 500 distinct).
    EXPECT_EQ(query(db,
                    "SELECT group_concat(started_at || ' ' || shards || ' ' || endpoints, ', ') FROM "
                    "(SELECT * FROM scans ORDER BY id)"),
              "2026-01-05T06:00:00Z 1 200, 2026-01-06T06:00:00Z 2 500");
    EXPECT_NE(r.out.find("tue-1.ndjson, " + (dir_ / "tue-0.ndjson").string() + ": scan 2"), std::string::npos) << r.out;
    // The same call again: the imported scans are no-ops, Wednesday still refused.
    const auto again = run_tlsaudit(fmt::format("history import {} --db '{}'", files, db.string()));
    EXPECT_EQ(again.exit_code, 2) << again.err;
    EXPECT_NE(again.out.find("already imported (scan 2)"), std::string::npos) << again.out;
    EXPECT_EQ(query(db, "SELECT count(*) FROM scans"), "2");
    // One shard of it alone, under another name: imported already, as part of scan 2.
    std::filesystem::copy_file(dir_ / "tue-0.ndjson", dir_ / "copy.ndjson");
    const auto shard =
        run_tlsaudit(fmt::format("history import '{}' --db '{}'", (dir_ / "copy.ndjson").string(), db.string()));
    EXPECT_EQ(shard.exit_code, 0) << shard.err;
    EXPECT_NE(shard.out.find("already imported (scan 2)"), std::string::npos) << shard.out;
    EXPECT_EQ(query(db, "SELECT count(*) FROM scans"), "2");
}

// Every command that opens `db`: an import, the trend report (to t.json), a report with --db.
std::vector<std::string> db_commands(const std::filesystem::path& dir, const std::filesystem::path& db) {
    return {fmt::format("history import '{}' --db '{}'", (dir / "one.ndjson").string(), db.string()),
            fmt::format("history report --db '{}' --json '{}'", db.string(), (dir / "t.json").string()),
            fmt::format("report '{}' --db '{}' -q", (dir / "one.ndjson").string(), db.string())};
}

TEST_F(history_cli, a_damaged_database_is_refused_with_exit_code_2_and_left_alone) {
    write_synthetic(dir_ / "one.ndjson", 3, "2026-01-01T00:00:00Z");
    const auto db = dir_ / "audit.db";
    std::ofstream(db, std::ios::binary) << std::string(8192, '\x5a');
    for (const auto& args : db_commands(dir_, db)) {
        const auto r = run_tlsaudit(args);
        EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.err;
        EXPECT_NE(r.err.find("is not an SQLite database"), std::string::npos) << r.err;
    }
    EXPECT_EQ(read_file(db), std::string(8192, '\x5a'));
    EXPECT_FALSE(std::filesystem::exists(dir_ / "t.json"));
}

// A --db path that cannot be opened (its directory missing, or a directory itself) is a usage
// error for every command that takes one, as an output path that cannot be written is.
TEST_F(history_cli, a_db_path_that_cannot_be_opened_is_exit_code_2_everywhere) {
    write_synthetic(dir_ / "one.ndjson", 3, "2026-01-01T00:00:00Z");
    ASSERT_EQ(::mkfifo((dir_ / "fifo").c_str(), 0600), 0);
    for (const auto& db : {dir_ / "no-such-dir" / "audit.db", dir_, dir_ / "fifo"}) {
        for (const auto& args : db_commands(dir_, db)) {
            const auto r = run_tlsaudit(args);  // a FIFO waited for a writer forever
            EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.err;
            EXPECT_NE(r.err.find(db.string()), std::string::npos) << r.err;
        }
    }
    const auto fifo = run_tlsaudit(fmt::format("history report --db '{}'", (dir_ / "fifo").string()));
    EXPECT_NE(fifo.err.find("is not a regular file"), std::string::npos) << fifo.err;
    EXPECT_FALSE(std::filesystem::exists(dir_ / "t.json"));
}

// A shard stored on its own is an incomplete scan, never a baseline: the scan says so.
TEST_F(history_cli, a_shard_scan_with_db_warns_that_it_is_stored_alone) {
    std::ofstream(dir_ / "empty.txt") << "";
    const auto scan = [&](const std::string& shard) {
        return run_tlsaudit(fmt::format("scan '{}' {} --db '{}' --ndjson '{}' --fail-on-errors none --no-revocation",
                                        (dir_ / "empty.txt").string(), shard, (dir_ / "audit.db").string(),
                                        (dir_ / "s.ndjson").string()));
    };
    const auto sharded = scan("--shard 0/2 -q");  // CI jobs run quiet
    EXPECT_EQ(sharded.exit_code, 0) << sharded.err;
    EXPECT_NE(sharded.err.find("--db with --shard stores this shard as an incomplete scan"), std::string::npos)
        << sharded.err;
    const auto whole = scan("");
    EXPECT_EQ(whole.err.find("--shard"), std::string::npos) << whole.err;
}

// An archived database (a file, and maybe a directory, the user may not write): the trend
// report and --baseline read it (in a read-only directory, where SQLite's -shm index cannot
// be made, as an immutable file), and an import is refused at once (exit 2), leaving no -wal
// or -shm behind.
// As root, file modes bind nobody: the commands then run as nobody (setpriv).
TEST_F(history_cli, an_archived_database_is_read_and_never_written) {
    write_synthetic(dir_ / "one.ndjson", 3, "2026-01-01T00:00:00Z");
    const auto archive = dir_ / "archive";
    const auto out = dir_ / "out";
    std::filesystem::create_directories(archive);
    std::filesystem::create_directories(out);
    const auto db = archive / "audit.db";
    ASSERT_EQ(run_tlsaudit(fmt::format("history import '{}' --db '{}'", (dir_ / "one.ndjson").string(), db.string()))
                  .exit_code,
              0);
    ASSERT_FALSE(std::filesystem::exists(db.string() + "-wal"));
    using std::filesystem::perms;
    std::filesystem::permissions(dir_, perms::owner_all | perms::group_exec | perms::others_exec);
    std::filesystem::permissions(out, perms::all);
    std::filesystem::permissions(dir_ / "one.ndjson", perms::owner_read | perms::group_read | perms::others_read);
    // A copy of the binary beside the test's files: nobody may not reach the build tree (a
    // clone under /root).
    const auto binary = dir_ / "tlsaudit";
    std::filesystem::copy_file(TLSAUDIT_BINARY, binary);
    std::filesystem::permissions(
        binary, perms::owner_all | perms::group_read | perms::group_exec | perms::others_read | perms::others_exec);
    // So are the sanitizers' suppression files the preset names (a file nobody cannot read
    // is fatal to them): copied, and the options rewritten to name the copies.
    std::string env;
    for (const char* name : {"LSAN_OPTIONS", "TSAN_OPTIONS"}) {
        const char* value = std::getenv(name);
        if (value == nullptr) continue;
        std::string options = value;
        const auto at = options.find("suppressions=");
        if (at != std::string::npos) {
            const auto from = at + std::string_view("suppressions=").size();
            const auto end = options.find(':', from);
            const auto copy = dir_ / (std::string(name) + ".supp");
            std::filesystem::copy_file(options.substr(from, end - from), copy);
            std::filesystem::permissions(copy, perms::owner_all | perms::group_read | perms::others_read);
            options.replace(from, end == std::string::npos ? std::string::npos : end - from, copy.string());
        }
        env += fmt::format("{}='{}' ", name, options);
    }
    const auto as_user = [&](const std::string& args) {
        const std::string who = ::geteuid() == 0 ? "setpriv --reuid=65534 --regid=65534 --clear-groups -- " : "";
        return run_command("env " + env + who + "'" + binary.string() + "' " + args);
    };
    const auto no_index_beside = [&] {
        EXPECT_FALSE(std::filesystem::exists(db.string() + "-wal"));
        EXPECT_FALSE(std::filesystem::exists(db.string() + "-shm"));
    };
    for (const auto dir_mode : {perms::owner_read | perms::owner_exec | perms::group_read | perms::group_exec |
                                    perms::others_read | perms::others_exec,
                                perms::all}) {
        SCOPED_TRACE(dir_mode == perms::all ? "writable directory" : "read-only directory");
        std::filesystem::permissions(db, perms::owner_read | perms::group_read | perms::others_read);
        std::filesystem::permissions(archive, dir_mode);
        const auto trend =
            as_user(fmt::format("history report --db '{}' --json '{}/t.json'", db.string(), out.string()));
        EXPECT_EQ(trend.exit_code, 0) << trend.err;
        EXPECT_TRUE(std::filesystem::exists(out / "t.json"));
        std::filesystem::remove(out / "t.json");
        const auto baseline = as_user(fmt::format("report '{}' --baseline '{}' --json '{}/r.json' --fail-on none -q",
                                                  (dir_ / "one.ndjson").string(), db.string(), out.string()));
        EXPECT_EQ(baseline.exit_code, 0) << baseline.err;
        EXPECT_NE(read_file(out / "r.json").find("\"unchanged\""), std::string::npos) << "compared with the archive";
        // A reader in a directory it may write leaves SQLite's (empty) -wal and -shm, as any
        // read-only SQLite connection to a WAL database does; the import is judged alone.
        std::filesystem::remove(db.string() + "-wal");
        std::filesystem::remove(db.string() + "-shm");
        const auto import =
            as_user(fmt::format("history import '{}' --db '{}'", (dir_ / "one.ndjson").string(), db.string()));
        EXPECT_EQ(import.exit_code, 2) << import.err;
        EXPECT_NE(import.err.find("cannot be written (no permission)"), std::string::npos) << import.err;
        no_index_beside();
    }
    std::filesystem::permissions(archive, perms::owner_all);
    std::filesystem::permissions(dir_, perms::owner_all);
}

}  // namespace
}  // namespace tlsaudit::testing
