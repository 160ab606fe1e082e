// Reports end to end: `tlsaudit scan` and `tlsaudit report` against the loopback lab;
// JSON validated against report/schema, SARIF against the published 2.1.0 schema, JUnit
// read by junitparser; exit codes; baselines; merging shards; what goes to stdout.

#include "report_support.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <boost/json/serialize.hpp>

namespace tlsaudit::testing {
namespace {

namespace json = boost::json;

class report_cli : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        lab_ = new report_lab();
        const auto& dir = lab_->dir();
        full_ =
            run_tlsaudit(fmt::format("scan '{}' {} --ndjson '{}' --json '{}' --sarif '{}' --junit '{}' --csv '{}'",
                                     (dir / "targets.txt").string(), lab_->scan_args(), (dir / "full.ndjson").string(),
                                     (dir / "full.json").string(), (dir / "full.sarif").string(),
                                     (dir / "full.xml").string(), (dir / "full.csv").string()));
    }
    static void TearDownTestSuite() {
        delete lab_;
        lab_ = nullptr;
    }
    static std::filesystem::path path(const std::string& name) { return lab_->dir() / name; }
    static json::object load(const std::string& name) { return json::parse(read_file(path(name))).as_object(); }

    static inline report_lab* lab_ = nullptr;
    static inline run_result full_;
};

TEST_F(report_cli, scan_writes_every_format_and_fails_on_high) {
    EXPECT_EQ(full_.exit_code, 1) << "hostname-mismatch is high: the default --fail-on high fails\n" << full_.err;
    const auto doc = load("full.json");
    EXPECT_EQ(doc.at("format"), "tlsaudit-report");
    EXPECT_EQ(doc.at("summary").at("verdict"), "fail");
    EXPECT_EQ(doc.at("summary").at("endpoints").to_number<int>(), 4);
    EXPECT_EQ(doc.at("summary").at("input_errors").to_number<int>(), 1);
    EXPECT_GE(doc.at("summary").at("by_id").at("hostname-mismatch").to_number<int>(), 1);
    EXPECT_EQ(doc.at("summary").at("by_error").at("refused").to_number<int>(), 1);
    EXPECT_FALSE(doc.at("scan").at("tool_version").as_string().empty());
    EXPECT_FALSE(doc.at("scan").at("started_at").is_null());
    EXPECT_FALSE(doc.at("scan").at("finished_at").is_null());
    EXPECT_EQ(doc.at("scan").at("options").at("concurrency").to_number<int>(), 8);
    // The summary goes to stdout (the records went to a file), worst first.
    EXPECT_EQ(full_.out.rfind("tlsaudit: FAIL", 0), 0u) << full_.out;
    EXPECT_NE(full_.out.find("hostname-mismatch"), std::string::npos);
    EXPECT_EQ(full_.out.find('\x1b'), std::string::npos) << "not a terminal: no colours";
    EXPECT_NE(read_file(path("full.csv")).find("hostname-mismatch"), std::string::npos);
}

TEST_F(report_cli, json_report_validates_against_the_schema_and_a_violation_is_caught) {
    const auto ok = validate_json(path("full.json"));
    EXPECT_EQ(ok.exit_code, 0) << ok.out;

    auto broken = load("full.json");
    broken["summary"].as_object()["verdict"] = "maybe";
    broken["endpoints"].as_array()[0].as_object().erase("status");
    std::ofstream(path("broken.json")) << json::serialize(broken);
    EXPECT_EQ(validate_json(path("broken.json")).exit_code, 1) << "the schema must reject a broken report";

    // A negative serial (a hostile or broken certificate) keeps its sign and still validates.
    auto serials = load("full.json");
    for (auto& endpoint : serials["endpoints"].as_array())
        for (auto& cert : endpoint.as_object()["chain"].as_array()) cert.as_object()["serial"] = "-01";
    std::ofstream(path("negative.json")) << json::serialize(serials);
    const auto negative = validate_json(path("negative.json"));
    EXPECT_EQ(negative.exit_code, 0) << negative.out;

    auto extra = load("full.json");
    extra["endpoints"].as_array()[0].as_object()["undocumented"] = 1;
    std::ofstream(path("extra.json")) << json::serialize(extra);
    EXPECT_EQ(validate_json(path("extra.json")).exit_code, 1) << "unknown keys are not allowed";
}

TEST_F(report_cli, sarif_validates_against_the_published_schema) {
    const auto r = validate_sarif(path("full.sarif"));
    EXPECT_EQ(r.exit_code, 0) << r.out;
    const auto doc = load("full.sarif");
    const auto& results = doc.at("runs").at(0).at("results").as_array();
    ASSERT_FALSE(results.empty());
    bool mismatch = false;
    for (const auto& result : results) mismatch |= result.at("ruleId") == "hostname-mismatch";
    EXPECT_TRUE(mismatch);
    auto broken = doc;
    broken["version"] = "2.0.0";
    std::ofstream(path("broken.sarif")) << json::serialize(broken);
    EXPECT_EQ(validate_sarif(path("broken.sarif")).exit_code, 1);
}

TEST_F(report_cli, junit_is_read_by_junitparser) {
    const auto r = read_junit(path("full.xml"));
    ASSERT_EQ(r.exit_code, 0) << r.out;
    const auto summary = json::parse(r.out).as_object();
    EXPECT_EQ(summary.at("tests").to_number<int>(), 4) << r.out;  // 4 endpoints, no name-level result
    EXPECT_GE(summary.at("failures").to_number<int>(), 1);
    EXPECT_EQ(summary.at("skipped").to_number<int>(), 1) << "the refused port";
    bool mismatch = false;
    for (const auto& t : summary.at("failure_types").as_array()) mismatch |= t == "hostname-mismatch";
    EXPECT_TRUE(mismatch);
}

TEST_F(report_cli, exit_code_matrix) {
    const auto in = path("full.ndjson").string();
    struct row {
        std::string args;
        int code;
    };
    const std::vector<row> matrix{
        {"", 1},  // default --fail-on high, a high finding
        {"--fail-on critical", 0},
        {"--fail-on none", 0},
        {"--fail-on info", 1},
        {"--fail-on severe", 2},  // not a severity
        {"--baseline /nonexistent/old.json", 2},
        {"--json /nonexistent-dir/r.json", 2},  // cannot write the output (found first)
    };
    for (const auto& m : matrix) {
        const auto r = run_tlsaudit(fmt::format("report '{}' -q {}", in, m.args));
        EXPECT_EQ(r.exit_code, m.code) << m.args << "\n" << r.err;
    }
    // A damaged record is refused with its file and line, as is a line that is not JSON.
    std::ofstream(path("garbage.ndjson")) << "{\"type\":\"endpoint\"}\nnot json\n";
    const auto garbage = run_tlsaudit(fmt::format("report '{}'", path("garbage.ndjson").string()));
    EXPECT_EQ(garbage.exit_code, 2);
    EXPECT_NE(garbage.err.find("garbage.ndjson:1: not a tlsaudit record: no schema_version"), std::string::npos)
        << garbage.err;
    std::ofstream(path("garbage.ndjson")) << read_file(in).substr(0, read_file(in).find('\n') + 1) << "not json\n";
    const auto not_json = run_tlsaudit(fmt::format("report '{}'", path("garbage.ndjson").string()));
    EXPECT_EQ(not_json.exit_code, 2);
    EXPECT_NE(not_json.err.find("garbage.ndjson:2"), std::string::npos) << not_json.err;
    EXPECT_EQ(run_tlsaudit("report /nonexistent/scan.ndjson").exit_code, 2);
    // scan itself: --fail-on none turns findings into exit 0; a bad value is a usage error.
    const auto none =
        run_tlsaudit(fmt::format("scan '{}' {} --ndjson '{}' --fail-on none -q", path("targets.txt").string(),
                                 lab_->scan_args(), path("none.ndjson").string()));
    EXPECT_EQ(none.exit_code, 0) << none.err;
    EXPECT_TRUE(none.out.empty()) << "-q: no summary";
    EXPECT_EQ(run_tlsaudit("scan - --fail-on severe", "").exit_code, 2);
}

// What a killed scan leaves: records without their scan-end, the last one cut short. The
// report says INCOMPLETE and fails under every error policy but none (it said PASS, exit 0,
// for the first; it refused the whole file, exit 2, for the second).
TEST_F(report_cli, a_scan_that_did_not_finish_is_incomplete_not_a_pass) {
    const std::string full = read_file(path("full.ndjson"));
    const std::string without_end = full.substr(0, full.rfind("{\"schema_version\":2,\"type\":\"scan-end\""));
    ASSERT_LT(without_end.size(), full.size());
    std::ofstream(path("killed.ndjson")) << without_end;
    const std::string last_record = without_end.substr(without_end.rfind('\n', without_end.size() - 2) + 1);
    std::ofstream(path("cut.ndjson")) << without_end << last_record.substr(0, last_record.size() / 2);
    for (const char* name : {"killed.ndjson", "cut.ndjson"}) {
        const auto r = run_tlsaudit(fmt::format("report '{}' --fail-on none", path(name).string()));
        EXPECT_EQ(r.exit_code, 4) << name << "\n" << r.err;
        EXPECT_EQ(r.out.rfind("tlsaudit: INCOMPLETE — ", 0), 0u) << name << "\n" << r.out;
        EXPECT_NE(r.out.find("scan errors: FAIL: the scan did not finish"), std::string::npos) << r.out;
        EXPECT_NE(r.out.find("\nINCOMPLETE: "), std::string::npos) << r.out;
        const auto lenient =
            run_tlsaudit(fmt::format("report '{}' --fail-on none --fail-on-errors none --json -", path(name).string()));
        EXPECT_EQ(lenient.exit_code, 0) << name << "\n" << lenient.err;
        const auto doc = json::parse(lenient.out).as_object();
        EXPECT_EQ(doc.at("scan").at("complete"), false) << name;
    }
    // Findings still decide first: a high finding fails with 1.
    EXPECT_EQ(run_tlsaudit(fmt::format("report '{}' -q", path("cut.ndjson").string())).exit_code, 1);
    // A damaged line that is not the last is damage, as before.
    std::ofstream(path("middle.ndjson")) << without_end.substr(0, without_end.size() / 2) << "\n" << full;
    EXPECT_EQ(run_tlsaudit(fmt::format("report '{}' -q", path("middle.ndjson").string())).exit_code, 2);
    // So is a last line that is not the start of a record, with or without a line break after
    // it (garbage, a target list given by mistake): it was taken for a killed scan, exit 0
    // under --fail-on-errors none.
    std::ofstream(path("garbage.ndjson")) << "garbage";
    std::ofstream(path("tail.ndjson")) << full << "example.com:443";
    for (const char* name : {"garbage.ndjson", "tail.ndjson"})
        EXPECT_EQ(run_tlsaudit(fmt::format("report '{}' -q --fail-on-errors none", path(name).string())).exit_code, 2)
            << name;
}

// A file a running scan holds (its lock, as tlsaudit scan holds its NDJSON) is the results so
// far, not a killed scan's: no advice to resume a scan that is still running.
TEST_F(report_cli, a_file_a_running_scan_holds_is_said_to_be_still_running) {
    const std::string full = read_file(path("full.ndjson"));
    std::ofstream(path("running.ndjson")) << full.substr(0, full.rfind("{\"schema_version\":2,\"type\":\"scan-end\""));
    // The running scan: an exclusive flock on the file, as tlsaudit scan takes on its NDJSON.
    const int held = ::open(path("running.ndjson").c_str(), O_WRONLY | O_CLOEXEC);
    ASSERT_GE(held, 0);
    ASSERT_EQ(::flock(held, LOCK_EX | LOCK_NB), 0);
    const auto r = run_tlsaudit(fmt::format("report '{}' --fail-on none", path("running.ndjson").string()));
    ::close(held);
    EXPECT_EQ(r.exit_code, 4) << r.err;
    EXPECT_NE(r.out.find("INCOMPLETE: the scan did not finish (still running: a scan was writing"), std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("report it again once the scan has ended"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("killed"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("--resume"), std::string::npos) << r.out;
    // Once the lock is gone, it reads as a killed scan's, as before.
    const auto later = run_tlsaudit(fmt::format("report '{}' --fail-on none", path("running.ndjson").string()));
    EXPECT_NE(later.out.find("killed before its end"), std::string::npos) << later.out;
}

TEST_F(report_cli, baseline_marks_new_unchanged_and_resolved) {
    // Yesterday: only the good endpoint and the mismatch were scanned.
    const auto part = lab_->write_targets("part.txt", {0, 3});
    const auto old = run_tlsaudit(fmt::format("scan '{}' {} --json '{}' --fail-on none -q", part.string(),
                                              lab_->scan_args(), path("old.json").string()));
    ASSERT_EQ(old.exit_code, 0) << old.err;
    // Today: everything. The mismatch on wrong.report.test and the XSS endpoint are new.
    const auto r =
        run_tlsaudit(fmt::format("report '{}' --baseline '{}' --json '{}' --fail-on-new", path("full.ndjson").string(),
                                 path("old.json").string(), path("diff.json").string()));
    EXPECT_EQ(r.exit_code, 1) << r.err;
    const auto doc = load("diff.json");
    EXPECT_EQ(validate_json(path("diff.json")).exit_code, 0);
    EXPECT_GE(doc.at("baseline").at("new").to_number<int>(), 1);
    for (const auto& e : doc.at("endpoints").as_array())
        for (const auto& f : e.at("findings").as_array()) EXPECT_FALSE(f.at("baseline").is_null());
    EXPECT_NE(r.out.find("baseline:"), std::string::npos) << r.out;

    // The same scan as its own baseline: nothing new, so --fail-on-new passes.
    const auto same =
        run_tlsaudit(fmt::format("report '{}' --baseline '{}' --fail-on-new --json '{}'", path("full.ndjson").string(),
                                 path("full.json").string(), path("same.json").string()));
    EXPECT_EQ(same.exit_code, 0) << same.out << same.err;
    EXPECT_EQ(load("same.json").at("baseline").at("new").to_number<int>(), 0);
    EXPECT_TRUE(load("same.json").at("baseline").at("resolved").as_array().empty());

    // Reversed: today's report as the baseline of yesterday's scan lists resolved findings.
    const auto rev = run_tlsaudit(fmt::format("report '{}' --baseline '{}' --json '{}' --fail-on none -q",
                                              path("full.ndjson").string(), path("old.json").string(),
                                              path("unused.json").string()));
    EXPECT_EQ(rev.exit_code, 0);
}

// Keys that legitimately differ between a sharded and an unsharded scan: when each
// endpoint was scanned, and the line number in the (split) target file.
json::value normalise(json::value v) {
    if (v.is_object()) {
        auto& o = v.as_object();
        o.erase("scanned_at");
        o.erase("line");
        for (auto& kv : o) kv.value() = normalise(kv.value());
    } else if (v.is_array()) {
        for (auto& item : v.as_array()) item = normalise(item);
    }
    return v;
}

TEST_F(report_cli, merging_two_shards_equals_the_unsharded_report) {
    const auto a = lab_->write_targets("shard-a.txt", {0, 3});
    const auto b = lab_->write_targets("shard-b.txt", {4, 2, 1});
    for (const auto& [targets, out] : {std::pair{a, path("a.ndjson")}, std::pair{b, path("b.ndjson")}}) {
        const auto r = run_tlsaudit(fmt::format("scan '{}' {} --ndjson '{}' --fail-on none -q", targets.string(),
                                                lab_->scan_args(), out.string()));
        ASSERT_EQ(r.exit_code, 0) << r.err;
    }
    const auto merged = run_tlsaudit(fmt::format("report '{}' '{}' --json '{}' -q", path("b.ndjson").string(),
                                                 path("a.ndjson").string(), path("merged.json").string()));
    const auto single = run_tlsaudit(
        fmt::format("report '{}' --json '{}' -q", path("full.ndjson").string(), path("single.json").string()));
    EXPECT_EQ(merged.exit_code, single.exit_code);
    auto m = load("merged.json");
    auto s = load("single.json");
    EXPECT_EQ(m.at("scan").at("shards").to_number<int>(), 2);
    for (const auto* key : {"policy", "summary", "names", "endpoints", "input_errors"})
        EXPECT_EQ(json::serialize(normalise(m.at(key))), json::serialize(normalise(s.at(key)))) << key;
    EXPECT_EQ(validate_json(path("merged.json")).exit_code, 0);
    EXPECT_TRUE(m.at("scan").at("settings_differ").as_array().empty()) << "same settings, other targets";

    // A part scanned with other settings (another validation profile, an evaluation time of
    // its own) is said to differ, in the JSON report and on the terminal; pacing is no setting.
    const auto c = lab_->write_targets("shard-c.txt", {1});
    const auto other =
        run_tlsaudit(fmt::format("scan '{}' {} --ndjson '{}' --fail-on none -q --profile openssl "
                                 "--at 2026-01-01 --retries 3",
                                 c.string(), lab_->scan_args(), path("c.ndjson").string()));
    ASSERT_EQ(other.exit_code, 0) << other.err;
    const auto mixed =
        run_tlsaudit(fmt::format("report '{}' '{}' --json '{}' --fail-on none", path("a.ndjson").string(),
                                 path("c.ndjson").string(), path("mixed.json").string()));
    EXPECT_EQ(mixed.exit_code, 0) << mixed.err;
    std::vector<std::string> keys;
    const auto report = load("mixed.json");
    for (const auto& k : report.at("scan").at("settings_differ").as_array()) keys.emplace_back(k.as_string());
    EXPECT_EQ(keys, (std::vector<std::string>{"at", "profile"}));
    EXPECT_NE((mixed.out + mixed.err).find("MIXED SETTINGS: the inputs were scanned with different at, profile"),
              std::string::npos)
        << mixed.err;
    EXPECT_EQ(validate_json(path("mixed.json")).exit_code, 0);

    // Another rules catalogue, even under one path edited between shards: the first input's
    // names the report, and the difference is said.
    std::ofstream(path("rules.json")) << R"({"version": "acme-1", "extends": "default", "rules": []})";
    const auto rules_scan = [&](const char* ndjson) {
        return run_tlsaudit(fmt::format("scan '{}' {} --ndjson '{}' --fail-on none -q --rules '{}'", c.string(),
                                        lab_->scan_args(), path(ndjson).string(), path("rules.json").string()));
    };
    ASSERT_EQ(rules_scan("d.ndjson").exit_code, 0);
    std::ofstream(path("rules.json")) << R"({"version": "acme-2", "extends": "default", "rules": []})";
    ASSERT_EQ(rules_scan("e.ndjson").exit_code, 0);
    for (const auto& [first, second, version] :
         {std::tuple{"d.ndjson", "e.ndjson", "acme-1"}, std::tuple{"e.ndjson", "d.ndjson", "acme-2"}}) {
        const auto both = run_tlsaudit(fmt::format("report '{}' '{}' --json '{}' --fail-on none", path(first).string(),
                                                   path(second).string(), path("rules-mixed.json").string()));
        EXPECT_EQ(both.exit_code, 0) << both.err;
        const auto merged_scan = load("rules-mixed.json").at("scan");
        EXPECT_EQ(merged_scan.at("rules_version"), version);
        keys.clear();
        for (const auto& k : merged_scan.at("settings_differ").as_array()) keys.emplace_back(k.as_string());
        EXPECT_EQ(keys, (std::vector<std::string>{"rules_version"}));
    }
}

TEST_F(report_cli, stdout_carries_data_only) {
    // Records to stdout (no --ndjson file): every stdout line is a JSON record, the
    // summary goes to stderr, and the reports still see every record.
    const auto input = read_file(path("targets.txt"));
    const auto r = run_tlsaudit(
        fmt::format("scan - {} --ndjson - --json '{}' --fail-on none", lab_->scan_args(), path("stdout.json").string()),
        input);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::istringstream lines(r.out);
    std::string line;
    std::size_t endpoints = 0;
    while (std::getline(lines, line)) {
        const auto rec = json::parse(line).as_object();
        if (rec.at("type") == "endpoint") ++endpoints;
    }
    EXPECT_EQ(endpoints, 4u);
    EXPECT_NE(r.err.find("tlsaudit: PASS"), std::string::npos) << r.err;
    EXPECT_EQ(load("stdout.json").at("summary").at("endpoints").to_number<int>(), 4);
    // Reports requested without --ndjson: the records go to a temporary file, stdout
    // carries the summary only.
    const auto s = run_tlsaudit(
        fmt::format("scan - {} --json '{}' --fail-on none", lab_->scan_args(), path("stdout2.json").string()), input);
    EXPECT_EQ(s.exit_code, 0) << s.err;
    EXPECT_EQ(s.out.rfind("tlsaudit: PASS", 0), 0u) << s.out;
    EXPECT_EQ(load("stdout2.json").at("summary").at("endpoints").to_number<int>(), 4);
}

// A scan whose only output is the terminal summary builds it from the records as it
// writes them; `report` over the same records reads them back. Same text, same exit code,
// whatever the policy and whether every endpoint, none or some could be scanned.
TEST_F(report_cli, summary_built_while_scanning_equals_the_report_of_the_records) {
    struct run {
        std::string name;
        std::vector<int> targets;
        std::string policy;
        int code;
    };
    const std::vector<run> runs{
        {"mixed", {0, 1, 2, 3, 4}, "", 1},
        {"errors", {0, 1, 2, 3, 4}, "--fail-on none --fail-on-errors 0", 4},
        {"share", {0, 1, 2, 3, 4}, "--fail-on critical --fail-on-errors 10%:refused", 4},
        {"clean", {0}, "", 0},
        {"unscanned", {3, 4}, "", 4},
    };
    for (const auto& r : runs) {
        const auto targets = lab_->write_targets("summary-" + r.name + ".txt", r.targets);
        const auto records = path("summary-" + r.name + ".ndjson").string();
        const auto scan = run_tlsaudit(
            fmt::format("scan '{}' {} --ndjson '{}' {}", targets.string(), lab_->scan_args(), records, r.policy));
        const auto report = run_tlsaudit(fmt::format("report '{}' {}", records, r.policy));
        EXPECT_EQ(scan.exit_code, r.code) << r.name << "\n" << scan.err;
        EXPECT_EQ(report.exit_code, scan.exit_code) << r.name;
        ASSERT_FALSE(scan.out.empty()) << r.name;
        EXPECT_EQ(scan.out, report.out) << r.name;
    }
    // Records on stdout: the summary goes to stderr, after everything else there.
    const auto scan = run_tlsaudit(fmt::format("scan '{}' {}", path("summary-mixed.txt").string(), lab_->scan_args()));
    std::ofstream(path("summary-stdout.ndjson")) << scan.out;
    const auto report = run_tlsaudit(fmt::format("report '{}'", path("summary-stdout.ndjson").string()));
    EXPECT_EQ(scan.exit_code, 1) << scan.err;
    EXPECT_EQ(report.exit_code, 1);
    ASSERT_FALSE(report.out.empty());
    EXPECT_TRUE(scan.err.ends_with(report.out)) << scan.err << "\n---\n" << report.out;
}

}  // namespace
}  // namespace tlsaudit::testing
