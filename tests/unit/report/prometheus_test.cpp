// The Prometheus writer on plain report data: values, label escaping against hostile
// certificate subjects and SNI names (quotes, backslashes, line feeds, invalid UTF-8), and
// the shape the textfile collector needs (families whole, each series once). The file is
// read back here by a strict reader of the exposition format, so an escaping mistake
// shows up as a line it refuses; tests/integration/ops_prometheus_test.cpp runs promtool.

#include <tlsaudit/report/error_policy.hpp>
#include <tlsaudit/report/prometheus_report.hpp>

#include <gtest/gtest.h>

#include <cctype>
#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace tlsaudit::report {
namespace {

struct sample {
    std::string name;
    std::map<std::string, std::string> labels;  // unescaped
    long long value = 0;
};

// Reads a label block `{a="x",b="y"}` at `pos`; nullopt unless it is exactly the format's.
std::optional<std::map<std::string, std::string>> read_labels(const std::string& line, std::size_t& pos) {
    std::map<std::string, std::string> out;
    if (pos >= line.size() || line[pos] != '{') return out;
    ++pos;
    while (pos < line.size() && line[pos] != '}') {
        std::string name;
        while (pos < line.size() && (std::isalnum(static_cast<unsigned char>(line[pos])) || line[pos] == '_'))
            name += line[pos++];
        if (name.empty() || line.compare(pos, 2, "=\"") != 0) return std::nullopt;
        pos += 2;
        std::string value;
        for (;; ++pos) {
            if (pos >= line.size()) return std::nullopt;
            const char c = line[pos];
            if (c == '"') break;
            if (c == '\\') {
                if (++pos >= line.size()) return std::nullopt;
                switch (line[pos]) {
                case '\\': value += '\\'; break;
                case '"': value += '"'; break;
                case 'n': value += '\n'; break;
                default: return std::nullopt;
                }
            } else {
                value += c;
            }
        }
        ++pos;
        if (!out.emplace(name, value).second) return std::nullopt;
        if (pos < line.size() && line[pos] == ',') ++pos;
    }
    if (pos >= line.size()) return std::nullopt;
    ++pos;
    return out;
}

// Every line of `text` as the exposition format reads it; fails the test on a line that
// is not a HELP, TYPE or sample line, a family split in two, or a series given twice.
std::vector<sample> parse(const std::string& text) {
    std::vector<sample> out;
    std::set<std::string> finished, series;
    std::string current;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        if (line.starts_with("# HELP ") || line.starts_with("# TYPE ")) {
            const auto name = line.substr(7, line.find(' ', 7) - 7);
            if (line.starts_with("# HELP ")) {
                EXPECT_TRUE(finished.insert(name).second) << "family twice: " << name;
                current = name;
            } else {
                EXPECT_EQ(name, current);
                EXPECT_EQ(line, "# TYPE " + name + " gauge");
            }
            continue;
        }
        sample s;
        std::size_t pos = 0;
        while (pos < line.size() && line[pos] != '{' && line[pos] != ' ') s.name += line[pos++];
        auto labels = read_labels(line, pos);
        if (!labels || pos >= line.size() || line[pos] != ' ') {
            ADD_FAILURE() << "not a sample line: " << line;
            continue;
        }
        s.labels = std::move(*labels);
        s.value = std::stoll(line.substr(pos + 1));
        EXPECT_EQ(std::to_string(s.value), line.substr(pos + 1)) << line;
        EXPECT_EQ(s.name, current) << "sample outside its family: " << line;
        EXPECT_TRUE(series.insert(line.substr(0, pos)).second) << "series twice: " << line;
        out.push_back(std::move(s));
    }
    return out;
}

std::string render(const report_data& data) {
    std::ostringstream out;
    write_prometheus_report(data, out);
    return out.str();
}

const sample* find(const std::vector<sample>& samples, const std::string& name,
                   const std::map<std::string, std::string>& labels = {}) {
    for (const auto& s : samples) {
        if (s.name != name) continue;
        bool match = true;
        for (const auto& [k, v] : labels) match = match && s.labels.count(k) && s.labels.at(k) == v;
        if (match) return &s;
    }
    return nullptr;
}

long long unix_time(int y, unsigned m, unsigned d) {
    using namespace std::chrono;
    return sys_seconds(sys_days(year{y} / month{m} / day{d})).time_since_epoch().count();
}

finding_row make_finding(const std::string& id, severity level, const std::string& rule = "") {
    finding_row f;
    f.id = id;
    f.level = level;
    f.rule = rule;
    return f;
}

endpoint_row make_endpoint(const std::string& host, const std::string& address, const std::string& subject) {
    endpoint_row e;
    e.host = host;
    e.sni = host;
    e.port = 443;
    e.address = address;
    e.scanned_at = "2026-12-01T00:00:00Z";
    cert_row leaf;
    leaf.subject = subject;
    leaf.issuer = "CN=GlobalSign RSA DV SSL CA 2018,O=GlobalSign nv-sa,C=BE";
    leaf.not_after = "2026-12-11T00:00:00Z";
    leaf.sha256 = std::string(64, 'a');
    e.chain.push_back(leaf);
    return e;
}

report_data sample_report() {
    report_data data;
    data.meta.tool_version = "1.2.3";
    data.meta.rules_version = "2026.11";
    data.meta.started_at = "2026-12-01T00:00:00Z";
    data.meta.finished_at = "2026-12-01T00:02:05Z";
    data.meta.shards = data.meta.scan_ends = 1;
    auto a = make_endpoint("a.test", "127.0.0.2", "CN=a.test");
    a.findings = {make_finding("deprecated-intermediate", severity::high, "globalsign-rsa-dv-ssl-ca-2018"),
                  make_finding("cert-expiring", severity::medium)};
    auto b = make_endpoint("b.test", "127.0.0.3", "CN=b.test");
    b.chain.front().not_after = "2027-03-01T00:00:00Z";
    other_chain_row ecdsa;
    ecdsa.index = 1;
    ecdsa.chain = make_endpoint("b.test", "", "CN=b.test ecdsa").chain;
    ecdsa.chain.front().not_after = "2026-12-02T00:00:00Z";
    b.other_chains.push_back(ecdsa);
    endpoint_row failed;
    failed.host = "down.test";
    failed.port = 443;
    failed.address = "127.0.0.4";
    failed.error_code = "refused";
    name_row name;
    name.host = "a.test";
    name.port = 443;
    name.sni = "a.test";
    name.findings = {make_finding("inconsistent-deployment", severity::high)};
    data.endpoints = {a, b, failed};
    data.names = {name};
    return data;
}

TEST(prometheus_label_value, escapes_what_the_format_requires) {
    EXPECT_EQ(prometheus_label_value(R"(a\b"c)"), R"(a\\b\"c)");
    EXPECT_EQ(prometheus_label_value("line\nbreak"), R"(line\nbreak)");
    // Valid text as is, but for invisible controls, shown as in every report (then escaped).
    EXPECT_EQ(prometheus_label_value("caf\xc3\xa9 \xe2\x80\xae"), "caf\xc3\xa9 \\\\u{202e}");
    EXPECT_EQ(prometheus_label_value(std::string(5000, 'x')).size(),
              1024u + std::string("\xe2\x80\xa6 (3976 more bytes)").size());
    EXPECT_EQ(prometheus_label_value("bad\xff\xc0\xaf"
                                     "end"),
              "bad\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"
              "end");
}

TEST(prometheus_report, scan_metrics) {
    const auto samples = parse(render(sample_report()));
    ASSERT_TRUE(find(samples, "tlsaudit_scan_info", {{"version", "1.2.3"}, {"rules_version", "2026.11"}}));
    EXPECT_EQ(find(samples, "tlsaudit_scan_complete")->value, 1);
    EXPECT_EQ(find(samples, "tlsaudit_scan_start_timestamp_seconds")->value, unix_time(2026, 12, 1));
    EXPECT_EQ(find(samples, "tlsaudit_scan_end_timestamp_seconds")->value, unix_time(2026, 12, 1) + 125);
    EXPECT_EQ(find(samples, "tlsaudit_scan_duration_seconds")->value, 125);
    EXPECT_EQ(find(samples, "tlsaudit_scan_failed", {{"policy", "findings"}})->value, 1);  // high >= high
    EXPECT_EQ(find(samples, "tlsaudit_scan_failed", {{"policy", "errors"}})->value, 0);    // "all": 2 of 3 scanned
    EXPECT_EQ(find(samples, "tlsaudit_endpoints")->value, 3);
    EXPECT_EQ(find(samples, "tlsaudit_endpoints_failed", {{"error", "refused"}})->value, 1);
    EXPECT_EQ(find(samples, "tlsaudit_input_errors")->value, 0);
}

TEST(prometheus_report, incomplete_scan_and_policy_none) {
    auto data = sample_report();
    data.meta.interrupted = true;
    data.fail_on.reset();
    const auto samples = parse(render(data));
    EXPECT_EQ(find(samples, "tlsaudit_scan_complete")->value, 0);
    EXPECT_EQ(find(samples, "tlsaudit_scan_failed", {{"policy", "findings"}})->value, 0);
}

TEST(prometheus_report, error_policy_verdict) {
    auto data = sample_report();
    data.on_errors = parse_error_policy("0");  // the one refused endpoint is one too many
    EXPECT_EQ(find(parse(render(data)), "tlsaudit_scan_failed", {{"policy", "errors"}})->value, 1);
    data.on_errors = parse_error_policy("1");
    EXPECT_EQ(find(parse(render(data)), "tlsaudit_scan_failed", {{"policy", "errors"}})->value, 0);
}

TEST(prometheus_report, findings_by_severity_rule_endpoint_and_name) {
    const auto samples = parse(render(sample_report()));
    const std::map<std::string, long long> expected{
        {"info", 0}, {"low", 0}, {"medium", 1}, {"high", 2}, {"critical", 0}};
    for (const auto& [level, n] : expected)
        EXPECT_EQ(find(samples, "tlsaudit_findings", {{"severity", level}})->value, n) << level;
    EXPECT_EQ(find(samples, "tlsaudit_rule_findings",
                   {{"finding", "deprecated-intermediate"}, {"rule", "globalsign-rsa-dv-ssl-ca-2018"}})
                  ->value,
              1);
    EXPECT_EQ(find(samples, "tlsaudit_rule_findings", {{"finding", "inconsistent-deployment"}})->value, 1);
    const auto* retired = find(samples, "tlsaudit_endpoint_findings",
                               {{"host", "a.test"},
                                {"port", "443"},
                                {"sni", "a.test"},
                                {"address", "127.0.0.2"},
                                {"finding", "deprecated-intermediate"},
                                {"rule", "globalsign-rsa-dv-ssl-ca-2018"},
                                {"severity", "high"}});
    ASSERT_TRUE(retired);
    EXPECT_EQ(retired->value, 1);
    EXPECT_FALSE(find(samples, "tlsaudit_endpoint_findings", {{"host", "b.test"}}));
    EXPECT_EQ(
        find(samples, "tlsaudit_name_findings", {{"host", "a.test"}, {"finding", "inconsistent-deployment"}})->value,
        1);
}

TEST(prometheus_report, leaf_expiry_of_every_served_chain) {
    const auto samples = parse(render(sample_report()));
    const std::map<std::string, std::string> a{{"host", "a.test"}, {"address", "127.0.0.2"}, {"chain", "0"}};
    EXPECT_EQ(find(samples, "tlsaudit_leaf_not_after_timestamp_seconds", a)->value, unix_time(2026, 12, 11));
    EXPECT_EQ(find(samples, "tlsaudit_leaf_time_to_expiry_seconds", a)->value, 10 * 86400);
    const std::map<std::string, std::string> ecdsa{{"host", "b.test"}, {"chain", "1"}};
    EXPECT_EQ(find(samples, "tlsaudit_leaf_time_to_expiry_seconds", ecdsa)->value, 86400);
    EXPECT_TRUE(
        find(samples, "tlsaudit_leaf_info", {{"host", "b.test"}, {"chain", "1"}, {"subject", "CN=b.test ecdsa"}}));
    EXPECT_FALSE(find(samples, "tlsaudit_leaf_info", {{"host", "down.test"}}));  // no chain, no series
}

TEST(prometheus_report, expired_leaf_counts_down_below_zero) {
    auto data = sample_report();
    data.endpoints.front().chain.front().not_after = "2026-11-30T00:00:00Z";
    const auto samples = parse(render(data));
    EXPECT_EQ(find(samples, "tlsaudit_leaf_time_to_expiry_seconds", {{"host", "a.test"}})->value, -86400);
}

TEST(prometheus_report, hostile_subjects_and_names_stay_inside_their_labels) {
    const std::string hostile = "x\"} 1\n# TYPE evil counter\nevil_total{a=\"\\\"} 666\n\\";
    const std::string invalid = "bad\xff\xfe\xc3(";
    auto data = sample_report();
    auto& e = data.endpoints.front();
    e.host = hostile;
    e.sni = invalid + hostile;
    e.chain.front().subject = "CN=" + hostile + invalid;
    e.chain.front().issuer = "\r\t\x01\x7f";
    data.meta.tool_version = invalid;
    const auto text = render(data);
    const auto samples = parse(text);
    for (const auto& s : samples) EXPECT_TRUE(s.name.starts_with("tlsaudit_")) << s.name;
    EXPECT_EQ(text.find("\nevil"), std::string::npos);
    const auto* info = find(samples, "tlsaudit_leaf_info", {{"host", hostile}});
    ASSERT_TRUE(info);
    EXPECT_EQ(info->labels.at("sni"), "bad\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD(" + hostile);
    EXPECT_EQ(info->labels.at("subject"), "CN=" + hostile + "bad\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD(");
    EXPECT_EQ(info->labels.at("issuer"), "\\u{d}\t\\u{1}\\u{7f}");
    EXPECT_TRUE(find(samples, "tlsaudit_endpoint_findings", {{"host", hostile}, {"finding", "cert-expiring"}}));
}

TEST(prometheus_report, a_series_is_written_once_when_endpoints_repeat) {
    auto data = sample_report();
    data.endpoints.push_back(data.endpoints.front());  // the same endpoint twice (a merge)
    const auto once = parse(render(data));             // parse() fails on a repeated series
    EXPECT_EQ(find(once, "tlsaudit_endpoint_findings", {{"host", "a.test"}, {"finding", "cert-expiring"}})->value, 2);
    // The same address and port with STARTTLS is another target: series of its own.
    data.endpoints.back().starttls = "smtp";
    data.endpoints.back().chain.front().not_after = "2030-01-01T00:00:00Z";
    const auto samples = parse(render(data));
    EXPECT_EQ(find(samples, "tlsaudit_leaf_not_after_timestamp_seconds",
                   {{"host", "a.test"}, {"starttls", ""}, {"chain", "0"}})
                  ->value,
              unix_time(2026, 12, 11));
    EXPECT_EQ(find(samples, "tlsaudit_leaf_not_after_timestamp_seconds",
                   {{"host", "a.test"}, {"starttls", "smtp"}, {"chain", "0"}})
                  ->value,
              unix_time(2030, 1, 1));
    EXPECT_EQ(find(samples, "tlsaudit_endpoint_findings",
                   {{"host", "a.test"}, {"starttls", "smtp"}, {"finding", "cert-expiring"}})
                  ->value,
              1);
}

TEST(prometheus_report, empty_report_is_valid_and_only_gauges) {
    const auto text = render(report_data{});
    const auto samples = parse(text);
    EXPECT_EQ(find(samples, "tlsaudit_endpoints")->value, 0);
    EXPECT_EQ(find(samples, "tlsaudit_scan_complete")->value, 1);
    EXPECT_FALSE(find(samples, "tlsaudit_scan_duration_seconds"));  // no times recorded: left out
    EXPECT_FALSE(find(samples, "tlsaudit_leaf_info"));
    EXPECT_EQ(text.find("_total"), std::string::npos);
    EXPECT_EQ(text.find("counter"), std::string::npos);
}

TEST(prometheus_report, unreadable_times_leave_their_series_out) {
    auto data = sample_report();
    data.endpoints.front().chain.front().not_after = "soon";
    data.meta.finished_at = "";
    const auto samples = parse(render(data));
    EXPECT_FALSE(find(samples, "tlsaudit_leaf_not_after_timestamp_seconds", {{"host", "a.test"}}));
    EXPECT_TRUE(find(samples, "tlsaudit_leaf_info", {{"host", "a.test"}}));
    EXPECT_FALSE(find(samples, "tlsaudit_scan_end_timestamp_seconds"));
    EXPECT_TRUE(find(samples, "tlsaudit_scan_start_timestamp_seconds"));
}

}  // namespace
}  // namespace tlsaudit::report
