// The summary built from records as a scan writes them equals, byte for byte, the one
// built from the same records read back (read_ndjson), under every policy.

#include "report_fixture.hpp"

#include <tlsaudit/report/summary_accumulator.hpp>
#include <tlsaudit/report/terminal.hpp>

#include <boost/json/parse.hpp>

#include <fmt/format.h>

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

namespace tlsaudit::report {
namespace {

using namespace testing;

summary_digest accumulate(const std::string& text) {
    summary_accumulator summary;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) summary.add(boost::json::parse(line).as_object());
    return summary.finish();
}

// Records out of report order; clean endpoints (no row kept), failed ones, one finding
// kind on several endpoints and certificates, findings on a name, an input error.
std::string mixed_records() {
    const std::string distrusted = finding("issuer-distrusted", "high", sha('c'),
                                           "The chain is distrusted by Chrome 131+ (after 2024-11-11), Apple (after "
                                           "2024-11-15); the chain anchors at Entrust.");
    std::string text = scan_start_line("2026-11-24T04:00:00Z") + "\n";
    text += endpoint_line("z.test", 443, "127.0.0.9", "[" + finding("cert-expiring", "medium", sha('d')) + "]") + "\n";
    text += endpoint_line("clean.test", 443, "127.0.0.1", "[]") + "\n";
    text += error_line("down.test", 443, "127.0.0.5", "refused") + "\n";
    text += endpoint_line("a.test", 443, "127.0.0.3",
                          "[" + distrusted + "," + finding("hostname-mismatch", "high", "", "wrong name") + "]") +
            "\n";
    text += endpoint_line("a.test", 443, "127.0.0.2", "[" + distrusted + "]") + "\n";
    text += endpoint_line("clean2.test", 8443, "127.0.0.4", "[]") + "\n";
    text += error_line("late.test", 443, "", "dns") + "\n";
    text += name_line("a.test", 443, "[" + finding("inconsistent-deployment", "high", "", "two chains") + "]") + "\n";
    text += R"({"schema_version":1,"type":"input-error","line":7,"input":"not a target","error":"bad port"})"
            "\n";
    text += scan_end_line("2026-11-24T04:01:00Z") + "\n";
    return text;
}

void expect_same_summary(const std::string& text) {
    const std::vector<std::pair<std::optional<severity>, std::string>> policies{
        {severity::high, "all"}, {std::nullopt, "0"}, {severity::critical, "10%:refused"}, {severity::info, "none"}};
    for (const auto& [fail_on, errors] : policies) {
        auto read = read_text(text);
        auto built = accumulate(text);
        read.fail_on = built.fail_on = fail_on;
        read.on_errors = built.on_errors = parse_error_policy(errors);
        EXPECT_EQ(format_summary(built), format_summary(read)) << errors;
        EXPECT_EQ(fails(built), fails(read)) << errors;
        EXPECT_EQ(judge_errors(built), judge_errors(read)) << errors;
        EXPECT_EQ(built.meta.complete(), read.meta.complete());
    }
}

TEST(summary_accumulator, equals_the_summary_of_the_records_read_back) {
    const auto text = mixed_records();
    expect_same_summary(text);
    const auto built = accumulate(text);
    EXPECT_EQ(built.endpoints_ok, 5u);
    EXPECT_EQ(built.groups.size(), 4u);
    const auto summary = format_summary(built);
    EXPECT_NE(summary.find("7 endpoints (5 scanned, 2 failed to scan)"), std::string::npos) << summary;
    EXPECT_NE(summary.find("distrusted by Chrome 131+ and Apple"), std::string::npos) << summary;
}

TEST(summary_accumulator, only_clean_or_only_failed_endpoints) {
    const std::string clean = endpoint_line("clean.test", 443, "127.0.0.1", "[]") + "\n";
    expect_same_summary(scan_start_line("2026-11-24T04:00:00Z") + "\n" + clean + scan_end_line("2026-11-24T04:01:00Z") +
                        "\n");
    EXPECT_NE(format_summary(accumulate(clean)).find("tlsaudit: PASS"), std::string::npos);
    const std::string failed = error_line("down.test", 443, "127.0.0.5", "refused") + "\n";
    expect_same_summary(failed);
    EXPECT_NE(format_summary(accumulate(failed)).find("NOT VERIFIED"), std::string::npos);
    expect_same_summary("");
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
        text.replace(at, from.size(), to);
    return text;
}

// More than the summary lists: 25 kinds of finding (20 listed), kinds on dozens of
// endpoints (3 places named each), several fixes and expiry dates per kind, certificates
// shared by some endpoints, failed endpoints and names, all out of report order.
std::string beyond_the_bounds() {
    std::vector<std::string> lines;
    for (int i = 0; i < 240; ++i) {
        const auto host = fmt::format("h{:03}.test", (i * 37) % 240);
        const auto address = fmt::format("127.0.{}.{}", i % 3, 1 + i % 200);
        if (i % 11 == 0) {
            lines.push_back(error_line(host, 443, address, i % 2 ? "refused" : "timeout-connect"));
            continue;
        }
        std::string findings;
        const auto kind = fmt::format("custom-{:02}", i % 25);
        findings += finding(kind, i % 4 ? "medium" : "high", sha(static_cast<char>('a' + i % 5)),
                            fmt::format("problem {} of {}", kind, host));
        if (i % 3 == 0) {
            // Expiry: a date per certificate, some certificates on several endpoints.
            auto expiring = finding("cert-expiring", "medium", sha(static_cast<char>('a' + i % 7)), "expires soon");
            auto line =
                endpoint_line(host, 8443, address, "[" + expiring + "," + findings + "]", fmt::format("CN={}", host));
            // The certificate's date goes with its fingerprint (i % 7); some fixes differ.
            line = replaced(line, "2027-01-01T00:00:00Z", fmt::format("2027-{:02}-15T00:00:00Z", 1 + i % 7));
            if (i % 4 == 0) line = replaced(line, "Replace it.", "Replace it now.");
            lines.push_back(line);
            continue;
        }
        if (i % 5 == 0) findings += "," + finding("hostname-mismatch", "high", "", "wrong name " + host);
        lines.push_back(endpoint_line(host, 443, address, "[" + findings + "]"));
        if (i % 2 == 0) lines.push_back(endpoint_line(host, 9443, address, "[]"));
    }
    for (int i = 0; i < 30; ++i)
        lines.push_back(name_line(fmt::format("n{:02}.test", (i * 7) % 30), 443,
                                  "[" + finding("inconsistent-deployment", "high", "", "two chains") + "]"));
    std::string text = scan_start_line("2026-11-24T04:00:00Z") + "\n";
    for (const auto& l : lines) text += l + "\n";
    return text + scan_end_line("2026-11-24T04:01:00Z") + "\n";
}

TEST(summary_accumulator, beyond_what_the_summary_lists_the_text_is_the_same) {
    const auto text = beyond_the_bounds();
    expect_same_summary(text);
    const auto built = accumulate(text);
    EXPECT_EQ(built.groups.size(), 28u) << "25 custom kinds, expiring, mismatch, the names' kind";
    for (const auto& g : built.groups) EXPECT_LE(g.places.places.size(), summary_options{}.places) << g.id;
    const auto summary = format_summary(built);
    EXPECT_NE(summary.find("more kinds of finding"), std::string::npos) << summary;
    EXPECT_NE(summary.find(" more\n"), std::string::npos) << summary;
}

TEST(summary_accumulator, an_interrupted_scan_is_incomplete) {
    const auto text = scan_start_line("2026-11-24T04:00:00Z") + "\n" +
                      endpoint_line("clean.test", 443, "127.0.0.1", "[]") + "\n" +
                      R"({"schema_version":1,"type":"scan-end","finished_at":"2026-11-24T04:01:00Z","complete":false})";
    EXPECT_FALSE(accumulate(text).meta.complete());
    EXPECT_FALSE(accumulate(scan_start_line("2026-11-24T04:00:00Z")).meta.complete());
}

}  // namespace
}  // namespace tlsaudit::report
