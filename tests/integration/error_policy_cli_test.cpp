// --fail-on-errors through the binary against the loopback lab: an audit that could not
// look does not pass (exit 4), the thresholds and class filters, input errors, what each
// report says about it, and baselines that keep unreachable endpoints' findings out of
// "resolved".

#include "../support/fake_scans.hpp"
#include "report_support.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <tuple>

namespace tlsaudit::testing {
namespace {

namespace json = boost::json;

constexpr int exit_scan_errors = 4;  // scanner/app/exit_codes.hpp

class error_policy_cli : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        std::vector<std::string> names;
        for (int i = 0; i < 10; ++i) names.push_back(fmt::format("g{}.policy.test", i));
        const auto h = lab::make_hierarchy(lab::key_kind::ec_p256, 1, names);
        root_pem_ = h.root.pem();
        lab::server_config good;
        good.chain = h.served_chain();
        good.leaf_key = h.leaf.k;
        servers_ = new lab::server_pool(1);
        good_port_ = servers_->start(good);
        closed_ = new std::vector<lab::closed_port>(2);
    }
    static void TearDownTestSuite() {
        delete closed_;
        delete servers_;
    }

    std::filesystem::path dir_ = std::filesystem::temp_directory_path() /
                                 fmt::format("tlsaudit-error-policy-{}-{}", ::getpid(),
                                             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    void SetUp() override {
        std::filesystem::create_directories(dir_);
        std::ofstream(dir_ / "root.pem") << root_pem_;
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }

    std::filesystem::path path(const std::string& name) const { return dir_ / name; }

    // `good` lines served by the lab (distinct names on one server, at most ten, all
    // trusted and matching) and `refused` lines naming closed ports (at most two).
    std::string targets(int good, int refused) const {
        std::string text;
        for (int i = 0; i < good; ++i) text += fmt::format("127.0.0.1:{} sni=g{}.policy.test\n", good_port_, i);
        for (int i = 0; i < refused; ++i)
            text += fmt::format("127.0.0.1:{}\n", (*closed_)[static_cast<std::size_t>(i)].port());
        return text;
    }

    std::string scan_args() const {
        return fmt::format(
            "--ca-file '{}' --no-revocation --no-geoip --concurrency 8 --connect-timeout 2 --handshake-timeout 3",
            path("root.pem").string());
    }

    // The records go to scan.ndjson, so the summary is on stdout.
    run_result scan(const std::string& targets_text, const std::string& args) const {
        std::ofstream(path("targets.txt")) << targets_text;
        return run_tlsaudit(fmt::format("scan '{}' {} --ndjson '{}' {}", path("targets.txt").string(), scan_args(),
                                        path("scan.ndjson").string(), args));
    }

    json::object load(const std::string& name) const { return json::parse(read_file(path(name))).as_object(); }

    static inline std::string root_pem_;
    static inline lab::server_pool* servers_ = nullptr;
    static inline std::uint16_t good_port_ = 0;
    static inline std::vector<lab::closed_port>* closed_ = nullptr;
};

// The HTML report's INCOMPLETE banner says why, as the terminal does: a missing shard is
// not an interrupted scan, and --resume would not help it (the banner said it was).
TEST_F(error_policy_cli, the_incomplete_banner_says_why) {
    const std::vector<std::tuple<std::string, std::string, bool>> cases{
        {"0/2", "1 shard of the run is missing (1/2)", false}, {"", "killed before its end: no scan-end record", true}};
    for (const auto& [shard, why, resumable] : cases) {
        SCOPED_TRACE(why);
        fake_scan scan;
        scan.shard = shard;
        scan.has_end = !resumable;
        scan.endpoints = {{"a.test", 443, "127.0.0.1", "", {sha('a')}, {}}};
        std::ofstream(path("s.ndjson")) << ndjson(scan);
        const auto r =
            run_tlsaudit(fmt::format("report '{}' --html '{}' --json '{}' --fail-on-errors none -q",
                                     path("s.ndjson").string(), path("s.html").string(), path("s.json").string()));
        EXPECT_EQ(r.exit_code, 0) << r.err;
        EXPECT_EQ(json::parse(read_file(path("s.json"))).at("scan").at("incomplete_reason"), why.c_str());
        const auto html =
            run_shell(fmt::format("node '{}/verdict_check.js' '{}'", tools_dir(), path("s.html").string()));
        ASSERT_EQ(html.exit_code, 0) << html.out;
        const auto seen = json::parse(html.out).as_object();
        EXPECT_TRUE(seen.at("incomplete_visible").as_bool());
        const std::string banner(seen.at("incomplete").as_string());
        EXPECT_NE(banner.find("INCOMPLETE: " + why), std::string::npos) << banner;
        EXPECT_EQ(banner.find("--resume") != std::string::npos, resumable) << banner;
    }
}

// The headline and the executive summary say what was judged: "every endpoint was scanned"
// only when it is so, REPORT ONLY (not a green PASS) when --fail-on none judged no finding,
// and the scan table names the policy of this report beside the options as scanned.
TEST_F(error_policy_cli, the_html_headline_says_what_was_judged) {
    struct html_case {
        std::string name;
        bool complete;
        bool findings;
        std::string args;
        std::string verdict;
        std::string summary;
    };
    const std::vector<html_case> cases{
        {"clean", true, false, "", "PASS", "No findings, and every endpoint was scanned."},
        {"cut", false, false, "--fail-on-errors none", "PASS",
         "the scan did not finish, so the others were not judged"},
        {"none", true, true, "--fail-on none", "REPORT ONLY", "hostname-mismatch"},
        {"empty", true, false, "--fail-on-errors none", "NOT VERIFIED", "No endpoint was scanned"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name);
        fake_scan scan;
        scan.complete = c.complete;
        scan.input = std::string(5000, 'i');  // a huge string is shown cut
        fake_endpoint e{"a.test", 443, "127.0.0.1", "", {sha('a')}, {}};
        if (c.findings)
            e.findings = {fake_finding{.id = "hostname-mismatch", .severity = "critical", .cert_sha256 = sha('a')}};
        if (c.name != "empty") scan.endpoints = {e};
        std::ofstream(path("s.ndjson")) << ndjson(scan);
        const auto r = run_tlsaudit(
            fmt::format("report '{}' --html '{}' -q {}", path("s.ndjson").string(), path("s.html").string(), c.args));
        ASSERT_NE(r.exit_code, 2) << r.err;
        const auto html =
            run_shell(fmt::format("node '{}/verdict_check.js' '{}'", tools_dir(), path("s.html").string()));
        ASSERT_EQ(html.exit_code, 0) << html.out;
        const auto seen = json::parse(html.out).as_object();
        EXPECT_EQ(std::string(seen.at("verdict").as_string()).rfind(c.verdict + ":", 0), 0u) << seen.at("verdict");
        const auto& summary = seen.at("summary").as_array();
        ASSERT_FALSE(summary.empty());
        EXPECT_NE(std::string(summary[0].as_string()).find(c.summary), std::string::npos) << summary[0];
        bool policy_row = false, input_row = false;
        for (const auto& row : seen.at("meta").as_array()) {
            const std::string text(row.as_string());
            policy_row = policy_row || text.rfind("policy of this report", 0) == 0;
            if (text.rfind("input", 0) != 0) continue;
            input_row = true;
            EXPECT_LT(text.size(), 1200u);
            EXPECT_NE(text.find("(4000 more characters; the JSON report holds the whole text)"), std::string::npos);
        }
        EXPECT_TRUE(policy_row);
        EXPECT_TRUE(input_row);
        // Which scan it is, under the title and in the page's title (the PDF's too).
        const std::string scan_line(seen.at("scan_line").as_string());
        EXPECT_EQ(scan_line.rfind("Scan of iii", 0), 0u) << scan_line;
        EXPECT_NE(scan_line.find(", started 2026-01-01 00:00:00 UTC; tlsaudit 0.1.0"), std::string::npos) << scan_line;
        EXPECT_NE(std::string(seen.at("title").as_string()).find("(2026-01-01)"), std::string::npos)
            << seen.at("title");
    }
}

TEST_F(error_policy_cli, every_target_refused_fails_by_default_and_passes_with_none) {
    const auto r = scan(targets(0, 2), "");
    EXPECT_EQ(r.exit_code, exit_scan_errors) << r.out << r.err;
    EXPECT_EQ(r.out.rfind("tlsaudit: FAIL", 0), 0u) << r.out;
    EXPECT_NE(r.out.find("scan errors: FAIL: 2 of 2 endpoints could not be scanned (2 refused)"), std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("NOT VERIFIED: no endpoint was scanned"), std::string::npos) << r.out;

    const auto none = scan(targets(0, 2), "--fail-on-errors none");
    EXPECT_EQ(none.exit_code, 0) << none.out << none.err;
    EXPECT_EQ(none.out.rfind("tlsaudit: NOT VERIFIED", 0), 0u) << "a pass over nothing scanned is no PASS\n"
                                                               << none.out;

    // The same records through `report`: the policy is the report's, not the scan's.
    const auto records = path("scan.ndjson").string();
    EXPECT_EQ(run_tlsaudit(fmt::format("report '{}' -q", records)).exit_code, exit_scan_errors);
    EXPECT_EQ(run_tlsaudit(fmt::format("report '{}' -q --fail-on-errors 2", records)).exit_code, 0);
    EXPECT_EQ(run_tlsaudit(fmt::format("report '{}' -q --fail-on-errors 1", records)).exit_code, exit_scan_errors);
}

TEST_F(error_policy_cli, a_share_tolerates_up_to_its_percentage) {
    const auto one = scan(targets(9, 1), "--fail-on-errors 10% -q");
    EXPECT_EQ(one.exit_code, 0) << "1 of 10 is not more than 10%\n" << one.err;
    const auto two = scan(targets(8, 2), "--fail-on-errors 10%");
    EXPECT_EQ(two.exit_code, exit_scan_errors) << two.out << two.err;
    EXPECT_NE(two.out.find("2 of 10 endpoints could not be scanned"), std::string::npos) << two.out;
    // The default tolerates anything short of nothing scanned.
    EXPECT_EQ(scan(targets(8, 2), "-q").exit_code, 0);
}

TEST_F(error_policy_cli, class_filters_count_only_their_classes) {
    EXPECT_EQ(scan(targets(8, 2), "--fail-on-errors 10%:dns,timeout-connect -q").exit_code, 0);
    EXPECT_EQ(scan(targets(8, 2), "--fail-on-errors 10%:refused -q").exit_code, exit_scan_errors);
    EXPECT_EQ(scan(targets(8, 2), "--fail-on-errors 1:refused -q").exit_code, exit_scan_errors);
    EXPECT_EQ(scan(targets(8, 2), "--fail-on-errors 2:refused -q").exit_code, 0);
    EXPECT_EQ(scan(targets(0, 2), "--fail-on-errors all:dns -q").exit_code, 0) << "nothing scanned, but no dns error";
    EXPECT_EQ(scan(targets(0, 2), "--fail-on-errors all:refused -q").exit_code, exit_scan_errors);
    // Refused before scanning: a typo in a class would silently count nothing.
    const auto typo = scan(targets(1, 0), "--fail-on-errors 10%:refsued");
    EXPECT_EQ(typo.exit_code, 2);
    EXPECT_NE(typo.err.find("unknown error class 'refsued'"), std::string::npos) << typo.err;
    EXPECT_EQ(scan(targets(1, 0), "--fail-on-errors 150%").exit_code, 2);
}

TEST_F(error_policy_cli, input_errors_only_fail_as_their_own_class) {
    const std::string bad = "not a target\nneither is this\n";
    const auto r = scan(bad, "");
    EXPECT_EQ(r.exit_code, exit_scan_errors) << r.out << r.err;
    EXPECT_NE(r.out.find("2 lines of the target list could not be read"), std::string::npos) << r.out;
    EXPECT_EQ(scan(bad, "-q --fail-on-errors all:refused").exit_code, 0);
    EXPECT_EQ(scan(bad, "-q --fail-on-errors 1:input-error").exit_code, exit_scan_errors);
    EXPECT_EQ(scan(bad, "-q --fail-on-errors 2:input-error").exit_code, 0);
    // One good target among them: input errors count towards a threshold, not towards "all".
    EXPECT_EQ(scan(targets(1, 0) + bad, "-q").exit_code, 0);
    EXPECT_EQ(scan(targets(1, 0) + bad, "-q --fail-on-errors 50%").exit_code, exit_scan_errors);
}

TEST_F(error_policy_cli, findings_win_over_scan_errors) {
    // A name mismatch (high) and a refused port under a policy that tolerates none.
    const auto text = targets(1, 1) + fmt::format("127.0.0.1:{} sni=wrong.policy.test\n", good_port_);
    const auto r = scan(text, fmt::format("--fail-on-errors 0 --json '{}'", path("both.json").string()));
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    const auto doc = load("both.json");
    EXPECT_EQ(doc.at("summary").at("verdict"), "fail");
    EXPECT_EQ(doc.at("summary").at("scan_errors").at("verdict"), "fail");
    EXPECT_EQ(scan(text, "--fail-on-errors 0 --fail-on none -q").exit_code, exit_scan_errors);
}

TEST_F(error_policy_cli, every_report_states_the_scan_errors) {
    const auto r = scan(targets(0, 2) + "not a target\n",
                        fmt::format("-q --json '{}' --junit '{}' --sarif '{}' --html '{}'", path("r.json").string(),
                                    path("r.xml").string(), path("r.sarif").string(), path("r.html").string()));
    ASSERT_EQ(r.exit_code, exit_scan_errors) << r.err;

    const auto json_ok = validate_json(path("r.json"));
    EXPECT_EQ(json_ok.exit_code, 0) << json_ok.out;
    const auto doc = load("r.json");
    EXPECT_EQ(doc.at("policy").at("fail_on_errors"), "all");
    EXPECT_EQ(doc.at("summary").at("verdict"), "fail");
    const auto& errors = doc.at("summary").at("scan_errors").as_object();
    EXPECT_EQ(errors.at("verdict"), "fail");
    EXPECT_EQ(errors.at("scanned").to_number<int>(), 0);
    EXPECT_EQ(errors.at("failed").to_number<int>(), 3);
    EXPECT_EQ(errors.at("by_class").at("refused").to_number<int>(), 2);
    EXPECT_EQ(errors.at("by_class").at("input-error").to_number<int>(), 1);
    EXPECT_EQ(std::string(doc.at("summary").at("verdict_text").as_string()).rfind("NOT VERIFIED", 0), 0u);

    const auto junit = read_junit(path("r.xml"));
    ASSERT_EQ(junit.exit_code, 0) << junit.out;
    const auto cases = json::parse(junit.out).as_object();
    EXPECT_EQ(cases.at("errors").to_number<int>(), 2) << junit.out;  // refused, input-error
    std::vector<std::string> types;
    for (const auto& t : cases.at("error_types").as_array()) types.emplace_back(t.as_string());
    std::sort(types.begin(), types.end());
    EXPECT_EQ(types, (std::vector<std::string>{"input-error", "refused"}));
    EXPECT_EQ(cases.at("skipped").to_number<int>(), 2) << "each refused endpoint stays a skipped testcase";

    const auto sarif_ok = validate_sarif(path("r.sarif"));
    EXPECT_EQ(sarif_ok.exit_code, 0) << sarif_ok.out;
    const auto sarif = load("r.sarif");
    const auto& invocation = sarif.at("runs").at(0).at("invocations").at(0).as_object();
    EXPECT_EQ(invocation.at("executionSuccessful"), false);
    std::vector<std::string> ids;
    for (const auto& n : invocation.at("toolExecutionNotifications").as_array()) {
        EXPECT_EQ(n.at("level"), "error");
        ids.emplace_back(n.at("descriptor").at("id").as_string());
    }
    EXPECT_EQ(ids, (std::vector<std::string>{"fail-on-errors", "input-error", "refused"}));

    const auto html = run_shell(fmt::format("node '{}/verdict_check.js' '{}'", tools_dir(), path("r.html").string()));
    ASSERT_EQ(html.exit_code, 0) << html.out;
    const auto seen = json::parse(html.out).as_object();
    ASSERT_FALSE(seen.contains("error")) << seen.at("error");
    EXPECT_TRUE(seen.at("page_errors").as_array().empty()) << json::serialize(seen.at("page_errors"));
    EXPECT_EQ(std::string(seen.at("verdict").as_string()).rfind("FAIL", 0), 0u) << seen.at("verdict");
    EXPECT_FALSE(seen.at("incomplete_visible").as_bool()) << "the scan ran to its end";
    EXPECT_TRUE(seen.at("scan_errors_visible").as_bool());
    EXPECT_NE(std::string(seen.at("scan_errors").as_string()).find("2 of 2 endpoints could not be scanned"),
              std::string::npos)
        << seen.at("scan_errors");

    // A run within its policy: SARIF says so, and JUnit has no error suite.
    const auto fine = scan(
        targets(1, 1), fmt::format("-q --junit '{}' --sarif '{}'", path("f.xml").string(), path("f.sarif").string()));
    ASSERT_EQ(fine.exit_code, 0) << fine.err;
    EXPECT_EQ(json::parse(read_junit(path("f.xml")).out).at("errors").to_number<int>(), 0);
    const auto fine_sarif = load("f.sarif");
    const auto& fine_run = fine_sarif.at("runs").at(0).at("invocations").at(0).as_object();
    EXPECT_EQ(fine_run.at("executionSuccessful"), true);
    EXPECT_EQ(fine_run.at("toolExecutionNotifications").at(0).at("level"), "warning");
}

// Yesterday an endpoint served a chain with a finding; today it refuses connections.
// Its finding is not "resolved": nothing was seen.
TEST_F(error_policy_cli, a_baseline_endpoint_that_now_fails_is_not_verified) {
    std::uint16_t port = 0;
    {
        lab::server_pool pool(1);
        const auto h = lab::make_hierarchy(lab::key_kind::ec_p256, 1, {"other.policy.test"});
        lab::server_config config;
        config.chain = h.served_chain();
        config.leaf_key = h.leaf.k;
        port = pool.start(config);
        std::ofstream(path("targets.txt")) << fmt::format("127.0.0.1:{} sni=gone.policy.test\n", port);
        const auto old =
            run_tlsaudit(fmt::format("scan '{}' {} --json '{}' --fail-on none -q", path("targets.txt").string(),
                                     scan_args(), path("old.json").string()));
        ASSERT_EQ(old.exit_code, 0) << old.err;
        ASSERT_GE(load("old.json").at("summary").at("findings").to_number<int>(), 1) << "a mismatch, untrusted root";
    }
    // The pool is gone: its port refuses now.
    const auto today = run_tlsaudit(
        fmt::format("scan '{}' {} --ndjson '{}' --baseline '{}' --json '{}' --html '{}' --fail-on-errors none",
                    path("targets.txt").string(), scan_args(), path("new.ndjson").string(), path("old.json").string(),
                    path("new.json").string(), path("new.html").string()));
    ASSERT_EQ(today.exit_code, 0) << today.err;
    const auto doc = load("new.json");
    ASSERT_EQ(doc.at("summary").at("endpoints_error").to_number<int>(), 1) << "the port must refuse now";
    EXPECT_TRUE(doc.at("baseline").at("resolved").as_array().empty()) << json::serialize(doc.at("baseline"));
    const auto& unseen = doc.at("baseline").at("not_verified").as_array();
    ASSERT_FALSE(unseen.empty());
    for (const auto& f : unseen) EXPECT_EQ(f.at("port").to_number<int>(), port);
    EXPECT_EQ(validate_json(path("new.json")).exit_code, 0);
    EXPECT_NE(today.out.find("0 resolved, " + std::to_string(unseen.size()) + " not verified"), std::string::npos)
        << today.out;
    EXPECT_EQ(today.out.find("  resolved "), std::string::npos) << today.out;

    const auto html = run_shell(fmt::format("node '{}/verdict_check.js' '{}'", tools_dir(), path("new.html").string()));
    ASSERT_EQ(html.exit_code, 0) << html.out;
    const auto seen = json::parse(html.out).as_object();
    ASSERT_FALSE(seen.contains("error")) << seen.at("error");
    EXPECT_TRUE(seen.at("not_verified_visible").as_bool());
    EXPECT_EQ(seen.at("not_verified").as_array().size(), unseen.size());
    EXPECT_EQ(seen.at("resolved").as_array().size(), 1u) << "the 'none' placeholder only";
    EXPECT_EQ(std::string(seen.at("verdict").as_string()).rfind("NOT VERIFIED", 0), 0u) << seen.at("verdict");
}

}  // namespace
}  // namespace tlsaudit::testing
