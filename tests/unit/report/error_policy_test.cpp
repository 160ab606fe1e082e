// --fail-on-errors: parsing the policy, judging a report by it, and saying so
// (report/error_policy.hpp, report_data.hpp, executive_summary.hpp).

#include "report_fixture.hpp"

#include <tlsaudit/report/csv_report.hpp>
#include <tlsaudit/report/error_policy.hpp>
#include <tlsaudit/report/executive_summary.hpp>
#include <tlsaudit/report/html_report.hpp>
#include <tlsaudit/report/json_report.hpp>
#include <tlsaudit/report/junit_report.hpp>
#include <tlsaudit/report/prometheus_report.hpp>
#include <tlsaudit/report/sarif_report.hpp>
#include <tlsaudit/report/terminal.hpp>

#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>

namespace tlsaudit::report {
namespace {

using namespace tlsaudit::report::testing;
using mode = error_policy::mode;

TEST(error_policy, parses_every_form) {
    EXPECT_EQ(parse_error_policy("none").kind, mode::none);
    EXPECT_EQ(parse_error_policy("all"), error_policy{});  // the default
    const auto count = parse_error_policy("3");
    EXPECT_EQ(count.kind, mode::count);
    EXPECT_EQ(count.max_count, 3u);
    EXPECT_EQ(parse_error_policy("0").max_count, 0u);
    const auto share = parse_error_policy("12.5%");
    EXPECT_EQ(share.kind, mode::share);
    EXPECT_DOUBLE_EQ(share.max_percent, 12.5);
    EXPECT_DOUBLE_EQ(parse_error_policy("100%").max_percent, 100.0);
    const auto classes = parse_error_policy("10%:timeout-connect,dns,refused,dns");
    EXPECT_EQ(classes.kind, mode::share);
    EXPECT_EQ(classes.classes, (std::vector<std::string>{"dns", "refused", "timeout-connect"}));
    EXPECT_EQ(parse_error_policy("all:input-error").classes, std::vector<std::string>{"input-error"});
}

TEST(error_policy, refuses_what_is_not_a_policy) {
    for (const char* bad :
         {"",     "some",     "ALL",  "-1",       "1.5",      "1e3",     "150%",  "%",    ".5%",  "5.%",
          "10%%", "none:dns", "all:", "all:dns,", "all:,dns", "all:dsn", "3:DNS", " all", "all ", "99999999999"}) {
        EXPECT_THROW(parse_error_policy(bad), std::invalid_argument) << '"' << bad << '"';
    }
    try {
        parse_error_policy("10%:dsn");
        FAIL();
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("unknown error class 'dsn'"), std::string::npos) << e.what();
    }
}

TEST(error_policy, writes_itself_back_as_given) {
    for (const char* text : {"none", "all", "0", "7", "10%", "12.5%", "all:dns", "10%:dns,refused,timeout-connect"})
        EXPECT_EQ(to_string(parse_error_policy(text)), text);
}

// Every code in model.hpp's error_codes is a class the policy accepts: a code added
// there without being added to error_policy.cpp fails here.
TEST(error_policy, accepts_every_error_code_of_the_model) {
    std::ifstream in(TLSAUDIT_MODEL_HPP);
    ASSERT_TRUE(in);
    std::stringstream text;
    text << in.rdbuf();
    const std::string s = text.str();
    const auto begin = s.find("namespace error_codes {");
    const auto end = s.find("}  // namespace error_codes", begin);
    ASSERT_NE(begin, std::string::npos);
    ASSERT_NE(end, std::string::npos);
    const std::string block = s.substr(begin, end - begin);
    static const std::regex constant(R"re(constexpr\s+const\s+char\*\s+\w+\s*=\s*"([^"]+)")re");
    std::size_t seen = 0;
    for (std::sregex_iterator it(block.begin(), block.end(), constant), last; it != last; ++it, ++seen)
        EXPECT_NO_THROW(parse_error_policy("all:" + (*it)[1].str())) << (*it)[1].str();
    EXPECT_GE(seen, 15u);
}

TEST(error_policy, thresholds_are_what_is_tolerated) {
    const error_counts one_of_ten{10, 9, 1}, two_of_ten{10, 8, 2}, none_scanned{2, 0, 2}, empty{0, 0, 0};
    const auto share = parse_error_policy("10%");
    EXPECT_FALSE(exceeds(share, one_of_ten));
    EXPECT_TRUE(exceeds(share, two_of_ten));
    EXPECT_FALSE(exceeds(share, empty));
    const auto count = parse_error_policy("1");
    EXPECT_FALSE(exceeds(count, one_of_ten));
    EXPECT_TRUE(exceeds(count, two_of_ten));
    EXPECT_TRUE(exceeds(parse_error_policy("0"), one_of_ten));
    const auto all = parse_error_policy("all");
    EXPECT_FALSE(exceeds(all, two_of_ten));
    EXPECT_TRUE(exceeds(all, none_scanned));
    EXPECT_TRUE(exceeds(all, empty)) << "an audit that scanned nothing does not pass";
    EXPECT_FALSE(exceeds(parse_error_policy("all:dns"), empty)) << "with classes: only a failure of them fails";
    EXPECT_FALSE(exceeds(parse_error_policy("none"), none_scanned));
}

TEST(error_policy, judges_a_report_by_class) {
    auto data = read_text(error_line("a.test", 443, "127.0.0.2", "refused") + "\n" +
                          error_line("b.test", 443, "127.0.0.3", "dns") + "\n" +
                          endpoint_line("c.test", 443, "127.0.0.4", "[]") + "\n");
    data.input_errors.push_back({4, "not a target", "not a host name"});
    auto v = judge_errors(data);
    EXPECT_EQ(v.counts.units, 4u);
    EXPECT_EQ(v.counts.scanned, 1u);
    EXPECT_EQ(v.failed, 3u);
    EXPECT_EQ(v.by_class, (std::map<std::string, std::size_t>{{"dns", 1}, {"input-error", 1}, {"refused", 1}}));
    EXPECT_FALSE(v.fails) << "all: one endpoint was scanned";
    data.on_errors = parse_error_policy("50%");
    EXPECT_TRUE(judge_errors(data).fails) << "3 of 4";
    data.on_errors = parse_error_policy("50%:refused,input-error");
    v = judge_errors(data);
    EXPECT_EQ(v.counts.counted, 2u);
    EXPECT_FALSE(v.fails) << "2 of 4 is not more than half";
    data.on_errors = parse_error_policy("1:input-error");
    EXPECT_FALSE(judge_errors(data).fails);
    data.on_errors = parse_error_policy("0:input-error");
    EXPECT_TRUE(judge_errors(data).fails);
}

TEST(error_policy, sentences_never_pass_over_nothing_scanned) {
    auto data = read_text(error_line("a.test", 443, "127.0.0.2", "refused") + "\n" +
                          error_line("b.test", 443, "127.0.0.3", "refused") + "\n");
    EXPECT_EQ(errors_sentence(data),
              "FAIL: 2 of 2 endpoints could not be scanned (2 refused); the policy --fail-on-errors all fails when no "
              "endpoint could be scanned.");
    EXPECT_EQ(verdict_sentence(data), "NOT VERIFIED: no endpoint was scanned, so no finding could be looked for.");
    data.on_errors = parse_error_policy("none");
    data.fail_on = std::nullopt;
    EXPECT_EQ(errors_sentence(data),
              "PASS: 2 of 2 endpoints could not be scanned (2 refused); the policy --fail-on-errors none never fails "
              "on them.");
    EXPECT_EQ(verdict_sentence(data), "NOT VERIFIED: no endpoint was scanned, so no finding could be looked for.");

    // With classes, the sentence says how many of the failures the policy counted.
    data.on_errors = parse_error_policy("1:refused,dns");
    EXPECT_EQ(errors_sentence(data),
              "FAIL: 2 of 2 endpoints could not be scanned (2 refused); 2 in the classes it counts; the policy "
              "--fail-on-errors 1:dns,refused fails when more than that many could not be scanned.");
    data.on_errors = parse_error_policy("5:dns");
    EXPECT_EQ(errors_sentence(data),
              "PASS: 2 of 2 endpoints could not be scanned (2 refused); 0 in the classes it counts; the policy "
              "--fail-on-errors 5:dns fails when more than that many could not be scanned.");

    auto clean = read_text(endpoint_line("c.test", 443, "127.0.0.4", "[]") + "\n");
    EXPECT_EQ(errors_sentence(clean), "PASS: every endpoint was scanned.");
    clean.input_errors.push_back({2, "x y", "bad"});
    EXPECT_EQ(errors_sentence(clean),
              "PASS: 1 line of the target list could not be read; the policy --fail-on-errors all fails when no "
              "endpoint could be scanned.");
    EXPECT_EQ(errors_sentence(report_data{}),
              "FAIL: the input held no target, so nothing was scanned; the policy --fail-on-errors all fails when no "
              "endpoint could be scanned.");
}

}  // namespace
}  // namespace tlsaudit::report

namespace tlsaudit::report {
namespace {

using namespace tlsaudit::report::testing;

// Every writer's text over `data`, in one string.
std::string every_writer(const report_data& data) {
    std::ostringstream json, junit, sarif, prometheus, csv, html;
    write_json_report(data, json);
    write_junit_report(data, junit);
    write_sarif_report(data, sarif);
    write_prometheus_report(data, prometheus);
    write_csv_report(data, csv);
    write_html_report(data, html);
    return json.str() + junit.str() + sarif.str() + prometheus.str() + csv.str() + html.str() + format_summary(data) +
           errors_sentence(data);
}

TEST(error_policy, the_verdict_is_judged_once_and_every_writer_reads_it) {
    auto data =
        read_text(scan_start_line("2026-01-01T00:00:00Z") + "\n" + error_line("a.test", 443, "127.0.0.2", "refused") +
                  "\n" + error_line("b.test", 443, "127.0.0.3", "dns") + "\n" +
                  endpoint_line("c.test", 443, "127.0.0.4", "[" + finding("cert-expiring", "medium") + "]") + "\n" +
                  scan_end_line("2026-01-01T00:01:00Z") + "\n");
    data.on_errors = parse_error_policy("1");
    const auto unsettled = every_writer(data);
    settle_verdicts(data);
    ASSERT_TRUE(data.errors);
    EXPECT_EQ(*data.errors, judge_errors(data)) << "the verdict settled is the one judged from the rows";
    EXPECT_TRUE(data.errors->fails) << "2 failures, 1 tolerated";
    EXPECT_EQ(every_writer(data), unsettled) << "settling changes no output";

    // The writers read the settled verdict and judge nothing again: one that says the
    // opposite of the rows shows up in every output that states it.
    data.errors->fails = false;
    data.errors->by_class["timeout-handshake"] = 7;
    std::ostringstream json, junit, sarif, prometheus;
    write_json_report(data, json);
    write_junit_report(data, junit);
    write_sarif_report(data, sarif);
    write_prometheus_report(data, prometheus);
    EXPECT_NE(json.str().find(R"("timeout-handshake":7)"), std::string::npos) << json.str();
    EXPECT_EQ(junit.str().find("tlsaudit scan errors"), std::string::npos) << junit.str();
    EXPECT_EQ(sarif.str().find("fail-on-errors"), std::string::npos) << sarif.str();
    EXPECT_NE(prometheus.str().find("tlsaudit_scan_failed{policy=\"errors\"} 0"), std::string::npos)
        << prometheus.str();
    EXPECT_NE(errors_sentence(data).find("PASS"), std::string::npos) << errors_sentence(data);
    EXPECT_EQ(format_summary(data).find("FAIL"), std::string::npos) << format_summary(data);
}

}  // namespace
}  // namespace tlsaudit::report
