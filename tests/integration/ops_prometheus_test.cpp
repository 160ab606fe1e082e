// --prometheus through the real binary against the demo lab, the file checked by promtool
// (Debian package prometheus), and the sample alerting rules in samples/deploy/prometheus
// checked and unit-tested by promtool. promtool missing is a failure, not a skip.

#include "ops_support.hpp"

#include <tlsaudit/lab/demo.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <map>
#include <optional>
#include <regex>
#include <string>

namespace tlsaudit::testing {
namespace {

namespace json = boost::json;

const std::filesystem::path rules_dir = std::filesystem::path(TLSAUDIT_SOURCE_DIR) / "samples/deploy/prometheus";

// Runs promtool ARGS (stdin: `input`); fails the test when promtool is not installed.
run_result promtool(const std::string& args, const std::string& input = "") {
    const auto found = run_command("command -v promtool");
    EXPECT_EQ(found.exit_code, 0) << "promtool not found: install the Debian package 'prometheus' (scripts/setup.sh)";
    return run_command("promtool " + args, input);
}

// The sample value of the one line that starts with `series` (name and labels exactly).
std::optional<long long> value_of(const std::string& metrics, const std::string& series) {
    for (const auto& line : lines_of(metrics))
        if (line.starts_with(series + " ")) return std::stoll(line.substr(series.size() + 1));
    return std::nullopt;
}

std::size_t lines_matching(const std::string& metrics, const std::string& pattern) {
    const std::regex re(pattern);
    std::size_t n = 0;
    for (const auto& line : lines_of(metrics)) n += std::regex_search(line, re) ? 1 : 0;
    return n;
}

class prometheus_cli : public ops_dir {
protected:
    // Scans the demo lab (records in scan.ndjson), returns the metrics file's text.
    std::string scan_demo_lab(const lab::demo_lab& lab) {
        const auto targets = write("targets.txt", lab.targets_text());
        const auto r = run_tlsaudit(fmt::format(
            "scan '{}' --resolver {} --no-revocation --no-geoip -q --fail-on none --ndjson '{}' --prometheus '{}'",
            targets, lab.resolver(), (dir_ / "scan.ndjson").string(), (dir_ / "scan.prom").string()));
        EXPECT_EQ(r.exit_code, 0) << r.err;
        return read_file(dir_ / "scan.prom");
    }
};

TEST_F(prometheus_cli, demo_lab_metrics_pass_promtool_and_say_what_the_lab_serves) {
    lab::demo_lab lab;
    const auto metrics = scan_demo_lab(lab);
    const auto check = promtool("check metrics", metrics);
    EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
    EXPECT_EQ(check.out + check.err, "");  // no lint complaint either

    EXPECT_EQ(value_of(metrics, "tlsaudit_scan_complete"), 1);
    EXPECT_EQ(value_of(metrics, "tlsaudit_endpoints"), static_cast<long long>(lab.expected_records()));
    std::map<std::string, long long> errors;
    for (const auto& e : lab.endpoints())
        if (!e.expected_error.empty()) errors[e.expected_error] += static_cast<long long>(e.nodes.size());
    ASSERT_FALSE(errors.empty());
    for (const auto& [code, n] : errors)
        EXPECT_EQ(value_of(metrics, fmt::format("tlsaudit_endpoints_failed{{error=\"{}\"}}", code)), n) << code;
    EXPECT_EQ(lines_matching(metrics, "^tlsaudit_endpoints_failed\\{"), errors.size()) << metrics;

    // The retired intermediate: old.demo.test, one node of shop.demo.test, dual.demo.test's RSA chain.
    for (const auto* sni : {"old.demo.test", "dual.demo.test"})
        EXPECT_EQ(
            lines_matching(metrics, fmt::format("^tlsaudit_endpoint_findings\\{{.*sni=\"{}\".*finding=\"deprecated-"
                                                "intermediate\",rule=\"globalsign-rsa-dv-ssl-ca-2018\"",
                                                sni)),
            1u)
            << sni;
    EXPECT_EQ(lines_matching(metrics,
                             "^tlsaudit_endpoint_findings\\{host=\"shop\\.demo\\.test\".*rule=\"globalsign-"
                             "rsa-dv-ssl-ca-2018\""),
              1u);
    EXPECT_EQ(lines_matching(metrics, "^tlsaudit_leaf_info\\{.*sni=\"dual\\.demo\\.test\",.*chain=\"1\""), 1u);

    // "leaf expired ten days ago" (a little more or less by the scan's second).
    const std::regex expired(
        "^tlsaudit_leaf_time_to_expiry_seconds\\{[^}]*sni=\"expired\\.demo\\.test\"[^}]*\\} (-?\\d+)$");
    std::optional<long long> left;
    for (const auto& line : lines_of(metrics))
        if (std::smatch m; std::regex_match(line, m, expired)) left = std::stoll(m[1]);
    ASSERT_TRUE(left) << metrics;
    EXPECT_NEAR(static_cast<double>(*left), -10.0 * 86400, 2 * 86400);

    // The sample rules select metrics the writer really produces.
    const auto rules = read_file(rules_dir / "tlsaudit-alerts.yml");
    const std::regex name("tlsaudit_[a-z_]+");
    std::size_t names = 0;
    for (auto it = std::sregex_iterator(rules.begin(), rules.end(), name); it != std::sregex_iterator(); ++it, ++names)
        EXPECT_GT(lines_matching(metrics, "^" + it->str() + "[{ ]"), 0u) << it->str();
    EXPECT_GE(names, 4u);

    // `report` renders the same records into the same file.
    const auto again = run_tlsaudit(fmt::format("report '{}' -q --fail-on none --prometheus '{}'",
                                                (dir_ / "scan.ndjson").string(), (dir_ / "report.prom").string()));
    ASSERT_EQ(again.exit_code, 0) << again.err;
    EXPECT_EQ(read_file(dir_ / "report.prom"), metrics);
}

TEST_F(prometheus_cli, hostile_names_and_subjects_in_the_records_keep_the_file_valid) {
    lab::demo_lab lab;
    scan_demo_lab(lab);
    const std::string hostile = "x\"} 1\n# TYPE tlsaudit_endpoints counter\ntlsaudit_evil{a=\"\\\"} 2\n\\\u202e\r" +
                                std::string(1, '\0') + "\x01";
    std::string records;
    int changed = 0;
    std::size_t parsed_leaves = 0;
    for (const auto& line : lines_of(read_file(dir_ / "scan.ndjson"))) {
        auto record = json::parse(line).as_object();
        if (record.at("type") == "endpoint" && record.at("chain").is_array() &&
            !record.at("chain").as_array().empty()) {
            auto& target = record.at("target").as_object();
            target["host"] = hostile;
            target["sni"] = hostile + std::to_string(++changed);  // still one series per endpoint
            auto& leaf = record.at("chain").as_array()[0].as_object();
            leaf["subject"] = "CN=" + hostile;
            const auto* error = leaf.if_contains("parse_error");
            if (!error || !error->is_string() || error->as_string().empty()) ++parsed_leaves;
        }
        records += json::serialize(record) + "\n";
    }
    ASSERT_GT(changed, 10);
    const auto input = write("hostile.ndjson", records);
    const auto r = run_tlsaudit(
        fmt::format("report '{}' -q --fail-on none --prometheus '{}'", input, (dir_ / "hostile.prom").string()));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto metrics = read_file(dir_ / "hostile.prom");
    const auto check = promtool("check metrics", metrics);
    EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
    EXPECT_EQ(lines_matching(metrics, "^tlsaudit_evil"), 0u);
    EXPECT_EQ(lines_matching(metrics, "^# TYPE tlsaudit_endpoints counter"), 0u);
    ASSERT_GT(parsed_leaves, 10u);
    // Every leaf series is of a changed record (the others failed), other chains' leaves included.
    const auto leaves = lines_matching(metrics, "^tlsaudit_leaf_info\\{");
    EXPECT_GE(leaves, parsed_leaves);
    EXPECT_EQ(lines_matching(metrics, "^tlsaudit_leaf_info\\{host=\"x\\\\\"\\} 1\\\\n# TYPE"), leaves);
    EXPECT_EQ(lines_matching(metrics, "subject=\"CN=x\\\\\"\\} 1\\\\n# TYPE"), parsed_leaves);
}

TEST_F(prometheus_cli, unwritable_metrics_file_stops_the_scan_before_it_starts) {
    const auto targets = write("targets.txt", "127.0.0.1:1\n");
    const auto r =
        run_tlsaudit(fmt::format("scan '{}' -q --prometheus '{}'", targets, (dir_ / "no/such/m.prom").string()));
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("--prometheus"), std::string::npos) << r.err;
}

TEST(prometheus_rules, sample_alerting_rules_pass_promtool_check_and_unit_tests) {
    const auto check = promtool(fmt::format("check rules '{}'", (rules_dir / "tlsaudit-alerts.yml").string()));
    EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
    EXPECT_NE(check.out.find("SUCCESS: 4 rules found"), std::string::npos) << check.out;
    const auto test = promtool(fmt::format("test rules '{}'", (rules_dir / "tlsaudit-alerts.test.yml").string()));
    EXPECT_EQ(test.exit_code, 0) << test.out << test.err;
}

}  // namespace
}  // namespace tlsaudit::testing
