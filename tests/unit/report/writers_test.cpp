// The report writers (JSON, HTML, CSV, JUnit, SARIF, terminal) on plain data.

#include "report_fixture.hpp"

#include <tlsaudit/report/csv_report.hpp>
#include <tlsaudit/report/html_report.hpp>
#include <tlsaudit/report/json_report.hpp>
#include <tlsaudit/report/junit_report.hpp>
#include <tlsaudit/report/ndjson_reader.hpp>
#include <tlsaudit/report/progress.hpp>
#include <tlsaudit/report/prometheus_report.hpp>
#include <tlsaudit/report/sarif_report.hpp>
#include <tlsaudit/report/terminal.hpp>

#include <boost/json/parse.hpp>

#include <fmt/format.h>

#include <gtest/gtest.h>

#include <algorithm>

#include <sstream>
#include <thread>

namespace tlsaudit::report {
namespace {

using namespace tlsaudit::report::testing;
namespace json = boost::json;

const std::string hostile =
    "<script>alert(1)</script><!--<img src=x onerror=alert(1)>\x1b]0;pwn\x07\xe2\x80\xae=cmd|' /C calc'!A0";

report_data sample() {
    report_data data;
    std::istringstream in(
        scan_start_line("2026-11-24T04:00:00Z") + "\n" +
        endpoint_line(
            "a.test", 443, "127.0.0.2",
            "[" + finding("hostname-mismatch", "high", sha('A'), "names " + std::string("\xe2\x80\xae") + hostile) +
                "," + finding("chain-misordered", "low") + "]",
            hostile) +
        "\n" + endpoint_line("z.test", 443, "127.0.0.3", "[]") + "\n" +
        error_line("e.test", 443, "127.0.0.4", "refused") + "\n" +
        name_line("a.test", 443, "[" + finding("inconsistent-deployment", "high") + "]") + "\n" +
        scan_end_line("2026-11-24T04:01:00Z") + "\n");
    read_ndjson_stream(in, "sample", data);
    finish_merge(data);
    return data;
}

template <typename F>
std::string render(const report_data& data, F writer) {
    std::ostringstream out;
    writer(data, out);
    return out.str();
}

TEST(json_report, stable_key_order_and_counts) {
    const auto text = render(sample(), write_json_report);
    const auto doc = json::parse(text).as_object();
    std::vector<std::string> keys;
    for (const auto& kv : doc) keys.emplace_back(kv.key());
    EXPECT_EQ(keys, (std::vector<std::string>{"format", "report_schema_version", "scan", "policy", "summary",
                                              "executive_summary", "baseline", "names", "endpoints", "input_errors"}));
    EXPECT_EQ(doc.at("summary").at("verdict"), "fail");
    EXPECT_EQ(doc.at("summary").at("findings").to_number<int>(), 3);
    EXPECT_EQ(doc.at("summary").at("by_severity").at("high").to_number<int>(), 2);
    EXPECT_EQ(doc.at("endpoints").as_array().size(), 3u);
    EXPECT_EQ(doc.at("endpoints").at(0).at("chain").at(0).at("subject").as_string(), hostile);
    EXPECT_EQ(text, render(sample(), write_json_report)) << "deterministic";
}

TEST(json_report, groups_enriched_endpoints_by_country_and_network) {
    auto data = sample();
    EXPECT_FALSE(json::parse(render(data, write_json_report)).at("summary").as_object().contains("by_country"))
        << "no groups without enrichment";
    for (auto& e : data.endpoints) {
        e.has_geo = true;
        e.address_class = "loopback";
        if (e.host == "a.test") {
            e.country = "DE";
            e.asn = 64496;
            e.organisation = "Lab Net";
        }
    }
    const auto doc = json::parse(render(data, write_json_report));
    const auto& summary = doc.at("summary");
    EXPECT_EQ(summary.at("by_country").at("DE").at("endpoints").to_number<int>(), 1);
    EXPECT_EQ(summary.at("by_country").at("DE").at("findings").to_number<int>(), 2);
    EXPECT_EQ(summary.at("by_country").at("loopback").at("endpoints").to_number<int>(), 2);
    EXPECT_EQ(summary.at("by_network").at("AS64496 Lab Net").at("findings").to_number<int>(), 2);
}

TEST(html_report, embeds_data_without_breaking_out_of_the_script_block) {
    const auto html = render(sample(), write_html_report);
    EXPECT_EQ(html.find("<script>alert"), std::string::npos);
    EXPECT_EQ(html.find("<img"), std::string::npos);
    EXPECT_EQ(html.find("<!--<"), std::string::npos);
    EXPECT_NE(html.find("\\u003cscript>alert(1)\\u003c/script>"), std::string::npos);
    EXPECT_NE(html.find("default-src 'none'"), std::string::npos);
    // Exactly the template's own two script blocks, and no reference to anything outside.
    std::size_t scripts = 0;
    for (auto pos = html.find("<script"); pos != std::string::npos; pos = html.find("<script", pos + 1)) ++scripts;
    EXPECT_EQ(scripts, 2u);
    EXPECT_EQ(html.find("src=\"http"), std::string::npos);
    EXPECT_EQ(html.find("href=\"http"), std::string::npos);
    EXPECT_EQ(html.find("innerHTML"), std::string::npos) << "data goes in with textContent only";
    // The embedded block is the JSON report, byte for byte once '<' is unescaped.
    const auto start = html.find(">", html.find("id=\"tlsaudit-data\"")) + 1;
    auto embedded = html.substr(start, html.find("</script>", start) - start);
    for (auto pos = embedded.find("\\u003c"); pos != std::string::npos; pos = embedded.find("\\u003c"))
        embedded.replace(pos, 6, "<");
    EXPECT_EQ(json::parse(embedded), json::parse(render(sample(), write_json_report)));
    // Without JavaScript the page shows the terminal summary, escaped: the verdict and every
    // kind of finding with its fix (the page showed only its headings).
    const auto noscript = html.find("<noscript><section class=\"static-summary\">");
    ASSERT_NE(noscript, std::string::npos);
    const auto fallback = html.substr(noscript, html.find("</noscript>", noscript) - noscript);
    EXPECT_NE(fallback.find("tlsaudit: FAIL"), std::string::npos) << fallback;
    EXPECT_NE(fallback.find("hostname-mismatch"), std::string::npos) << fallback;
    EXPECT_NE(fallback.find("fix: Replace it."), std::string::npos) << fallback;
    EXPECT_NE(fallback.find("&lt;script&gt;alert(1)"), std::string::npos) << fallback;
    EXPECT_NE(fallback.find("\\u{202e}"), std::string::npos) << "controls made visible";
    EXPECT_EQ(fallback.find("<script"), std::string::npos);
}

TEST(csv_report, quotes_and_defuses_formulas) {
    EXPECT_EQ(csv_cell("plain"), "plain");
    EXPECT_EQ(csv_cell("a,b"), "\"a,b\"");
    EXPECT_EQ(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
    EXPECT_EQ(csv_cell("=1+1"), "'=1+1");
    EXPECT_EQ(csv_cell("@SUM(A1)"), "'@SUM(A1)");
    EXPECT_EQ(csv_cell("-2"), "'-2");
    EXPECT_EQ(csv_cell("line\nbreak"), "\"line\nbreak\"");
    // Controls from a certificate (a NUL some readers stop at, an ESC, a bare CR) are escapes.
    EXPECT_EQ(csv_cell(std::string("nul\0x", 5)), "nul\\u{0}x");
    EXPECT_EQ(csv_cell("esc\x1b[2J.test"), "esc\\u{1b}[2J.test");
    EXPECT_EQ(csv_cell("\rcr"), "\\u{d}cr");
    const auto csv = render(sample(), write_csv_report);
    std::size_t rows = 0;
    for (auto pos = csv.find("\r\n"); pos != std::string::npos; pos = csv.find("\r\n", pos + 2)) ++rows;
    // header + 2 findings of a.test + z.test + e.test + 1 name finding
    EXPECT_EQ(rows, 6u);
    EXPECT_EQ(csv.rfind("kind,host,port", 0), 0u);
}

// A finding on a chain served to other probes names that chain's leaf: the one to reissue.
TEST(csv_report, a_finding_on_another_chain_names_its_leaf) {
    auto data = sample();
    auto& e = data.endpoints.front();
    ASSERT_FALSE(e.chain.empty());
    ASSERT_FALSE(e.findings.empty());
    other_chain_row rsa;
    rsa.index = 1;
    rsa.protocol = "TLSv1.2";
    rsa.chain.push_back(e.chain.front());
    rsa.chain.front().subject = "CN=rsa-leaf";
    rsa.chain.front().issuer = "CN=GlobalSign RSA DV SSL CA 2018";
    rsa.chain.front().sha256 = sha('r');
    e.other_chains.push_back(rsa);
    e.findings.front().chain = 1;
    e.findings.front().id = "deprecated-intermediate";
    const auto csv = render(data, write_csv_report);
    const auto line_of = [&](std::string_view needle) {
        const auto at = csv.find(needle);
        if (at == std::string::npos) return std::string();
        const auto begin = csv.rfind("\r\n", at) + 2;
        return csv.substr(begin, csv.find("\r\n", at) - begin);
    };
    const auto row = line_of(",deprecated-intermediate,");
    EXPECT_NE(row.find(",TLSv1.2,CN=rsa-leaf,CN=GlobalSign RSA DV SSL CA 2018,"), std::string::npos) << row;
    EXPECT_NE(row.find(sha('r')), std::string::npos) << row;
    // The endpoint's other findings still name its first chain.
    if (e.findings.size() > 1) {
        const auto first = line_of("," + e.findings[1].id + ",");
        EXPECT_NE(first.find(e.chain.front().sha256), std::string::npos) << first;
    }
}

TEST(report_writers, a_starttls_endpoint_names_its_protocol) {
    auto data = sample();
    ASSERT_EQ(data.endpoints.front().host, "a.test");
    data.endpoints.front().starttls = "smtp";
    const auto report = json::parse(render(data, write_json_report));
    const auto& endpoints = report.at("endpoints").as_array();
    ASSERT_EQ(endpoints.size(), data.endpoints.size());
    EXPECT_EQ(endpoints.at(0).at("target").at("starttls"), "smtp");
    EXPECT_TRUE(endpoints.at(1).at("target").at("starttls").is_null());
    const auto csv = render(data, write_csv_report);
    EXPECT_EQ(csv.rfind("kind,host,port,starttls,sni,", 0), 0u) << csv;
    EXPECT_NE(csv.find("\r\nendpoint,a.test,443,smtp,a.test,"), std::string::npos) << csv;
    EXPECT_NE(csv.find("\r\nendpoint,z.test,443,,z.test,"), std::string::npos) << csv;
    EXPECT_NE(format_summary(data).find("a.test:443 (smtp) [127.0.0.2]"), std::string::npos) << format_summary(data);
}

TEST(json_report, executive_summary_items_point_at_their_findings) {
    const auto doc = json::parse(render(sample(), write_json_report)).as_object();
    EXPECT_EQ(doc.at("summary").at("verdict_text"), "FAIL: 2 findings at or above high (the policy: fail on high).");
    const auto& items = doc.at("executive_summary").as_array();
    ASSERT_EQ(items.size(), 4u);  // hostname-mismatch, inconsistent-deployment, chain-misordered, scan-error
    const auto& first = items.at(0).as_object();
    EXPECT_EQ(first.at("rule"), "hostname-mismatch");
    EXPECT_EQ(first.at("severity"), "high");
    EXPECT_EQ(first.at("count").to_number<int>(), 1);
    EXPECT_TRUE(first.at("earliest_deadline").is_null());
    EXPECT_EQ(first.at("remediations").at(0), "Replace it.");
    EXPECT_EQ(first.at("findings"), json::parse(R"([{"endpoint":0,"finding":0}])"));
    EXPECT_EQ(items.at(1).at("findings"), json::parse(R"([{"name":0,"finding":0}])"));
    EXPECT_EQ(items.at(3).at("rule"), "scan-error");
    EXPECT_TRUE(items.at(3).at("severity").is_null());
    EXPECT_EQ(items.at(3).at("text").as_string().find("1 endpoint (1 name) could not be scanned: 1 refused."), 0u);
}

TEST(junit_report, failures_follow_the_policy) {
    auto data = sample();
    const auto xml = render(data, write_junit_report);
    EXPECT_NE(xml.find("<testsuites name=\"tlsaudit\" tests=\"4\" failures=\"2\" errors=\"0\" skipped=\"1\">"),
              std::string::npos)
        << xml;
    EXPECT_NE(xml.find("<failure type=\"hostname-mismatch\""), std::string::npos);
    EXPECT_NE(xml.find("<failure type=\"inconsistent-deployment\""), std::string::npos);
    EXPECT_EQ(xml.find("<failure type=\"chain-misordered\""), std::string::npos) << "low is below --fail-on high";
    EXPECT_NE(xml.find("<skipped message=\"scan error refused"), std::string::npos);
    EXPECT_EQ(xml.find('\x1b'), std::string::npos);
    // Failures count failed testcases: one <failure> per case, naming every finding in it.
    data.fail_on = severity::low;
    const auto low = render(data, write_junit_report);
    EXPECT_NE(low.find("<testsuites name=\"tlsaudit\" tests=\"4\" failures=\"2\""), std::string::npos) << low;
    EXPECT_NE(low.find("message=\"hostname-mismatch (high), chain-misordered (low)\""), std::string::npos) << low;
}

// A scan that did not finish says so, instead of an error class or "no targets".
TEST(junit_report, an_unfinished_scan_is_one_error) {
    report_data data;
    std::istringstream in(scan_start_line("2026-11-24T04:00:00Z") + "\n" +
                          endpoint_line("z.test", 443, "127.0.0.3", "[]") + "\n" +
                          error_line("e.test", 443, "127.0.0.4", "refused") + "\n");
    read_ndjson_stream(in, "killed", data);
    finish_merge(data);
    const auto xml = render(data, write_junit_report);
    EXPECT_NE(xml.find("<error type=\"incomplete\" message=\"the scan did not finish: "), std::string::npos) << xml;
    EXPECT_EQ(xml.find("no-targets"), std::string::npos) << xml;
    EXPECT_EQ(xml.find("<error type=\"refused\""), std::string::npos) << xml;
}

// An empty target list is one error that says so ("0 endpoints could not be scanned" read
// like a pass).
TEST(junit_report, an_empty_target_list_is_one_error_that_says_so) {
    report_data data;
    std::istringstream in(scan_start_line("2026-11-24T04:00:00Z") + "\n" + scan_end_line("2026-11-24T04:00:01Z") +
                          "\n");
    read_ndjson_stream(in, "empty", data);
    finish_merge(data);
    const auto xml = render(data, write_junit_report);
    EXPECT_NE(xml.find("<error type=\"no-targets\" message=\"the input held no target: nothing was scanned\""),
              std::string::npos)
        << xml;
}

TEST(junit_report, a_failing_error_policy_adds_an_error_per_class) {
    auto data = sample();
    data.on_errors = parse_error_policy("0");
    const auto xml = render(data, write_junit_report);
    EXPECT_NE(xml.find("<testsuites name=\"tlsaudit\" tests=\"5\" failures=\"2\" errors=\"1\" skipped=\"1\">"),
              std::string::npos)
        << xml;
    EXPECT_NE(xml.find("<testsuite name=\"tlsaudit scan errors (--fail-on-errors 0)\" tests=\"1\" failures=\"0\" "
                       "errors=\"1\" skipped=\"0\">"),
              std::string::npos)
        << xml;
    EXPECT_NE(xml.find("<error type=\"refused\" message=\"1 endpoint could not be scanned: refused\">"),
              std::string::npos)
        << xml;
    data.on_errors = parse_error_policy("1");
    EXPECT_EQ(render(data, write_junit_report).find("<error "), std::string::npos) << "within the policy";
}

TEST(sarif_report, scan_errors_are_notifications_and_can_fail_the_execution) {
    auto data = sample();
    auto invocation = [&] {
        return json::parse(render(data, write_sarif_report)).at("runs").at(0).at("invocations").at(0).as_object();
    };
    auto within = invocation();
    EXPECT_EQ(within.at("executionSuccessful"), true);
    ASSERT_EQ(within.at("toolExecutionNotifications").as_array().size(), 1u);
    EXPECT_EQ(within.at("toolExecutionNotifications").at(0).at("level"), "warning");
    EXPECT_EQ(within.at("toolExecutionNotifications").at(0).at("descriptor").at("id"), "refused");
    data.on_errors = parse_error_policy("0:refused");
    auto failed = invocation();
    EXPECT_EQ(failed.at("executionSuccessful"), false);
    const auto& notes = failed.at("toolExecutionNotifications").as_array();
    ASSERT_EQ(notes.size(), 2u);
    EXPECT_EQ(notes.at(0).at("descriptor").at("id"), "fail-on-errors");
    EXPECT_EQ(notes.at(1).at("level"), "error");
    EXPECT_NE(std::string(notes.at(1).at("message").at("text").as_string()).find("e.g. e.test:443 (127.0.0.4)"),
              std::string::npos)
        << notes.at(1);

    // Failed only for not having finished: the classes met so far are warnings.
    data.on_errors = parse_error_policy("5");
    data.meta.interrupted = true;
    auto cut = invocation();
    EXPECT_EQ(cut.at("executionSuccessful"), false);
    const auto& cut_notes = cut.at("toolExecutionNotifications").as_array();
    ASSERT_EQ(cut_notes.size(), 2u);
    EXPECT_EQ(cut_notes.at(0).at("level"), "error");
    EXPECT_EQ(cut_notes.at(1).at("level"), "warning") << "refused did not fail the run: the interruption did";
}

TEST(sarif_report, results_reference_catalogue_rules) {
    const auto doc = json::parse(render(sample(), write_sarif_report)).as_object();
    EXPECT_EQ(doc.at("version"), "2.1.0");
    const auto& run = doc.at("runs").at(0).as_object();
    const auto& rules = run.at("tool").at("driver").at("rules").as_array();
    const auto& results = run.at("results").as_array();
    ASSERT_EQ(results.size(), 3u);
    for (const auto& r : results) {
        const auto index = r.at("ruleIndex").to_number<std::size_t>();
        ASSERT_LT(index, rules.size());
        EXPECT_EQ(rules[index].at("id"), r.at("ruleId"));
    }
    EXPECT_EQ(results[0].at("level"), "error");
    EXPECT_EQ(results[1].at("level"), "note");
    EXPECT_EQ(results[0].at("locations").at(0).at("physicalLocation").at("artifactLocation").at("uri"), "targets.txt");
}

// What code scanning needs of each result: a physical location even without a target
// file (stdin, records without metadata, a resolved finding), the rule's severity as the
// report has it (a rules file may raise it), and one alert per site on a shared address.
TEST(sarif_report, every_result_has_a_file_and_rules_carry_the_reported_severity) {
    report_data data;
    auto line =
        endpoint_line("127.0.0.1", 443, "127.0.0.1", "[" + finding("hostname-mismatch", "critical", sha('A')) + "]");
    const std::string from = R"("sni":"127.0.0.1")";
    line.replace(line.find(from), from.size(), R"("sni":"b.test")");
    std::istringstream in(line + "\n");
    read_ndjson_stream(in, "no metadata", data);
    finish_merge(data);
    data.resolved.push_back({"127.0.0.1", 443, "weak-key", sha('B'), "medium", "gone", "a.test", ""});
    const auto doc = json::parse(render(data, write_sarif_report)).as_object();
    const auto& run = doc.at("runs").at(0).as_object();
    const auto& results = run.at("results").as_array();
    ASSERT_EQ(results.size(), 2u);
    for (const auto& r : results)
        EXPECT_EQ(r.at("locations").at(0).at("physicalLocation").at("artifactLocation").at("uri"), "targets");
    EXPECT_EQ(results[0].at("partialFingerprints").at("tlsauditFinding/v1").as_string(),
              "127.0.0.1:443|hostname-mismatch|" + std::string(64, 'a') + "|b.test|");
    EXPECT_EQ(results[0].at("locations").at(0).at("logicalLocations").at(0).at("name"),
              "127.0.0.1:443 sni=b.test (127.0.0.1)");
    EXPECT_EQ(results[1].at("baselineState"), "absent");
    const auto& rules = run.at("tool").at("driver").at("rules").as_array();
    const auto& rule = rules.at(results[0].at("ruleIndex").to_number<std::size_t>()).as_object();
    EXPECT_EQ(rule.at("properties").at("security-severity"), "9.5") << "critical here, high by default";
    EXPECT_EQ(rule.at("defaultConfiguration").at("level"), "error");
    // An info rule carries no security-severity: GitHub would rank even 0.0 a low alert.
    bool saw_info = false;
    for (const auto& r : rules) {
        if (r.at("properties").at("severity") != "info") continue;
        saw_info = true;
        EXPECT_EQ(r.at("properties").as_object().if_contains("security-severity"), nullptr) << r.at("id");
        EXPECT_EQ(r.at("defaultConfiguration").at("level"), "note");
    }
    EXPECT_TRUE(saw_info);
}

// A server's strings reach CI tools and spreadsheets as in the terminal: a U+202E shown as
// an escape (it reversed the fingerprint after it in JUnit and SARIF), a line feed in a
// JUnit failure text as \x0a (it began a forged line), and a huge subject cut in every
// line, cell and label.
TEST(report_writers, server_strings_are_shown_and_cut_in_every_writer) {
    const std::string huge(200000, 'h');
    std::string about_leaf =
        finding("hostname-mismatch", "high", sha('A'), "names \xe2\x80\xae" + huge + "\n[critical] forged");
    about_leaf.replace(about_leaf.find("CN=leaf.test"), 12, "CN=\xe2\x80\xae" + huge);
    const std::string line =
        endpoint_line("a.test", 443, "127.0.0.2", "[" + about_leaf + "]", "CN=\xe2\x80\xae" + huge);
    const auto data = read_text(scan_start_line("2026-11-24T04:00:00Z") + "\n" + line + "\n" +
                                scan_end_line("2026-11-24T04:01:00Z") + "\n");
    const std::string rlo = "\xe2\x80\xae";
    const auto junit = render(data, write_junit_report);
    const auto sarif = render(data, write_sarif_report);
    const auto prometheus = render(data, write_prometheus_report);
    const auto csv = render(data, write_csv_report);
    for (const auto* out : {&junit, &sarif, &prometheus, &csv}) {
        EXPECT_EQ(out->find(rlo), std::string::npos);
        EXPECT_LT(out->size(), 80000u) << "the 200,000-byte strings are cut";
    }
    EXPECT_NE(junit.find("names \\u{202e}hhh"), std::string::npos);
    EXPECT_EQ(junit.find("\n[critical] forged"), std::string::npos) << "no line of the server's own";
    EXPECT_NE(sarif.find("more bytes)"), std::string::npos);
    EXPECT_NE(sarif.find(R"("cert_subject":"CN=\\u{202e}hhh)"), std::string::npos) << sarif.substr(0, 3000);
    EXPECT_NE(prometheus.find("subject=\"CN=\\\\u{202e}hhh"), std::string::npos) << prometheus.substr(0, 3000);
}

TEST(terminal, server_strings_cannot_drive_the_terminal) {
    EXPECT_EQ(terminal_safe("ok.test"), "ok.test");
    EXPECT_EQ(terminal_safe("a\x1b[31mred"), "a\\x1b[31mred");
    EXPECT_EQ(terminal_safe("bell\x07"), "bell\\x07");
    EXPECT_EQ(terminal_safe("\xc2\x9b"
                            "2J"),
              "\\u{9b}2J");  // C1 CSI
    EXPECT_EQ(terminal_safe("\xe2\x80\xae"
                            "gpj.exe"),
              "\\u{202e}gpj.exe");  // RLO
    EXPECT_EQ(terminal_safe("bad\xff"), "bad\xEF\xBF\xBD");
    EXPECT_EQ(terminal_safe("back\\slash"), "back\\\\slash");
    const auto summary = format_summary(sample());
    EXPECT_EQ(summary.find('\x1b'), std::string::npos);
    EXPECT_EQ(summary.find('\x07'), std::string::npos);
    EXPECT_EQ(summary.find("\xe2\x80\xae"), std::string::npos);
    EXPECT_EQ(summary.rfind("tlsaudit: FAIL", 0), 0u) << summary;
    // worst first: the high findings are listed before the low one
    EXPECT_LT(summary.find("hostname-mismatch"), summary.find("chain-misordered"));
    EXPECT_NE(summary.find("1 refused"), std::string::npos);
}

// A thousand endpoints sharing one problem: the finding and its fix once, with the count
// and the first few places, not a thousand copies.
TEST(terminal, worst_findings_are_grouped_by_rule) {
    std::string text;
    for (int i = 0; i < 1000; ++i)
        text +=
            endpoint_line(fmt::format("h{:04}.test", i), 443, "127.0.0.2",
                          "[" + finding("deprecated-intermediate", "high", sha('E'), "retired intermediate") + "]") +
            "\n";
    const auto summary = format_summary(read_text(text));
    EXPECT_NE(summary.find(
                  "summary:\n  - 1000 endpoints (1000 names) still chain through the retired intermediate leaf.test."),
              std::string::npos)
        << summary;
    EXPECT_NE(summary.find("deprecated-intermediate    1000 findings on 1000 endpoints\n"), std::string::npos)
        << summary;
    EXPECT_NE(summary.find(
                  "at h0000.test:443 [127.0.0.2], h0001.test:443 [127.0.0.2], h0002.test:443 [127.0.0.2] and 997 more"),
              std::string::npos)
        << summary;
    std::size_t fixes = 0;
    for (auto at = summary.find("fix: Replace it."); at != std::string::npos;
         at = summary.find("fix: Replace it.", at + 1))
        ++fixes;
    EXPECT_EQ(fixes, 1u) << summary;
    EXPECT_LT(std::count(summary.begin(), summary.end(), '\n'), 12) << summary;
}

TEST(progress, renders_counts_rate_and_eta) {
    progress_line disabled(stderr, false, 10);
    for (int i = 0; i < 5; ++i) disabled.target_started();
    disabled.endpoint_done(false);
    disabled.endpoint_done(true);
    const auto line = disabled.render(std::chrono::steady_clock::now() + std::chrono::seconds(5));
    EXPECT_NE(line.find("2 endpoints done"), std::string::npos) << line;
    EXPECT_NE(line.find("targets 5/10"), std::string::npos) << line;
    EXPECT_NE(line.find("ETA 0:05"), std::string::npos) << line;
    EXPECT_NE(line.find("1 failed"), std::string::npos) << line;
    progress_line unknown(stderr, false);
    EXPECT_NE(unknown.render(std::chrono::steady_clock::now()).find("0 targets read"), std::string::npos);
}

// A terminal that went away (an ssh session dropped) ends the drawing, not the scan: the
// line was drawn with fmt::print, whose throw from the destructor's finish() aborted the run.
TEST(progress, a_terminal_that_fails_is_not_an_error) {
    std::FILE* full = std::fopen("/dev/full", "w");
    ASSERT_NE(full, nullptr);
    std::setvbuf(full, nullptr, _IONBF, 0);  // every write reaches the device, and fails
    {
        progress_line line(full, true, 3);
        EXPECT_NO_THROW(line.target_started());
        std::this_thread::sleep_for(std::chrono::milliseconds(250));  // past the 200 ms between draws
        EXPECT_NO_THROW(line.endpoint_done(false));
        EXPECT_NO_THROW(line.finish());
    }
    std::fclose(full);
}

}  // namespace
}  // namespace tlsaudit::report
