// Interrupted scans through the real binary (docs/operations.md):
// kill -9 mid-scan then --resume, SIGINT and SIGTERM with the grace period, a second
// signal. Readiness is what the scanner wrote (records in the NDJSON) or what the lab
// servers saw (connections accepted), never a sleep.

#include "cli_support.hpp"
#include "process_support.hpp"

#include <tlsaudit/lab/dns_server.hpp>
#include <tlsaudit/lab/pki.hpp>
#include <tlsaudit/lab/tls_server.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <gtest/gtest.h>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <map>
#include <set>
#include <sstream>

namespace tlsaudit::testing {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

std::vector<std::string> addresses(int third, int from, int count) {
    std::vector<std::string> out;
    for (int i = 0; i < count; ++i) out.push_back(fmt::format("127.0.{}.{}", third, from + i));
    return out;
}

// Every line of the file, each of which must be one intact JSON object.
std::vector<json::object> records_of(const std::filesystem::path& file) {
    std::vector<json::object> out;
    std::istringstream in(read_file(file));
    std::string line;
    std::size_t n = 0;
    while (std::getline(in, line)) {
        ++n;
        boost::system::error_code ec;
        auto value = json::parse(line, ec);
        EXPECT_FALSE(ec) << file << ":" << n << " is not intact: " << line.substr(0, 200);
        if (!ec && value.is_object()) out.push_back(std::move(value.get_object()));
    }
    return out;
}

std::string key_of(const json::object& record) {
    const auto& t = record.at("target").as_object();
    return fmt::format("{}|{}|{}", std::string(t.at("host").as_string()), t.at("port").to_number<int>(),
                       t.at("sni").is_null() ? std::string() : std::string(t.at("sni").as_string()));
}

class interrupt : public ::testing::Test {
protected:
    std::filesystem::path dir_ = std::filesystem::temp_directory_path() /
                                 fmt::format("tlsaudit-interrupt-{}-{}", ::getpid(),
                                             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    void SetUp() override { std::filesystem::create_directories(dir_); }
    void TearDown() override { std::filesystem::remove_all(dir_); }

    static lab::server_config tls_config(const lab::hierarchy& h, std::chrono::milliseconds delay = 0ms) {
        lab::server_config c;
        c.chain = h.served_chain();
        c.leaf_key = h.leaf.k;
        c.response_delay = delay;
        return c;
    }

    // A target file of `count` addresses (127.0.`third`.1 on) of one fleet serving `h` as
    // `sni`, answering after `delay`; `port` is the fleet's.
    std::filesystem::path fleet_targets(lab::server_pool& servers, const lab::hierarchy& h, int third, int count,
                                        const std::string& sni, std::uint16_t& port,
                                        std::chrono::milliseconds delay = 0ms) const {
        port = servers.start_fleet(tls_config(h, delay), addresses(third, 1, count));
        std::string text;
        for (const auto& address : addresses(third, 1, count))
            text += fmt::format("{}:{} sni={}\n", address, port, sni);
        const auto targets = dir_ / "targets.txt";
        std::ofstream(targets) << text;
        return targets;
    }

    // A scan of `count` endpoints (127.0.8.first and on) whose servers answer after 300 s,
    // returned once all of them are connected; `extra` are its options (outputs).
    std::unique_ptr<child_process> stalled_scan(lab::server_pool& servers, int first, int count,
                                                std::vector<std::string> extra) const {
        const auto a = lab::make_hierarchy(lab::key_kind::ec_p256, 1, {"stalled.lab.test"});
        // Far past any test's length, however loaded the machine: with 10 s the handshakes
        // timed out and the scan ended by itself before the test signalled it.
        const auto port = servers.start_fleet(tls_config(a, 300s), addresses(8, first, count));
        std::string text;
        for (const auto& address : addresses(8, first, count)) text += fmt::format("{}:{}\n", address, port);
        const auto targets = dir_ / "targets.txt";
        std::ofstream(targets) << text;
        auto args = base_args(targets);
        args.insert(args.end(), {"-c", std::to_string(count), "--handshake-timeout", "600"});
        args.insert(args.end(), extra.begin(), extra.end());
        auto scan = std::make_unique<child_process>(args, dir_ / "out", dir_ / "err");
        const auto all = static_cast<std::uint64_t>(count);
        EXPECT_TRUE(servers.wait_for(
            port, [all](const lab::endpoint_stats& s) { return s.accepted >= all; }, 60s));
        return scan;
    }

    // One probe per endpoint: these tests count the lab's accepted connections as endpoints.
    std::vector<std::string> base_args(const std::filesystem::path& targets) const {
        return {"scan",
                targets.string(),
                "--no-revocation",
                "--no-geoip",
                "--fail-on",
                "none",
                "-q",
                "--connect-timeout",
                "2",
                "--threads",
                "2",
                "--probes",
                "modern"};
    }

    // Runs `args` (a scan) with its records going to `ndjson`.
    static run_result scan_into(const std::vector<std::string>& args, const std::filesystem::path& ndjson) {
        auto with = args;
        with.insert(with.end(), {"--ndjson", ndjson.string()});
        return run_tlsaudit(fmt::format("'{}'", fmt::join(with, "' '")));
    }

    // A resume of `ndjson` with the other settings `--probes modern,rsa` and a JSON report,
    // the summary printed.
    std::vector<std::string> resume_with_rsa_args(const std::filesystem::path& targets,
                                                  const std::filesystem::path& ndjson,
                                                  const std::filesystem::path& report) const {
        auto again = base_args(targets);
        again.erase(std::find(again.begin(), again.end(), "-q"));
        again.back() = "modern,rsa";
        again.insert(again.end(), {"--resume", ndjson.string(), "--json", report.string()});
        return again;
    }
};

// A few hundred endpoints: IP targets on a fast and a slow fleet, names with three
// addresses (one of them serving another chain: a name record), two bad lines.
TEST_F(interrupt, kill_9_then_resume_records_every_target_exactly_once) {
    const auto a = lab::make_hierarchy(lab::key_kind::ec_p256, 1, {"resume.lab.test", "*.lab.test"});
    const auto b = lab::make_hierarchy(lab::key_kind::ec_p256, 1, {"*.lab.test"});
    lab::server_pool servers(2);
    const auto fast = addresses(1, 1, 200);
    const auto slow = addresses(2, 1, 40);
    const auto fast_port = servers.start_fleet(tls_config(a), fast);
    const auto slow_port = servers.start_fleet(tls_config(a, 150ms), slow);
    const auto multi_port = servers.start_fleet(tls_config(a, 100ms), addresses(3, 1, 15));
    auto mixed_b = tls_config(b, 100ms);
    const auto mixed_port = servers.start_fleet(tls_config(a, 100ms), addresses(4, 1, 2));
    mixed_b.bind_address = "127.0.4.3";
    mixed_b.port = mixed_port;
    servers.start(mixed_b);
    lab::dns_server dns;
    for (int i = 0; i < 5; ++i) dns.add(fmt::format("multi{}.lab.test", i), addresses(3, 1 + 3 * i, 3));
    dns.add("mixed.lab.test", addresses(4, 1, 3));

    std::string text = "# resume test\n";
    std::size_t expected_endpoints = 0;
    for (std::size_t i = 0; i < fast.size(); ++i) {
        text += fmt::format("{}:{} sni=resume.lab.test\n", fast[i], fast_port);
        ++expected_endpoints;
        if (i % 5 == 0 && i / 5 < slow.size()) {
            text += fmt::format("{}:{} sni=resume.lab.test\n", slow[i / 5], slow_port);
            ++expected_endpoints;
        }
        if (i % 40 == 20) text += fmt::format("multi{}.lab.test:{}\n", i / 40, multi_port);
        if (i == 50) text += "not a target\n";
        if (i == 120) text += fmt::format("mixed.lab.test:{}\n127.0.0.1:0\n", mixed_port);
    }
    expected_endpoints += 5 * 3 + 3;
    const auto targets = dir_ / "targets.txt";
    std::ofstream(targets) << text;
    const auto ndjson = dir_ / "scan.ndjson";
    auto args = base_args(targets);
    args.insert(args.end(),
                {"--resolver", fmt::format("127.0.0.1:{}", dns.port()), "-c", "6", "--handshake-timeout", "10"});

    {
        auto first = args;
        first.insert(first.end(), {"--ndjson", ndjson.string()});
        child_process scan(first, dir_ / "out1", dir_ / "err1");
        ASSERT_TRUE(poll_until([&] { return count_records(ndjson, "endpoint") >= 60; }, 60s))
            << read_file(dir_ / "err1");
        scan.signal(SIGKILL);
        EXPECT_EQ(scan.wait(), 128 + SIGKILL);
    }
    const auto before = count_records(ndjson, "endpoint");
    ASSERT_LT(before, expected_endpoints) << "the kill must land mid-scan";
    EXPECT_EQ(count_records(ndjson, "scan-end"), 0u);

    // What a kill can also leave: a multi-address target with only some of its records
    // (drop the last record of one that is complete), and a torn last line.
    {
        auto lines = std::vector<std::string>();
        std::istringstream in(read_file(ndjson));
        for (std::string line; std::getline(in, line);) lines.push_back(line);
        std::map<std::string, std::vector<std::size_t>> multi;
        for (std::size_t i = 0; i < lines.size(); ++i)
            if (lines[i].find("\"addresses\":3") != std::string::npos)
                multi[key_of(json::parse(lines[i]).as_object())].push_back(i);
        for (const auto& [key, at] : multi)
            if (at.size() == 3) {
                lines.erase(lines.begin() + static_cast<std::ptrdiff_t>(at.back()));
                break;
            }
        std::ofstream out(ndjson, std::ios::binary | std::ios::trunc);
        for (const auto& line : lines) out << line << '\n';
        out << R"({"schema_version":1,"type":"endpoint","target":{"input":"127.0.1.9)";
    }

    auto again = args;
    again.insert(again.end(), {"--resume", ndjson.string(), "--json", (dir_ / "report.json").string()});
    child_process resume(again, dir_ / "out2", dir_ / "err2");
    ASSERT_EQ(resume.wait(), 0) << read_file(dir_ / "err2");

    const auto records = records_of(ndjson);
    std::map<std::string, std::size_t> count;
    std::map<std::string, std::set<std::string>> addresses_of;
    std::map<std::string, std::size_t> declared;
    std::size_t endpoint_records = 0;
    for (const auto& r : records) {
        const std::string type(r.at("type").as_string());
        ++count[type];
        if (type != "endpoint") continue;
        ++endpoint_records;
        const auto key = key_of(r);
        const std::string address = r.at("address").is_null() ? "" : std::string(r.at("address").as_string());
        EXPECT_TRUE(addresses_of[key].insert(address).second) << "duplicate endpoint " << key << " " << address;
        declared[key] = r.at("addresses").to_number<std::size_t>();
        EXPECT_EQ(r.at("status").as_string() == "error", false) << json::serialize(r);
    }
    EXPECT_EQ(endpoint_records, expected_endpoints);
    for (const auto& [key, seen] : addresses_of) EXPECT_EQ(seen.size(), declared[key]) << key;
    EXPECT_EQ(count["scan-start"], 1u);
    EXPECT_EQ(count["scan-end"], 1u);
    EXPECT_EQ(count["input-error"], 2u);
    EXPECT_EQ(count["name"], 1u) << "mixed.lab.test: one name record over old and new endpoints";
    EXPECT_TRUE(records.back().at("complete").as_bool());
    const auto resumed = records.back().at("resumed_targets").to_number<std::size_t>();
    EXPECT_GT(resumed, 0u) << "complete targets of the killed run are kept, not rescanned";
    EXPECT_LT(resumed, before);
    const auto report = json::parse(read_file(dir_ / "report.json"));
    EXPECT_TRUE(report.at("scan").at("complete").as_bool());
    EXPECT_EQ(report.at("endpoints").as_array().size(), expected_endpoints);
}

// Resuming a complete scan connects to nothing and leaves every record once.
TEST_F(interrupt, resuming_a_complete_scan_rescans_nothing) {
    const auto a = lab::make_hierarchy(lab::key_kind::ec_p256, 1, {"done.lab.test"});
    lab::server_pool servers(1);
    const auto port = servers.start_fleet(tls_config(a), addresses(9, 1, 5));
    std::string text = "bad:0\n";
    for (const auto& address : addresses(9, 1, 5)) text += fmt::format("{}:{} sni=done.lab.test\n", address, port);
    const auto targets = dir_ / "targets.txt";
    std::ofstream(targets) << text;
    const auto ndjson = dir_ / "scan.ndjson";
    auto args = base_args(targets);
    args.insert(args.end(), {"-c", "2"});
    auto first = args;
    first.insert(first.end(), {"--ndjson", ndjson.string()});
    ASSERT_EQ(run_tlsaudit(fmt::format("'{}'", fmt::join(first, "' '"))).exit_code, 0);
    ASSERT_TRUE(servers.wait_for(
        port, [](const lab::endpoint_stats& st) { return st.accepted >= 5; }, 10s));
    auto again = args;
    again.erase(std::find(again.begin(), again.end(), "-q"));  // the summary lines on stderr
    again.insert(again.end(), {"--resume", ndjson.string()});
    const auto r = run_tlsaudit(fmt::format("'{}'", fmt::join(again, "' '")));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(servers.stats(port).accepted, 5u) << "nothing rescanned";
    // The kept records count in the summary lines, as in the report.
    EXPECT_NE(r.err.find("5 endpoints (5 scanned)"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("endpoints by status: 5 high"), std::string::npos) << r.err;
    std::map<std::string, int> count;
    for (const auto& record : records_of(ndjson)) ++count[std::string(record.at("type").as_string())];
    EXPECT_EQ(count["endpoint"], 5);
    EXPECT_EQ(count["input-error"], 1);
    EXPECT_EQ(count["scan-start"], 1);
    EXPECT_EQ(count["scan-end"], 1);
    EXPECT_EQ(r.err.find("not in this target list"), std::string::npos) << r.err;
    EXPECT_FALSE(records_of(ndjson).back().contains("settings_changed_on_resume")) << "the same settings";
    EXPECT_EQ(r.err.find("MIXED SETTINGS"), std::string::npos) << r.err;

    // The list edited since: two targets are gone, yet their records stay in the file and
    // the reports. The run says so.
    text = "bad:0\n";
    for (const auto& address : addresses(9, 1, 3)) text += fmt::format("{}:{} sni=done.lab.test\n", address, port);
    std::ofstream(targets) << text;
    const auto edited = run_tlsaudit(fmt::format("'{}'", fmt::join(again, "' '")));
    ASSERT_EQ(edited.exit_code, 0) << edited.err;
    EXPECT_NE(edited.err.find("2 complete targets in " + ndjson.string() + " are not in this target list"),
              std::string::npos)
        << edited.err;
}

// A signal while --resume rewrites a large file lets the rewrite end (no temporary file is
// left beside it, as one was when the handler came after the rewrite) and then stops the
// scan before it starts: exit 130, the file whole.
TEST_F(interrupt, a_signal_during_the_resume_rewrite_leaves_no_temporary_file) {
    const lab::closed_port closed;
    const auto targets = dir_ / "targets.txt";
    std::ofstream(targets) << fmt::format("127.0.0.1:{}\n", closed.port());
    const auto ndjson = dir_ / "scan.ndjson";
    auto first = base_args(targets);
    first.insert(first.end(), {"--ndjson", ndjson.string(), "--fail-on-errors", "none"});
    ASSERT_EQ(run_tlsaudit(fmt::format("'{}'", fmt::join(first, "' '"))).exit_code, 0);
    // 20,000 records of other targets (kept: complete), so that the rewrite takes a while.
    std::string endpoint;
    for (const auto& record : records_of(ndjson))
        if (record.at("type") == "endpoint") endpoint = json::serialize(record);
    ASSERT_FALSE(endpoint.empty());
    const std::string local = "\"host\":\"127.0.0.1\"";
    const auto host = endpoint.find(local);
    ASSERT_NE(host, std::string::npos);
    std::string lines = read_file(ndjson);
    lines.erase(lines.rfind("{\"schema_version\":2,\"type\":\"scan-end\""));
    {
        std::ofstream out(ndjson, std::ios::trunc);
        out << lines;
        for (int i = 0; i < 20'000; ++i) {
            auto copy = endpoint;
            copy.replace(host, local.size(), fmt::format("\"host\":\"h{}.lab.test\"", i));
            out << copy << '\n';
        }
    }
    auto again = base_args(targets);
    again.insert(again.end(), {"--resume", ndjson.string(), "--fail-on-errors", "none"});
    child_process scan(again, dir_ / "out", dir_ / "err");
    const auto temporary = [&] {
        for (const auto& entry : std::filesystem::directory_iterator(dir_))
            if (entry.path().filename().string().starts_with("scan.ndjson.tmp-")) return true;
        return false;
    };
    ASSERT_TRUE(poll_until(temporary, 30s)) << "the rewrite never started";
    scan.signal(SIGINT);
    EXPECT_EQ(scan.wait(), 130) << read_file(dir_ / "err");
    EXPECT_FALSE(temporary()) << "a temporary file of the rewrite is left";
    EXPECT_EQ(count_records(ndjson, "endpoint"), 20'001u) << "the kept records are all there";
    EXPECT_FALSE(records_of(ndjson).back().at("complete").as_bool());
}

// A resume with other settings mixes targets scanned two ways in one report: the scan-end
// record, the JSON report and the summary name the settings that changed (the scan-start
// record, kept from the first run, names the first run's options).
TEST_F(interrupt, a_resume_with_other_settings_is_said_in_the_reports) {
    const auto a = lab::make_hierarchy(lab::key_kind::ec_p256, 1, {"mixed.lab.test"});
    lab::server_pool servers(1);
    const auto port = servers.start_fleet(tls_config(a), addresses(10, 1, 3));
    const auto targets = dir_ / "targets.txt";
    std::ofstream(targets) << fmt::format("127.0.10.1:{} sni=mixed.lab.test\n", port);
    const auto ndjson = dir_ / "scan.ndjson";
    ASSERT_EQ(scan_into(base_args(targets), ndjson).exit_code, 0);
    std::ofstream(targets, std::ios::app) << fmt::format("127.0.10.2:{} sni=mixed.lab.test\n", port);
    const auto report = dir_ / "report.json";
    auto again = resume_with_rsa_args(targets, ndjson, report);
    const auto r = run_tlsaudit(fmt::format("'{}'", fmt::join(again, "' '")));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto records = records_of(ndjson);
    ASSERT_EQ(records.back().at("type"), "scan-end");
    EXPECT_EQ(records.back().at("settings_changed_on_resume"), json::array{"probes"});
    EXPECT_EQ(records.front().at("options").at("probes"), json::array{"modern"}) << "the first run's";
    const auto scan = json::parse(read_file(report)).at("scan");
    EXPECT_EQ(scan.at("settings_changed_on_resume"), json::array{"probes"});
    EXPECT_NE((r.out + r.err).find("MIXED SETTINGS: a resume changed probes"), std::string::npos) << r.out << r.err;
    // Resumed again with the first run's settings: nothing is rescanned, but the file still
    // holds a target scanned the other way, so the change is carried on.
    again.at(again.size() - 5) = "modern";
    ASSERT_EQ(again.at(again.size() - 6), "--probes");
    const auto back = run_tlsaudit(fmt::format("'{}'", fmt::join(again, "' '")));
    ASSERT_EQ(back.exit_code, 0) << back.err;
    EXPECT_EQ(records_of(ndjson).back().at("settings_changed_on_resume"), json::array{"probes"});
    EXPECT_EQ(servers.stats(port).accepted, 3u) << "1 + 2 probes; nothing rescanned";
}

// Other settings, but every target already complete: nothing is scanned with them, so
// nothing is mixed and the reports do not say so.
TEST_F(interrupt, a_resume_with_other_settings_that_scans_nothing_mixes_nothing) {
    const auto a = lab::make_hierarchy(lab::key_kind::ec_p256, 1, {"same.lab.test"});
    lab::server_pool servers(1);
    const auto port = servers.start_fleet(tls_config(a), addresses(11, 1, 1));
    const auto targets = dir_ / "targets.txt";
    std::ofstream(targets) << fmt::format("127.0.11.1:{} sni=same.lab.test\n", port);
    const auto ndjson = dir_ / "scan.ndjson";
    ASSERT_EQ(scan_into(base_args(targets), ndjson).exit_code, 0);
    const auto report = dir_ / "report.json";
    const auto r = run_tlsaudit(fmt::format("'{}'", fmt::join(resume_with_rsa_args(targets, ndjson, report), "' '")));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(servers.stats(port).accepted, 1u) << "nothing rescanned";
    EXPECT_NE(r.err.find("was scanned with other settings (probes)"), std::string::npos) << r.err;
    const auto records = records_of(ndjson);
    ASSERT_EQ(records.back().at("type"), "scan-end");
    EXPECT_FALSE(records.back().contains("settings_changed_on_resume"));
    EXPECT_EQ(json::parse(read_file(report)).at("scan").at("settings_changed_on_resume"), json::array{});
    EXPECT_EQ((r.out + r.err).find("MIXED SETTINGS"), std::string::npos) << r.out << r.err;
}

// SIGINT: no new targets; the endpoints in flight (servers that answer after 30 s) are
// cut after the 2 s grace and not recorded; reports written and marked incomplete;
// exit 130. Then --resume finishes the scan.
TEST_F(interrupt, sigint_cuts_in_flight_endpoints_after_the_grace_and_marks_reports_incomplete) {
    const auto a = lab::make_hierarchy(lab::key_kind::ec_p256, 1, {"int.lab.test"});
    lab::server_pool servers(1);
    const auto fast_port = servers.start_fleet(tls_config(a), addresses(5, 1, 4));
    const auto stuck_port = servers.start_fleet(tls_config(a, 30s), addresses(6, 1, 12));
    std::string text;
    for (const auto& address : addresses(5, 1, 4)) text += fmt::format("{}:{} sni=int.lab.test\n", address, fast_port);
    for (const auto& address : addresses(6, 1, 12))
        text += fmt::format("{}:{} sni=int.lab.test\n", address, stuck_port);
    const auto targets = dir_ / "targets.txt";
    std::ofstream(targets) << text;
    const auto ndjson = dir_ / "scan.ndjson";
    auto args = base_args(targets);
    args.insert(args.end(), {"-c", "4", "--handshake-timeout", "10", "--ndjson", ndjson.string(), "--json",
                             (dir_ / "r.json").string(), "--html", (dir_ / "r.html").string()});
    child_process scan(args, dir_ / "out", dir_ / "err");
    ASSERT_TRUE(servers.wait_for(
        stuck_port, [](const lab::endpoint_stats& s) { return s.accepted >= 4; }, 60s));
    const auto signalled = std::chrono::steady_clock::now();
    scan.signal(SIGINT);
    EXPECT_EQ(scan.wait(), 130) << read_file(dir_ / "err");
    const auto took = std::chrono::steady_clock::now() - signalled;
    EXPECT_GE(took, 1900ms) << "the in-flight endpoints get the grace";
    EXPECT_LT(took, 6s) << "then they are cut";
    EXPECT_EQ(servers.stats(stuck_port).accepted, 4u) << "no new target after the signal";
    EXPECT_NE(read_file(dir_ / "err").find("interrupted"), std::string::npos);

    const auto records = records_of(ndjson);
    std::size_t stuck_records = 0, fast_records = 0;
    for (const auto& r : records) {
        if (r.at("type") != "endpoint") continue;
        (r.at("target").at("port").to_number<int>() == stuck_port ? stuck_records : fast_records)++;
    }
    EXPECT_EQ(fast_records, 4u);
    EXPECT_EQ(stuck_records, 0u) << "cut endpoints are not recorded";
    ASSERT_EQ(records.back().at("type"), "scan-end");
    EXPECT_FALSE(records.back().at("complete").as_bool());
    // Where it stopped: at least the 8 lines whose targets were taken, and the rest of the 16
    // counted (the list is a regular file).
    const auto stopped = records.back().at("stopped_at_line").to_number<std::uint64_t>();
    const auto unread = records.back().at("target_lines_unread").to_number<std::uint64_t>();
    EXPECT_GE(stopped, 8u);
    EXPECT_EQ(stopped + unread, 16u);
    const auto report = json::parse(read_file(dir_ / "r.json"));
    EXPECT_FALSE(report.at("scan").at("complete").as_bool());
    const auto reason = fmt::format(
        "interrupted after line {} of the target list was read: {} line{} with targets "
        "after it not read",
        stopped, unread, unread == 1 ? "" : "s");
    EXPECT_EQ(std::string(report.at("scan").at("incomplete_reason").as_string()), reason);
    EXPECT_NE(read_file(dir_ / "err").find(fmt::format("scan interrupted after line {} of the target list", stopped)),
              std::string::npos)
        << read_file(dir_ / "err");
    const auto html = read_file(dir_ / "r.html");
    EXPECT_NE(html.find("id=\"incomplete\""), std::string::npos);
    EXPECT_NE(html.find("\"complete\":false"), std::string::npos);

    // Resume: the stuck servers now time out quickly; every target ends up exactly once.
    auto again = base_args(targets);
    again.insert(again.end(), {"-c", "4", "--handshake-timeout", "0.2", "--resume", ndjson.string()});
    const auto resumed = run_tlsaudit(fmt::format("'{}'", fmt::join(again, "' '")));
    ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
    std::map<std::string, int> per_target;
    std::size_t ends = 0;
    for (const auto& r : records_of(ndjson)) {
        if (r.at("type") == "endpoint") ++per_target[key_of(r)];
        if (r.at("type") == "scan-end") {
            ++ends;
            EXPECT_TRUE(r.at("complete").as_bool());
        }
    }
    EXPECT_EQ(per_target.size(), 16u);
    for (const auto& [key, n] : per_target) EXPECT_EQ(n, 1) << key;
    EXPECT_EQ(ends, 1u);
}

// SIGTERM: the endpoints in flight answer within the grace and are recorded; exit 143.
TEST_F(interrupt, sigterm_lets_in_flight_endpoints_finish_within_the_grace) {
    const auto a = lab::make_hierarchy(lab::key_kind::ec_p256, 1, {"term.lab.test"});
    lab::server_pool servers(1);
    std::uint16_t port = 0;
    const auto targets = fleet_targets(servers, a, 7, 30, "term.lab.test", port, 700ms);
    const auto ndjson = dir_ / "scan.ndjson";
    auto args = base_args(targets);
    args.insert(args.end(), {"-c", "3", "--handshake-timeout", "10", "--ndjson", ndjson.string()});
    child_process scan(args, dir_ / "out", dir_ / "err");
    ASSERT_TRUE(servers.wait_for(
        port, [](const lab::endpoint_stats& s) { return s.accepted >= 6; }, 60s));
    scan.signal(SIGTERM);
    EXPECT_EQ(scan.wait(), 143) << read_file(dir_ / "err");
    const auto accepted = servers.stats(port).accepted;
    EXPECT_LT(accepted, 30u);
    EXPECT_EQ(count_records(ndjson, "endpoint"), accepted) << "every endpoint started before the signal is recorded";
    const auto records = records_of(ndjson);
    ASSERT_FALSE(records.empty());
    EXPECT_FALSE(records.back().at("complete").as_bool());
}

// With --rate, each endpoint's probes follow one another, so records are written as the
// scan goes: an endpoint's second probe queued behind the first probes of every endpoint in
// flight, no record came until those had all started, and a SIGINT lost them all.
TEST_F(interrupt, with_a_rate_records_are_written_as_the_scan_goes) {
    const auto a = lab::make_hierarchy(lab::key_kind::ec_p256, 1, {"rate.lab.test"});
    lab::server_pool servers(1);
    std::uint16_t port = 0;
    const auto targets = fleet_targets(servers, a, 10, 200, "rate.lab.test", port);
    const auto ndjson = dir_ / "scan.ndjson";
    auto args = base_args(targets);
    args.back() = "modern,rsa";  // two probes per endpoint: 400 connections, 40 s at 10 a second
    args.insert(args.end(), {"-c", "200", "--rate", "10", "--ndjson", ndjson.string()});
    child_process scan(args, dir_ / "out", dir_ / "err");
    ASSERT_TRUE(servers.wait_for(
        port, [](const lab::endpoint_stats& s) { return s.accepted >= 30; }, 60s));
    scan.signal(SIGINT);
    EXPECT_EQ(scan.wait(), 130) << read_file(dir_ / "err");
    // 30 connections in, about 15 endpoints were done, and the 2 s grace adds about 10. The
    // bug this guards against wrote none; a starved machine writes fewer than 25.
    const auto endpoints = count_records(ndjson, "endpoint");
    EXPECT_GE(endpoints, 8u);
    EXPECT_LT(endpoints, 200u);
    // Each record says when its endpoint's turn came (5 endpoints a second, so 8 records span
    // 1.4 s or more), not when the scan started.
    std::set<std::string> seconds;
    for (const auto& r : records_of(ndjson))
        if (r.at("type") == "endpoint") seconds.insert(std::string(r.at("scanned_at").as_string()));
    EXPECT_GE(seconds.size(), 2u);
}

// The first signal stops the reading of the target list too: a long run of bad lines, each
// an input-error record, is not read to its end first.
TEST_F(interrupt, the_first_signal_stops_reading_the_target_list) {
    constexpr std::size_t lines = 2'000'000;
    const auto targets = dir_ / "targets.txt";
    {
        std::ofstream out(targets);
        for (std::size_t i = 0; i < lines; ++i) out << "not a target " << i << "\n";
    }
    const auto ndjson = dir_ / "scan.ndjson";
    auto args = base_args(targets);
    args.insert(args.end(), {"--ndjson", ndjson.string(), "--fail-on-errors", "none"});
    child_process scan(args, dir_ / "out", dir_ / "err");
    ASSERT_TRUE(poll_until(
        [&] {
            std::error_code ec;
            return std::filesystem::file_size(ndjson, ec) > 100'000 && !ec;
        },
        60s));
    scan.signal(SIGINT);
    EXPECT_EQ(scan.wait(), 130) << read_file(dir_ / "err");
    const auto written = count_records(ndjson, "input-error");
    EXPECT_GT(written, 0u);
    EXPECT_LT(written, lines / 2) << "the list was read on after the signal";
    const auto records = records_of(ndjson);
    ASSERT_FALSE(records.empty());
    EXPECT_EQ(records.back().at("type"), "scan-end");
    EXPECT_FALSE(records.back().at("complete").as_bool());
    // Every line read was an input error; the lines after them are counted, not read as targets.
    EXPECT_EQ(records.back().at("stopped_at_line").to_number<std::uint64_t>(), written);
    EXPECT_EQ(records.back().at("target_lines_unread").to_number<std::uint64_t>(), lines - written);
}

// One signal delivered twice at once (GNU timeout sends it to its child and to its process
// group) is one interruption: the reports are written, marked incomplete.
TEST_F(interrupt, a_signal_delivered_twice_at_once_is_one) {
    lab::server_pool servers(1);
    const auto report = dir_ / "r.json";
    const auto scan_process = stalled_scan(servers, 5, 2, {"--json", report.string()});
    auto& scan = *scan_process;
    scan.signal(SIGINT);
    // The second as soon as the first was handled (two signals sent before that are one to
    // the kernel), as a wrapper's second delivery lands.
    ASSERT_TRUE(poll_until([&] { return read_file(dir_ / "err").find("interrupted") != std::string::npos; }, 10s));
    scan.signal(SIGINT);
    EXPECT_EQ(scan.wait(), 130) << read_file(dir_ / "err");
    EXPECT_NE(read_file(dir_ / "err").find("taken as one"), std::string::npos) << read_file(dir_ / "err");
    ASSERT_TRUE(std::filesystem::exists(report)) << "the reports are written";
    EXPECT_NE(read_file(report).find("\"complete\":false"), std::string::npos);
}

// A second signal exits at once, without waiting for the grace or writing reports.
TEST_F(interrupt, second_signal_exits_at_once) {
    lab::server_pool servers(1);
    const auto scan_process = stalled_scan(servers, 1, 4, {"--ndjson", (dir_ / "scan.ndjson").string()});
    auto& scan = *scan_process;
    scan.signal(SIGTERM);
    ASSERT_TRUE(poll_until([&] { return read_file(dir_ / "err").find("interrupted") != std::string::npos; }, 10s));
    std::this_thread::sleep_for(600ms);  // a signal within 500 ms of the first is taken as the same one
    scan.signal(SIGINT);
    EXPECT_EQ(scan.wait(), 130);
    // The proof that the second signal ended the process: an interrupted scan that ran to the
    // end of its 2 s grace writes a scan-end record ("complete": false). (A bound on the time
    // could not tell: the grace ends about 1.4 s after the second signal anyway.)
    EXPECT_EQ(count_records(dir_ / "scan.ndjson", "scan-end"), 0u);
}

// Ctrl-C during the demo stops its scan as it stops `scan`: the records end with a scan-end
// that says incomplete, the reports are written and say so, exit 130. It killed the process,
// leaving no scan-end and half-written report files behind.
TEST_F(interrupt, the_demo_stops_as_a_scan_does) {
    const auto out = dir_ / "demo";
    child_process demo({"demo", "--out", out.string()}, dir_ / "out", dir_ / "err");
    ASSERT_TRUE(poll_until([&] { return count_records(out / "scan.ndjson", "endpoint") >= 1; }, 30s))
        << read_file(dir_ / "err");
    demo.signal(SIGINT);
    EXPECT_EQ(demo.wait(), 130) << read_file(dir_ / "err");
    EXPECT_EQ(count_records(out / "scan.ndjson", "scan-end"), 1u);
    EXPECT_NE(read_file(out / "report.json").find("\"complete\":false"), std::string::npos);
    EXPECT_NE(read_file(dir_ / "err").find("demo interrupted"), std::string::npos) << read_file(dir_ / "err");
    for (const auto& entry : std::filesystem::directory_iterator(out))
        EXPECT_EQ(entry.path().filename().string().find(".tmp"), std::string::npos) << entry.path();
    // A second demo into the same --out while one runs is refused, as a second scan is.
    child_process first({"demo", "--out", out.string()}, dir_ / "out1", dir_ / "err1");
    ASSERT_TRUE(poll_until(
        [&] {
            return count_records(out / "scan.ndjson", "scan-end") == 0 &&
                   count_records(out / "scan.ndjson", "endpoint") >= 1;  // this run's records, not the last one's
        },
        30s));
    const auto second = run_tlsaudit(fmt::format("demo --out '{}'", out.string()));
    EXPECT_EQ(second.exit_code, 2) << second.err;
    EXPECT_NE(second.err.find("is locked by another process"), std::string::npos) << second.err;
    first.signal(SIGTERM);
    EXPECT_EQ(first.wait(), 143) << read_file(dir_ / "err1");
}

// A second scan, a --resume, a check or a history import, of an NDJSON file a running scan still writes (a retried CI
// job, a resume started too early) is refused before it touches the file: it used to empty
// it, or rewrite it under the first scan, and the file ended with two scans interleaved.
TEST_F(interrupt, a_file_a_running_scan_writes_is_refused_to_a_second_one) {
    lab::server_pool servers(1);
    const auto ndjson = dir_ / "scan.ndjson";
    const auto scan_process = stalled_scan(servers, 1, 2, {"--ndjson", ndjson.string()});
    auto& first = *scan_process;
    ASSERT_TRUE(poll_until([&] { return count_records(ndjson, "scan-start") == 1; }, 10s));
    const auto before = read_file(ndjson);
    for (const auto* option : {"--ndjson", "--resume"}) {
        auto args = base_args(dir_ / "targets.txt");
        args.insert(args.end(), {option, ndjson.string()});
        const auto second = run_tlsaudit(fmt::format("'{}'", fmt::join(args, "' '")));
        EXPECT_EQ(second.exit_code, 2) << option << ": " << second.err;
        EXPECT_NE(second.err.find(fmt::format("{}: {} is locked by another process", option, ndjson.string())),
                  std::string::npos)
            << second.err;
        EXPECT_EQ(read_file(ndjson), before) << option << ": the first scan's file was touched";
    }
    // `check --ndjson` of the same file: it emptied it and cut its record into the stream.
    const auto h = lab::make_hierarchy(lab::key_kind::ec_p256, 1, {"check.lab.test"});
    const auto chain = dir_ / "chain.pem";
    std::ofstream(chain) << h.leaf.pem();
    const auto check = run_tlsaudit(fmt::format("check '{}' -q --ndjson '{}'", chain.string(), ndjson.string()));
    EXPECT_EQ(check.exit_code, 2) << check.err;
    EXPECT_NE(check.err.find(fmt::format("--ndjson: {} is locked by another process", ndjson.string())),
              std::string::npos)
        << check.err;
    EXPECT_EQ(read_file(ndjson), before) << "check: the first scan's file was touched";
    // `history import` of it would store a partial scan, and the whole one again later.
    const auto import =
        run_tlsaudit(fmt::format("history import '{}' --db '{}'", ndjson.string(), (dir_ / "history.db").string()));
    EXPECT_EQ(import.exit_code, 2) << import.err;
    EXPECT_NE(import.err.find("is being written by a running scan"), std::string::npos) << import.err;
    EXPECT_EQ(import.out.find("scan 1"), std::string::npos) << import.out;
    first.signal(SIGINT);
    EXPECT_EQ(first.wait(), 130);
    EXPECT_EQ(count_records(ndjson, "scan-start"), 1u);
    EXPECT_EQ(count_records(ndjson, "scan-end"), 1u);
}

}  // namespace
}  // namespace tlsaudit::testing
