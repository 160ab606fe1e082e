// Baselines and the --fail-on policy (report/baseline.hpp, report_data.hpp).

#include "report_fixture.hpp"

#include <tlsaudit/report/baseline.hpp>
#include <tlsaudit/report/json_report.hpp>
#include <tlsaudit/report/ndjson_reader.hpp>
#include <tlsaudit/report/terminal.hpp>

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace tlsaudit::report {
namespace {

using namespace tlsaudit::report::testing;

std::filesystem::path write_report(const report_data& data, const std::string& name) {
    const auto path = std::filesystem::temp_directory_path() /
                      ("tlsaudit-baseline-" + name + "-" + std::to_string(::getpid()) + ".json");
    std::ofstream out(path);
    write_json_report(data, out);
    return path;
}

// The record of one site on 127.0.0.1:443: its SNI and its findings.
std::string site(const std::string& sni, const std::string& findings) {
    auto line = endpoint_line("127.0.0.1", 443, "127.0.0.1", findings);
    const std::string from = R"("sni":"127.0.0.1")";
    line.replace(line.find(from), from.size(), R"("sni":")" + sni + "\"");
    return line + "\n";
}

TEST(baseline, marks_new_unchanged_and_resolved) {
    const auto old_path = write_report(
        read_text(endpoint_line("a.test", 443, "127.0.0.2",
                                "[" + finding("deprecated-intermediate", "high", sha('1')) + "," +
                                    finding("cert-expiring", "medium", sha('2')) + "]") +
                  "\n" + name_line("n.test", 443, "[" + finding("inconsistent-deployment", "high") + "]") + "\n"),
        "old");
    // The new scan: same finding on another address of the same name (load balancer),
    // the expiring certificate was replaced, a new finding appeared; the name is fixed.
    auto now = read_text(endpoint_line("a.test", 443, "127.0.0.9",
                                       "[" + finding("deprecated-intermediate", "high", sha('1')) + "," +
                                           finding("hostname-mismatch", "high", sha('3')) + "]") +
                         "\n" + endpoint_line("n.test", 443, "127.0.0.3", "[]") + "\n");
    apply_baseline(now, load_baseline(old_path));
    ASSERT_EQ(now.endpoints[0].findings.size(), 2u);
    for (const auto& f : now.endpoints[0].findings) {
        const auto expected = f.id == "hostname-mismatch" ? baseline_state::new_finding : baseline_state::unchanged;
        EXPECT_EQ(f.baseline, expected) << f.id;
    }
    ASSERT_EQ(now.resolved.size(), 2u);
    EXPECT_EQ(now.resolved[0].id, "cert-expiring");
    EXPECT_EQ(now.resolved[0].cert_sha256, sha('2'));
    EXPECT_EQ(now.resolved[1].id, "inconsistent-deployment");
    const auto c = count(now);
    EXPECT_EQ(c.new_findings, 1u);
    EXPECT_EQ(c.resolved, 2u);
    EXPECT_TRUE(now.not_verified.empty());
    std::filesystem::remove(old_path);
}

// A finding is resolved only where the new scan looked: an endpoint that failed to scan,
// one of two addresses that failed, or a target left out proves nothing fixed.
TEST(baseline, what_could_not_be_scanned_is_not_verified_not_resolved) {
    const auto old_path = write_report(
        read_text(
            endpoint_line("down.test", 443, "127.0.0.2", "[" + finding("weak-key", "medium", sha('1')) + "]") + "\n" +
            endpoint_line("half.test", 443, "127.0.0.3", "[" + finding("cert-expiring", "medium", sha('2')) + "]") +
            "\n" + endpoint_line("gone.test", 443, "127.0.0.4", "[" + finding("self-signed", "high", sha('3')) + "]") +
            "\n" + endpoint_line("fixed.test", 443, "127.0.0.5", "[" + finding("weak-key", "medium", sha('5')) + "]") +
            "\n"),
        "not-verified");
    auto now = read_text(error_line("down.test", 443, "127.0.0.2", "refused") + "\n" +
                         endpoint_line("half.test", 443, "127.0.0.3", "[]") + "\n" +
                         error_line("half.test", 443, "127.0.0.6", "timeout-connect") + "\n" +
                         endpoint_line("fixed.test", 443, "127.0.0.5", "[]") + "\n");
    apply_baseline(now, load_baseline(old_path));
    ASSERT_EQ(now.resolved.size(), 1u);
    EXPECT_EQ(now.resolved[0].host, "fixed.test");
    ASSERT_EQ(now.not_verified.size(), 3u);
    EXPECT_EQ(now.not_verified[0].host, "down.test");
    EXPECT_EQ(now.not_verified[1].host, "gone.test");
    EXPECT_EQ(now.not_verified[2].host, "half.test");
    EXPECT_EQ(count(now).resolved, 1u);
    std::filesystem::remove(old_path);
}

// Run 1 sees weak-key on down.test; run 2 (baseline run 1) cannot reach it and carries the
// finding as not verified; run 3 (baseline run 2) sees it again: known, not new.
TEST(baseline, what_a_report_carried_unverified_is_still_known_to_the_next) {
    const auto run1 = write_report(
        read_text(endpoint_line("down.test", 443, "127.0.0.2", "[" + finding("weak-key", "medium", sha('1')) + "]") +
                  "\n"),
        "run1");
    auto second = read_text(error_line("down.test", 443, "127.0.0.2", "refused") + "\n");
    apply_baseline(second, load_baseline(run1));
    ASSERT_EQ(second.not_verified.size(), 1u);
    const auto run2 = write_report(second, "run2");
    auto third = read_text(endpoint_line("down.test", 443, "127.0.0.2",
                                         "[" + finding("weak-key", "medium", sha('1')) + "," +
                                             finding("cert-expiring", "low", sha('1')) + "]") +
                           "\n");
    apply_baseline(third, load_baseline(run2));
    ASSERT_EQ(third.endpoints[0].findings.size(), 2u);
    for (const auto& f : third.endpoints[0].findings)
        EXPECT_EQ(f.baseline, f.id == "weak-key" ? baseline_state::unchanged : baseline_state::new_finding) << f.id;
    std::filesystem::remove(run1);
    std::filesystem::remove(run2);
}

// Sites told apart by SNI on one address (`127.0.0.1:443 sni=a.test`, `sni=b.test`) are
// two identities: a.test breaking with the certificate b.test served before is new, and
// b.test fixed is resolved (they were one identity, so the gate let the regression through).
TEST(baseline, sites_on_one_address_are_told_apart_by_their_sni) {
    const auto mismatch = "[" + finding("hostname-mismatch", "high", sha('c')) + "]";
    const auto old_path = write_report(read_text(site("a.test", "[]") + site("b.test", mismatch)), "sni");
    auto now = read_text(site("a.test", mismatch) + site("b.test", "[]"));
    apply_baseline(now, load_baseline(old_path));
    ASSERT_EQ(now.endpoints.size(), 2u);
    for (const auto& e : now.endpoints)
        for (const auto& f : e.findings) EXPECT_EQ(f.baseline, baseline_state::new_finding) << e.sni;
    ASSERT_EQ(now.resolved.size(), 1u);
    EXPECT_EQ(now.resolved[0].sni, "b.test");
    // The resolved row says which site, and a report carrying it reads back the same.
    std::ostringstream json;
    write_json_report(now, json);
    EXPECT_NE(json.str().find(R"("sni":"b.test","starttls":null)"), std::string::npos);
    // So does the terminal summary.
    const auto summary = format_summary(now);
    EXPECT_NE(summary.find("127.0.0.1:443 sni=b.test\n"), std::string::npos) << summary;
    std::filesystem::remove(old_path);
}

// A site left out of the run (its line removed) is not verified, though another site of the
// same address and port was scanned: nothing says the one left out was fixed.
TEST(baseline, a_site_left_out_is_not_verified_beside_another_of_its_address) {
    const auto mismatch = "[" + finding("hostname-mismatch", "high", sha('c')) + "]";
    const auto old_path = write_report(read_text(site("a.test", "[]") + site("b.test", mismatch)), "left-out");
    auto now = read_text(site("a.test", "[]"));
    apply_baseline(now, load_baseline(old_path));
    EXPECT_TRUE(now.resolved.empty());
    ASSERT_EQ(now.not_verified.size(), 1u);
    EXPECT_EQ(now.not_verified[0].sni, "b.test");
    std::filesystem::remove(old_path);
}

TEST(baseline, a_reissued_certificate_is_a_new_finding) {
    const auto old_path = write_report(
        read_text(endpoint_line("a.test", 443, "127.0.0.2", "[" + finding("weak-key", "medium", sha('1')) + "]") +
                  "\n"),
        "reissued");
    auto now = read_text(
        endpoint_line("a.test", 443, "127.0.0.2", "[" + finding("weak-key", "medium", sha('4')) + "]") + "\n");
    apply_baseline(now, load_baseline(old_path));
    EXPECT_EQ(now.endpoints[0].findings[0].baseline, baseline_state::new_finding);
    EXPECT_EQ(now.resolved.size(), 1u);
    std::filesystem::remove(old_path);
}

// report_schema_version 1 wrote fingerprints in upper case: such a baseline still
// matches today's lower-case findings (none is "new", none "resolved").
TEST(baseline, a_version_1_baseline_with_upper_case_fingerprints_still_matches) {
    const auto old_path =
        std::filesystem::temp_directory_path() / ("tlsaudit-baseline-v1-" + std::to_string(::getpid()) + ".json");
    std::ofstream(old_path) << R"({"format":"tlsaudit-report","report_schema_version":1,"endpoints":[)"
                               R"({"target":{"host":"a.test","port":443},"findings":[)"
                               R"({"id":"weak-key","severity":"medium","message":"m","cert":{"position":0,"sha256":")"
                            << sha('A') << R"("}}]}],"names":[]})";
    auto now = read_text(
        endpoint_line("a.test", 443, "127.0.0.2", "[" + finding("weak-key", "medium", sha('a')) + "]") + "\n");
    apply_baseline(now, load_baseline(old_path));
    EXPECT_EQ(now.endpoints[0].findings[0].baseline, baseline_state::unchanged);
    EXPECT_TRUE(now.resolved.empty());
    std::filesystem::remove(old_path);
}

TEST(baseline, refuses_what_is_not_a_json_report) {
    const auto path =
        std::filesystem::temp_directory_path() / ("tlsaudit-baseline-bad-" + std::to_string(::getpid()) + ".json");
    std::ofstream(path) << R"({"schema_version":1,"type":"endpoint"})";
    EXPECT_THROW(load_baseline(path), std::runtime_error);
    // A report of a newer layout, or one without its endpoints (every finding would be new).
    for (const std::string text : {R"({"format":"tlsaudit-report","report_schema_version":3,"endpoints":[]})",
                                   R"({"format":"tlsaudit-report","report_schema_version":"2","endpoints":[]})",
                                   R"({"format":"tlsaudit-report","report_schema_version":2})"}) {
        std::ofstream(path) << text;
        EXPECT_THROW(load_baseline(path), std::runtime_error) << text;
    }
    std::ofstream(path) << R"({"format":"tlsaudit-report","report_schema_version":2,"endpoints":[]})";
    EXPECT_TRUE(load_baseline(path).findings.empty());
    EXPECT_THROW(load_baseline("/nonexistent/old.json"), std::runtime_error);
    std::filesystem::remove(path);
}

TEST(policy, fail_on_threshold_and_new_only) {
    auto data = read_text(
        endpoint_line("a.test", 443, "127.0.0.2", "[" + finding("weak-key", "medium", sha('1')) + "]") + "\n");
    data.fail_on = severity::high;
    EXPECT_FALSE(fails(data));
    data.fail_on = severity::medium;
    EXPECT_TRUE(fails(data));
    data.fail_on = std::nullopt;  // --fail-on none
    EXPECT_FALSE(fails(data));
    data.fail_on = severity::low;
    data.fail_on_new = true;
    data.endpoints[0].findings[0].baseline = baseline_state::unchanged;
    EXPECT_FALSE(fails(data));
    data.endpoints[0].findings[0].baseline = baseline_state::new_finding;
    EXPECT_TRUE(fails(data));
    // Scan errors never fail the findings policy: --fail-on-errors judges them
    // (error_policy_test.cpp).
    auto errors = read_text(error_line("b.test", 443, "127.0.0.3", "refused") + "\n");
    errors.fail_on = severity::info;
    EXPECT_FALSE(fails(errors));
    EXPECT_TRUE(judge_errors(errors).fails);
}

}  // namespace
}  // namespace tlsaudit::report
