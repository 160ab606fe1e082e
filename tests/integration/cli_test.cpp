// The command line as users run it: the demo, stdin/stdout, exit codes.

#include "cli_support.hpp"

#include <tlsaudit/lab/pki.hpp>
#include <tlsaudit/lab/tls_server.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <map>
#include <set>

namespace tlsaudit::testing {
namespace {

namespace json = boost::json;

std::vector<json::value> parse_lines(const std::string& text) {
    std::vector<json::value> records;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        auto record = json::parse(line);  // throws on any non-JSON line
        // scan-start/scan-end (reports) and name (audit) records have tests of their own.
        const auto& type = record.at("type");
        if (type == "endpoint" || type == "input-error") records.push_back(std::move(record));
    }
    return records;
}

class cli : public ::testing::Test {
protected:
    std::filesystem::path dir_ =
        std::filesystem::temp_directory_path() /
        fmt::format("tlsaudit-cli-{}-{}", ::getpid(), ::testing::UnitTest::GetInstance()->current_test_info()->name());
    void SetUp() override { std::filesystem::create_directories(dir_); }
    void TearDown() override { std::filesystem::remove_all(dir_); }
};

TEST_F(cli, demo_writes_one_correct_record_per_lab_endpoint) {
    const auto r = run_tlsaudit(fmt::format("demo --out '{}'", dir_.string()));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto manifest = json::parse(read_file(dir_ / "lab.json"));
    const auto records = parse_lines(read_file(dir_ / "scan.ndjson"));

    // (target line, address) -> record
    std::map<std::pair<std::string, std::string>, const json::object*> by_endpoint;
    std::size_t endpoint_records = 0;
    for (const auto& rec : records) {
        const auto& o = rec.as_object();
        if (o.at("type").as_string() != "endpoint") continue;  // name and scan records come too
        ++endpoint_records;
        const auto address = o.at("address").is_null() ? std::string() : std::string(o.at("address").as_string());
        const auto key = std::make_pair(std::string(o.at("target").at("input").as_string()), address);
        EXPECT_TRUE(by_endpoint.emplace(key, &o).second) << "duplicate record for " << key.first;
    }
    std::size_t expected = 0;
    for (const auto& e : manifest.at("endpoints").as_array()) {
        const std::string id(e.at("id").as_string());
        const std::string target(e.at("target").as_string());
        const std::string expected_error(e.at("expected_error").as_string());
        for (const auto& node : e.at("nodes").as_array()) {
            ++expected;
            SCOPED_TRACE(id);
            auto it = by_endpoint.find({target, std::string(node.at("address").as_string())});
            ASSERT_NE(it, by_endpoint.end()) << "no record for " << target;
            const auto& rec = *it->second;
            if (expected_error.empty()) {
                ASSERT_NE(rec.at("status").as_string(), "error") << json::serialize(rec.at("error"));
                std::vector<std::string> served;
                for (const auto& c : rec.at("chain").as_array()) served.emplace_back(c.at("sha256").as_string());
                std::vector<std::string> truth;
                for (const auto& h : node.at("chain_sha256").as_array()) truth.emplace_back(h.as_string());
                EXPECT_EQ(served, truth);
            } else {
                ASSERT_EQ(rec.at("status").as_string(), "error");
                EXPECT_EQ(rec.at("error").at("code").as_string(), expected_error);
            }
        }
    }
    EXPECT_EQ(endpoint_records, expected);
    EXPECT_GE(expected, 20u);
    // The first record states the scan threads the demo ran with.
    std::istringstream lines(read_file(dir_ / "scan.ndjson"));
    std::string first;
    std::getline(lines, first);
    const auto start = json::parse(first).as_object();
    EXPECT_EQ(start.at("type"), "scan-start");
    EXPECT_GE(start.at("options").at("threads").to_number<std::int64_t>(), 1);
    // ... and the policy its reports apply: no failure on findings or on its hostile servers.
    EXPECT_EQ(start.at("options").at("fail_on"), "none");
    EXPECT_EQ(start.at("options").at("fail_on_errors"), "none");
    EXPECT_FALSE(std::filesystem::is_empty(dir_ / "chains"));
}

TEST_F(cli, scan_from_stdin_writes_only_json_to_stdout) {
    lab::server_pool servers;
    const auto h = lab::make_hierarchy(lab::key_kind::ec_p256, 1, {"cli.lab.test"});
    lab::server_config config;
    config.chain = h.served_chain();
    config.leaf_key = h.leaf.k;
    const auto port = servers.start(config);
    const std::string input = fmt::format("# targets\n127.0.0.1:{} sni=cli.lab.test\nnot a target\n", port);

    const auto r = run_tlsaudit("scan - --concurrency 4 --fail-on none", input);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto records = parse_lines(r.out);
    std::map<std::string, const json::object*> by_type;
    std::map<std::string, int> count;
    for (const auto& rec : records) {
        const std::string type(rec.at("type").as_string());
        by_type[type] = &rec.as_object();
        ++count[type];
    }
    ASSERT_EQ(count["endpoint"], 1) << r.out;
    ASSERT_EQ(count["input-error"], 1) << r.out;
    EXPECT_EQ(by_type["input-error"]->at("line").to_number<int>(), 3);
    const auto& endpoint = *by_type["endpoint"];
    EXPECT_EQ(endpoint.at("schema_version").to_number<int>(), 2);
    EXPECT_NE(endpoint.at("status").as_string(), "error");
    EXPECT_EQ(endpoint.at("chain").as_array().size(), 2u);
    EXPECT_EQ(endpoint.at("chain").at(0).at("san_dns").at(0).as_string(), "cli.lab.test");
}

TEST_F(cli, ndjson_file_and_saved_chains) {
    lab::server_pool servers;
    const auto h = lab::make_hierarchy(lab::key_kind::ec_p256, 1, {"files.lab.test"});
    lab::server_config config;
    config.chain = h.served_chain();
    config.leaf_key = h.leaf.k;
    const auto port = servers.start(config);
    std::ofstream(dir_ / "targets.txt") << fmt::format("127.0.0.1:{}\n127.0.0.1:{} sni=files.lab.test\n", port, port);

    const auto r = run_tlsaudit(fmt::format("scan '{}' --ndjson '{}' --save-chains '{}' --fail-on none -q",
                                            (dir_ / "targets.txt").string(), (dir_ / "out.ndjson").string(),
                                            (dir_ / "chains").string()));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(r.out.empty()) << "stdout is not the output: it stays empty";
    const auto records = parse_lines(read_file(dir_ / "out.ndjson"));
    EXPECT_EQ(std::count_if(records.begin(), records.end(),
                            [](const json::value& v) { return v.at("type").as_string() == "endpoint"; }),
              2);
    std::vector<std::filesystem::path> saved;
    for (const auto& entry : std::filesystem::directory_iterator(dir_ / "chains")) saved.push_back(entry.path());
    ASSERT_EQ(saved.size(), 1u) << "two endpoints serving one chain: one file";
    const auto pem = read_file(saved[0]);
    EXPECT_NE(pem.find("BEGIN CERTIFICATE"), std::string::npos);
}

// A lost message is not a lost scan: with stderr unwritable (a log on a full disk), the
// scan ends as it would otherwise, with its scan-end record and its reports. The summary
// on stderr used to throw, and main's handler threw again printing that: abort, exit 134.
TEST_F(cli, an_unwritable_stderr_loses_messages_not_the_scan) {
    lab::server_pool servers;
    const auto h = lab::make_hierarchy(lab::key_kind::ec_p256, 1, {"stderr.lab.test"});
    const auto port = servers.start({.chain = h.served_chain(), .leaf_key = h.leaf.k});
    std::ofstream(dir_ / "targets.txt") << fmt::format("127.0.0.1:{} sni=stderr.lab.test\n", port);
    const auto args =
        fmt::format("scan '{}' --ndjson '{}' --json '{}' --no-revocation --no-geoip", (dir_ / "targets.txt").string(),
                    (dir_ / "out.ndjson").string(), (dir_ / "out.json").string());
    const auto normal = run_tlsaudit(args);
    ASSERT_EQ(normal.exit_code, 1) << normal.err;  // the lab's root is not trusted: --fail-on high
    std::filesystem::remove(dir_ / "out.ndjson");
    std::filesystem::remove(dir_ / "out.json");
    for (const auto* redirect : {"2>/dev/full", "2>&-"}) {
        const auto r = run_command(fmt::format("('{}' {} {})", TLSAUDIT_BINARY, args, redirect));
        EXPECT_EQ(r.exit_code, 1) << redirect;
        const auto ndjson = read_file(dir_ / "out.ndjson");
        EXPECT_NE(ndjson.find(R"("type":"scan-end")"), std::string::npos) << redirect << "\n" << ndjson;
        EXPECT_TRUE(std::filesystem::exists(dir_ / "out.json")) << redirect;
        std::filesystem::remove(dir_ / "out.ndjson");
        std::filesystem::remove(dir_ / "out.json");
    }
    // The summary on a full stdout is output lost, as a report on a full disk is: exit 3, said
    // on stderr (it exited with the verdict, 1, and said nothing), from scan and report alike.
    const auto full = run_command(fmt::format("('{}' {} >/dev/full)", TLSAUDIT_BINARY, args));
    EXPECT_EQ(full.exit_code, 3);
    EXPECT_NE(full.err.find("cannot write the summary to stdout: No space left on device"), std::string::npos)
        << full.err;
    const auto report =
        run_command(fmt::format("('{}' report '{}' >/dev/full)", TLSAUDIT_BINARY, (dir_ / "out.ndjson").string()));
    EXPECT_EQ(report.exit_code, 3);
    EXPECT_NE(report.err.find("cannot write the summary to stdout"), std::string::npos) << report.err;
    // A report lost on a full disk: whether `tlsaudit report` can write it again depends on
    // whether the records were kept (they were said to be "intact" when none had been).
    const auto kept = run_tlsaudit(args + " --csv /dev/full -q");
    EXPECT_EQ(kept.exit_code, 3) << kept.err;
    EXPECT_NE(kept.err.find("the records are intact"), std::string::npos) << kept.err;
    for (const auto* records : {"", "--ndjson /dev/null"}) {
        const auto gone = run_tlsaudit(fmt::format("scan '{}' {} --csv /dev/full --no-revocation --no-geoip -q",
                                                   (dir_ / "targets.txt").string(), records));
        EXPECT_EQ(gone.exit_code, 3) << gone.err;
        EXPECT_NE(gone.err.find("the records were not kept: scan with --ndjson FILE"), std::string::npos)
            << records << ": " << gone.err;
    }
    // Every other command's output too: `rules` lost its table and exited 0.
    for (const auto* command : {"rules", "rules --explain globalsign-rsa-dv-ssl-ca-2018", "rules --json", "--help",
                                "--version", "scan --help"}) {
        const auto lost = run_command(fmt::format("('{}' {} >/dev/full)", TLSAUDIT_BINARY, command));
        EXPECT_EQ(lost.exit_code, 3) << command << ": " << lost.err;
        EXPECT_NE(lost.err.find("No space left on device"), std::string::npos) << command << ": " << lost.err;
    }
}

TEST_F(cli, usage_errors_exit_2_before_scanning) {
    EXPECT_EQ(run_tlsaudit("scan").exit_code, 2);
    EXPECT_EQ(run_tlsaudit("scan - --concurrency 0").exit_code, 2);
    EXPECT_EQ(run_tlsaudit("scan - --port 70000").exit_code, 2);
    EXPECT_EQ(run_tlsaudit("scan - --resolver not-an-ip").exit_code, 2);
    EXPECT_EQ(run_tlsaudit("scan - --ipv4-only --ipv6-only").exit_code, 2);
    // A closed standard input is no list (it read as an empty one: exit 4, "no target").
    const auto closed = run_command(fmt::format("('{}' scan - <&-)", TLSAUDIT_BINARY));
    EXPECT_EQ(closed.exit_code, 2) << closed.err;
    EXPECT_NE(closed.err.find("cannot read the target list from standard input: it is closed"), std::string::npos)
        << closed.err;
    const auto missing = run_tlsaudit(fmt::format("scan '{}'", (dir_ / "missing.txt").string()));
    EXPECT_EQ(missing.exit_code, 2);
    EXPECT_NE(missing.err.find("missing.txt"), std::string::npos) << missing.err;
    const auto unknown = run_tlsaudit("frobnicate");
    EXPECT_EQ(unknown.exit_code, 2);
    EXPECT_NE(unknown.err.find("unknown command 'frobnicate' (scan, demo, check, report, history, rules"),
              std::string::npos)
        << unknown.err;
}

// What the user typed comes back in the message with its controls made visible: an ESC in
// a path or a value (a shared config file's, a globbed name's) never reaches the terminal.
TEST_F(cli, typed_values_in_error_messages_cannot_drive_the_terminal) {
    const auto missing =
        run_tlsaudit(fmt::format("scan \"$(printf '{}/x\\033[2J\\033]0;T\\007.txt')\"", dir_.string()));
    EXPECT_EQ(missing.exit_code, 2);
    EXPECT_EQ(missing.err.find('\x1b'), std::string::npos) << missing.err;
    EXPECT_NE(missing.err.find("x\\u{1b}[2J\\u{1b}]0;T\\u{7}.txt"), std::string::npos) << missing.err;
    const auto probe = run_tlsaudit("scan - --probes \"$(printf 'modern,x\\033]0;CFG\\007')\"");  // CLI11's own check
    EXPECT_EQ(probe.exit_code, 2);
    EXPECT_EQ(probe.err.find('\x1b'), std::string::npos) << probe.err;
    EXPECT_NE(probe.err.find("\\u{1b}]0;CFG"), std::string::npos) << probe.err;
    const auto command = run_tlsaudit("\"$(printf 'frob\\302\\2332J')\"");
    EXPECT_EQ(command.exit_code, 2);
    EXPECT_NE(command.err.find("unknown command 'frob\\u{9b}2J'"), std::string::npos) << command.err;
}

// What a run is asked is checked before any file is touched: an option with an empty value,
// an output naming the baseline, a directory output naming another output, an unusable
// cache, a resolver without its port, a demo's bad rules. Conflicts are judged by value.
TEST_F(cli, usage_errors_found_before_any_file_is_touched) {
    const auto targets = (dir_ / "t.txt").string();
    std::ofstream(targets) << "127.0.0.1:1\n";
    const auto base = (dir_ / "base.json").string(), ndjson = (dir_ / "scan.ndjson").string();
    std::ofstream(base) << "{\"keep\": true}\n";
    std::ofstream(ndjson) << "keep\n";
    std::ofstream(dir_ / "notadir") << "x\n";
    const auto untouched = [&](const std::string& args, const std::string& says) {
        const auto r = run_tlsaudit(args);
        EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.err;
        EXPECT_NE(r.err.find(says), std::string::npos) << args << "\n" << r.err;
        EXPECT_EQ(read_file(base), "{\"keep\": true}\n") << args;
        EXPECT_EQ(read_file(ndjson), "keep\n") << args;
    };
    const auto scan = fmt::format("scan '{}' --no-revocation ", targets);
    untouched(scan + fmt::format("--ndjson '{}' --baseline '{}'", base, base), "would overwrite --baseline");
    // The inputs of scan and check that are not records: the --config file, a --ca-file, the
    // --rules file. Each was overwritten by the report or record named after it.
    const auto config = (dir_ / "keep.toml").string(), ca = (dir_ / "ca.pem").string();
    const auto rules = (dir_ / "rules.json").string();
    std::ofstream(config) << "no-geoip = true # keep\n";
    for (const auto& input : {ca, rules}) std::ofstream(input) << "keep\n";
    const auto kept = [&](const std::string& args, const std::string& says, const std::string& file) {
        untouched(args, says);
        EXPECT_NE(read_file(file).find("keep\n"), std::string::npos) << args;
    };
    kept(fmt::format("--config '{0}' scan '{1}' --json '{0}'", config, targets),
         fmt::format("--json {0} would overwrite --config {0}", config), config);
    kept(fmt::format("check '{0}' --ca-file '{1}' --ndjson '{1}'", ndjson, ca),
         fmt::format("--ndjson {0} would overwrite --ca-file {0}", ca), ca);
    kept(fmt::format("check '{0}' --rules '{1}' --ndjson '{1}'", ndjson, rules), "would overwrite --rules", rules);
    untouched(scan + fmt::format("--baseline '' --fail-on-new --ndjson '{}'", ndjson),
              "--baseline");  // an empty value, or --fail-on-new without it
    untouched(fmt::format("report '{}' --json ''", ndjson), "--json: an empty value");
    untouched(scan + fmt::format("--config '' --ndjson '{}'", ndjson), "--config: an empty value");
    untouched(scan + fmt::format("--ndjson '{}' --resolver '[::1]'", ndjson), "a bracketed address takes a port");
    untouched(scan + fmt::format("--ndjson '{}' --resolver 127.0.0.1:", ndjson), "missing port after ':'");
    untouched(
        fmt::format("scan '{}' --ndjson '{}' --revocation-cache '{}'", targets, ndjson, (dir_ / "notadir").string()),
        "--revocation-cache");
    untouched(scan + fmt::format("--ndjson '{}' --save-chains '{}' --json '{}'", ndjson, (dir_ / "d").string(),
                                 (dir_ / "d").string()),
              "name one file");
    std::ofstream(dir_ / "bad-rules.json") << "{bad";
    untouched(fmt::format("demo --out '{}' --rules '{}'", (dir_ / "demo").string(), (dir_ / "bad-rules.json").string()),
              "rules:");
    EXPECT_FALSE(std::filesystem::exists(dir_ / "demo")) << "the demo wrote its lab files first";
    // The demo's --out holds only its own regular files: a link there would send one of them
    // elsewhere (a /tmp/demo prepared by someone else), and a directory in the way of a report
    // is found before the lab starts, not after the scan (exit 3).
    const auto linked = dir_ / "linked";
    std::filesystem::create_directories(linked);
    std::ofstream(dir_ / "victim") << "keep\n";
    std::filesystem::create_symlink(dir_ / "victim", linked / "report.html");
    const auto link = run_tlsaudit(fmt::format("demo --out '{}'", linked.string()));
    EXPECT_EQ(link.exit_code, 2) << link.err;
    EXPECT_NE(link.err.find("report.html is a symbolic link"), std::string::npos) << link.err;
    EXPECT_EQ(read_file(dir_ / "victim"), "keep\n");
    std::filesystem::remove(linked / "report.html");
    std::filesystem::create_directories(linked / "report.json");
    const auto in_the_way = run_tlsaudit(fmt::format("demo --out '{}'", linked.string()));
    EXPECT_EQ(in_the_way.exit_code, 2) << in_the_way.err;
    EXPECT_NE(in_the_way.err.find("report.json: cannot write: is a directory"), std::string::npos) << in_the_way.err;
    EXPECT_FALSE(std::filesystem::exists(linked / "targets.txt")) << "the demo wrote its lab files first";
    std::filesystem::remove(linked / "report.json");
    ASSERT_EQ(::mkfifo((linked / "scan.ndjson").c_str(), 0600), 0);
    const auto fifo = run_tlsaudit(fmt::format("demo --out '{}'", linked.string()));  // it waited for a reader
    EXPECT_EQ(fifo.exit_code, 2) << fifo.err;
    EXPECT_NE(fifo.err.find("scan.ndjson is not a regular file"), std::string::npos) << fifo.err;
    // By value: a flag set to false in a config file asks for nothing.
    std::ofstream(dir_ / "c.toml") << "fail-on-new = false\nipv4-only = false\nipv6-only = true\n";
    const auto by_value =
        run_tlsaudit(fmt::format("scan '{}' --config '{}' --dry-run", targets, (dir_ / "c.toml").string()));
    EXPECT_EQ(by_value.exit_code, 0) << by_value.err;
    // The command line wins over a key that conflicts with it by value too: ipv4-only in the
    // file and -6 given, or geoip-db in the file and --no-geoip given, were "excludes" errors.
    std::ofstream(dir_ / "d.toml") << "ipv4-only = true\ngeoip-db = \"" << (dir_ / "none.mmdb").string() << "\"\n";
    for (const auto* flags : {"-6", "--no-geoip", "-6 --no-geoip"}) {
        const auto wins = run_tlsaudit(
            fmt::format("--config '{}' scan '{}' {} --dry-run", (dir_ / "d.toml").string(), targets, flags));
        EXPECT_EQ(wins.exit_code, 0) << flags << ": " << wins.err;
    }
    const auto both = run_tlsaudit(fmt::format("scan '{}' -4 -6 --dry-run", targets));
    EXPECT_EQ(both.exit_code, 2) << "on the command line alone, still a conflict";
}

// Numeric options say what they expect; CLI11's own range check printed the largest
// double in full and let "nan" through as a rate.
TEST_F(cli, numeric_options_say_what_they_expect) {
    const std::vector<std::pair<std::string, std::string>> cases{
        {"scan - --rate nan", "--rate: expected 0 or a number from 0.001 to 1000000, not 'nan'"},
        {"scan - --rate -1", "--rate: expected 0 or a number from 0.001 to 1000000, not '-1'"},
        {"scan - --rate 1e400", "--rate: expected 0 or a number from 0.001 to 1000000, not '1e400'"},
        {"scan - --rate 1e-300", "--rate: expected 0 or a number from 0.001 to 1000000, not '1e-300'"},
        {"scan - --concurrency abc", "--concurrency: expected a whole number from 1 to 100000, not 'abc'"},
        {"scan - --concurrency 1.5", "--concurrency: expected a whole number from 1 to 100000, not '1.5'"},
        {"scan - --connect-timeout inf", "--connect-timeout: expected a number from 0.01 to 600, not 'inf'"},
        {"scan - --profile 1", "--profile: expected browser or openssl"},  // not the enum's number
        {"history report --db x.db --db-timeout abc", "--db-timeout: expected a number from 0 to 86400, not 'abc'"},
    };
    for (const auto& [args, message] : cases) {
        const auto r = run_tlsaudit(args);
        EXPECT_EQ(r.exit_code, 2) << args;
        EXPECT_EQ(r.err.substr(0, r.err.find('\n')), message) << args;
    }
    EXPECT_EQ(run_tlsaudit("scan - --rate 0.5 --concurrency +5 --dry-run", "127.0.0.1:1\n").exit_code, 0);
}

// A repeatable option takes one value each time: the target list after it, then another
// option, is the target list (CLI11 took it as a second --fetch-allow, then stopped).
// An open-file limit too low for --concurrency lowers the concurrency (and says so) instead of
// recording healthy endpoints as unreachable "Too many open files".
TEST_F(cli, a_low_open_file_limit_lowers_the_concurrency) {
    const lab::closed_port closed;
    std::ofstream(dir_ / "targets.txt") << "127.0.0.0/25\n";
    const auto ndjson = dir_ / "out.ndjson";
    const auto r =
        run_command(fmt::format("sh -c \"ulimit -n 80 && '{}' scan '{}' --port {} -c 200 --no-revocation --no-geoip -q "
                                "--fail-on-errors none --ndjson '{}'\"",
                                TLSAUDIT_BINARY, (dir_ / "targets.txt").string(), closed.port(), ndjson.string()));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("the open-file limit 80 is below what --concurrency 200 needs (456): scanning with "
                         "--concurrency 20"),
              std::string::npos)
        << r.err;
    std::map<std::string, int> codes;
    std::istringstream in(read_file(ndjson));
    for (std::string line; std::getline(in, line);) {
        const auto record = json::parse(line).as_object();
        if (record.at("type") == "endpoint") ++codes[std::string(record.at("error").at("code").as_string())];
        if (record.at("type") == "scan-start") EXPECT_EQ(record.at("options").at("concurrency").to_number<int>(), 20);
    }
    EXPECT_EQ(codes, (std::map<std::string, int>{{"refused", 128}}));
    // A concurrency that fits is kept, never raised, and nothing is said.
    const auto small =
        run_command(fmt::format("sh -c \"ulimit -n 80 && '{}' scan '{}' --port {} -c 5 --no-revocation --no-geoip -q "
                                "--fail-on-errors none --ndjson '{}'\"",
                                TLSAUDIT_BINARY, (dir_ / "targets.txt").string(), closed.port(), ndjson.string()));
    EXPECT_EQ(small.exit_code, 0) << small.err;
    EXPECT_EQ(small.err.find("open-file limit"), std::string::npos) << small.err;
    EXPECT_NE(read_file(ndjson).find("\"concurrency\":5,"), std::string::npos);
}

TEST_F(cli, a_repeatable_option_takes_one_value_each_time) {
    const auto targets = (dir_ / "t.txt").string();
    std::ofstream(targets) << "127.0.0.1:1\n";
    for (const std::string option : {"--fetch-allow 127.0.0.1", "--ca-file /dev/null", "-p 443", "--probes modern"}) {
        const auto r = run_tlsaudit(fmt::format("scan {} '{}' --dry-run", option, targets));
        EXPECT_EQ(r.exit_code, 0) << option << ": " << r.err;
        EXPECT_NE(r.out.find("127.0.0.1:"), std::string::npos) << option;
    }
}

// A directory opened as a file reads as nothing from stdin and fails only mid-scan from a
// path (the scan then hung, waiting for a cut that never came): refused before scanning.
TEST_F(cli, a_directory_as_the_target_list_exits_2_before_scanning) {
    const std::string ndjson = (dir_ / "r.ndjson").string();
    for (const std::string args : {"", " --dry-run"}) {
        const auto by_path = run_tlsaudit(fmt::format("scan '{}' -q --ndjson '{}'{}", dir_.string(), ndjson, args));
        EXPECT_EQ(by_path.exit_code, 2) << args << by_path.err;
        EXPECT_NE(by_path.err.find("is a directory"), std::string::npos) << by_path.err;
    }
    // run_command gives the outer shell its own stdin; the inner one reads the directory.
    const auto from_stdin = run_command(
        fmt::format("sh -c \"'{}' scan - -q --ndjson '{}' <'{}'\"", TLSAUDIT_BINARY, ndjson, dir_.string()));
    EXPECT_EQ(from_stdin.exit_code, 2) << from_stdin.err;
    EXPECT_NE(from_stdin.err.find("standard input: it is a directory"), std::string::npos) << from_stdin.err;
    // A missing list says why.
    const auto missing = run_tlsaudit(fmt::format("scan '{}/missing.txt' -q --ndjson '{}'", dir_.string(), ndjson));
    EXPECT_EQ(missing.exit_code, 2);
    EXPECT_NE(missing.err.find("missing.txt: No such file or directory"), std::string::npos) << missing.err;
}

// The records of a name that does not resolve (address null) are read back by the reports
// and by report: a stricter reader refused them once, and the scan then stopped.
// A target list is often put together from untrusted sources: --dry-run's input errors
// show bidirectional and line-separator characters as escapes, never raw on the terminal.
TEST_F(cli, dry_run_input_errors_never_reach_the_terminal_raw) {
    const auto r = run_tlsaudit("scan - --dry-run",
                                "\xe2\x80\xae"
                                "evil:99999\n"
                                "a\xe2\x80\xa8"
                                "b:443:1\n");
    EXPECT_EQ(r.err.find("\xe2\x80\xae"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("\xe2\x80\xa8"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("line 1:"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("line 2:"), std::string::npos) << r.err;
}

TEST_F(cli, a_name_that_does_not_resolve_is_reported_like_any_error) {
    const std::string ndjson = (dir_ / "r.ndjson").string();
    const std::string json_report = (dir_ / "r.json").string();
    // A resolver that answers nothing (a closed loopback port): the name times out in DNS.
    const auto r = run_tlsaudit(fmt::format("scan - --resolver 127.0.0.1:9 --dns-timeout 0.5 --no-geoip --ndjson '{}' "
                                            "--json '{}' --fail-on-errors none",
                                            ndjson, json_report),
                                "nowhere.cli.test:443\n");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    const auto records = parse_lines(read_file(ndjson));
    ASSERT_EQ(records.size(), 1u);
    EXPECT_TRUE(records[0].at("address").is_null());
    EXPECT_EQ(records[0].at("error").at("code"), "dns");
    EXPECT_EQ(json::parse(read_file(json_report)).at("endpoints").as_array().size(), 1u);
    const auto again = run_tlsaudit(fmt::format("report '{}' --fail-on-errors none -q", ndjson));
    EXPECT_EQ(again.exit_code, 0) << again.err;
}

// Under --no-dedupe the summary is built as the records are written (no row kept per
// endpoint): a target listed twice counts twice there, once in `report` over the records.
TEST_F(cli, no_dedupe_streams_the_summary_and_counts_each_listing) {
    const std::string ndjson = (dir_ / "twice.ndjson").string();
    const auto r = run_tlsaudit(
        fmt::format("scan - --no-dedupe --retries 0 --no-geoip --no-revocation --ndjson '{}' --fail-on-errors none",
                    ndjson),
        "127.0.0.1:9\n127.0.0.1:9\n");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("2 endpoints (0 scanned, 2 failed to scan)"), std::string::npos) << r.out;
    EXPECT_EQ(parse_lines(read_file(ndjson)).size(), 2u);  // an endpoint record per listing
    const auto merged = run_tlsaudit(fmt::format("report '{}' --fail-on-errors none", ndjson));
    EXPECT_NE(merged.out.find("1 endpoint (0 scanned, 1 failed to scan)"), std::string::npos) << merged.out;
}

// An empty target list: the summary says so in words (it printed "validated):; 0 names").
TEST_F(cli, the_summary_of_an_empty_scan_reads_as_a_sentence) {
    const auto r = run_tlsaudit("scan - --ndjson /dev/null --fail-on-errors none --no-geoip");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("tlsaudit: 0 targets, 0 endpoints (0 scanned), 0 input errors"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("distinct chains validated): endpoints by status: none; 0 names"), std::string::npos) << r.err;
    // Its reports still name the rules catalogue in force (from the scan-start record).
    const auto json_path = (dir_ / "empty.json").string();
    const auto with_json =
        run_tlsaudit(fmt::format("scan - --json '{}' --fail-on-errors none --no-geoip -q", json_path));
    EXPECT_EQ(with_json.exit_code, 0) << with_json.err;
    const auto report = boost::json::parse(read_file(json_path));
    EXPECT_EQ(std::string(report.at("scan").at("rules_version").as_string()).rfind("tlsaudit-default-", 0), 0u)
        << report.at("scan");
}

TEST_F(cli, version_and_help) {
    const auto version = run_tlsaudit("--version");
    EXPECT_EQ(version.exit_code, 0);
    EXPECT_NE(version.out.find("tlsaudit 0."), std::string::npos) << version.out;
    const auto help = run_tlsaudit("scan --help");
    EXPECT_EQ(help.exit_code, 0);
    EXPECT_NE(help.out.find("Examples:"), std::string::npos);
    EXPECT_NE(help.out.find("--concurrency"), std::string::npos);
    const auto top = run_tlsaudit("--help");
    EXPECT_NE(top.out.find("Exit codes:"), std::string::npos);
    // rules has its own exit codes, not the scan's of the top-level help.
    const auto rules = run_tlsaudit("rules --help");
    EXPECT_NE(rules.out.find("Exit codes: 0 printed; 2 a --rules file"), std::string::npos) << rules.out;
    EXPECT_EQ(rules.out.find("--fail-on SEVERITY"), std::string::npos) << rules.out;
}

// heading -> the option names listed under it, headings in the order printed. A heading
// is an unindented line ending in ':' (Positionals, the examples and the footer's "Options
// may also..." line do not end so, or are not options).
std::vector<std::pair<std::string, std::vector<std::string>>> help_groups(const std::string& help) {
    std::vector<std::pair<std::string, std::vector<std::string>>> groups;
    std::istringstream in(help);
    for (std::string line; std::getline(in, line);) {
        if (line.empty()) continue;
        if (line.front() != ' ' && line.back() == ':') {
            groups.emplace_back(line.substr(0, line.size() - 1), std::vector<std::string>{});
        } else if (!groups.empty() && line.rfind("  -", 0) == 0) {
            groups.back().second.push_back(line.substr(2, line.find(' ', 2) - 2));
        }
    }
    return groups;
}

TEST_F(cli, help_lists_every_option_under_its_group_in_order) {
    const std::vector<std::string> order{"Targets",         "Network and pacing", "TLS and probes",
                                         "Trust and rules", "Revocation",         "Enrichment",
                                         "Outputs",         "CI policy",          "Sharding and resume"};
    struct expectation {
        std::string command;
        std::vector<std::string> headings;
    };
    const std::vector<expectation> commands{
        {"scan --help", order},
        {"report --help", {"Outputs", "CI policy"}},
        {"check --help", {"Targets", "Trust and rules", "Revocation", "Outputs", "CI policy"}},
    };
    for (const auto& c : commands) {
        SCOPED_TRACE(c.command);
        const auto r = run_tlsaudit(c.command);
        ASSERT_EQ(r.exit_code, 0) << r.err;
        // A flag that clears its setting is listed by its name ("--no-dedupe{false}" once).
        EXPECT_EQ(r.out.find("{false}"), std::string::npos) << r.out;
        std::vector<std::string> seen;
        std::size_t options = 0;
        for (const auto& [heading, names] : help_groups(r.out)) {
            if (heading == "Examples" || heading == "Positionals" || names.empty()) continue;
            if (heading == "Options") {
                // CLI11's default group: only its own -h,--help may be left there.
                EXPECT_EQ(names, std::vector<std::string>{"-h,--help"}) << r.out;
                continue;
            }
            seen.push_back(heading);
            options += names.size();
        }
        EXPECT_EQ(seen, c.headings) << r.out;
        EXPECT_GE(options, c.headings.size());
    }
    // The options that decide a CI run are where a CI user looks.
    const auto scan = help_groups(run_tlsaudit("scan --help").out);
    const auto ci = std::find_if(scan.begin(), scan.end(), [](const auto& g) { return g.first == "CI policy"; });
    ASSERT_NE(ci, scan.end());
    for (const auto* name : {"--fail-on", "--fail-on-new", "--fail-on-errors", "--baseline"})
        EXPECT_NE(std::find(ci->second.begin(), ci->second.end(), name), ci->second.end()) << name;
}

}  // namespace
}  // namespace tlsaudit::testing
