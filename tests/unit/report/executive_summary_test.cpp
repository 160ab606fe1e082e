// The executive summary on plain report data: grouping by rule, order, counts, dates,
// the sentences, and the verdict.

#include <tlsaudit/report/executive_summary.hpp>

#include <fmt/format.h>

#include <gtest/gtest.h>

namespace tlsaudit::report {
namespace {

finding_row make_finding(const std::string& id, severity level, const std::string& rule = "",
                         const std::string& message = "message", const std::string& remediation = "Replace it.") {
    finding_row f;
    f.id = id;
    f.level = level;
    f.rule = rule;
    f.message = message;
    f.remediation = remediation;
    return f;
}

endpoint_row make_endpoint(const std::string& host, const std::string& address, const std::string& not_after,
                           std::vector<finding_row> findings) {
    endpoint_row e;
    e.host = host;
    e.sni = host;
    e.port = 443;
    e.address = address;
    cert_row leaf;
    leaf.subject = "CN=" + host;
    leaf.not_after = not_after;
    leaf.sha256 = fmt::format("{:064}", std::hash<std::string>{}(host + address) % 1000000007);
    e.chain.push_back(leaf);
    e.findings = std::move(findings);
    e.status = status_of(e.findings);
    return e;
}

const std::string retired_fix =
    "Reissue the certificate with a new key pair under GlobalSign GCC R3 DV TLS CA 2020 and deploy the new full chain.";

finding_row retired() {
    auto f = make_finding("deprecated-intermediate", severity::high, "globalsign-rsa-dv-ssl-ca-2018", "retired",
                          retired_fix);
    f.cert_position = 1;
    f.cert_subject = "CN=GlobalSign RSA DV SSL CA 2018,O=GlobalSign nv-sa,C=BE";
    f.cert_sha256 = std::string(64, 'E');
    return f;
}

TEST(executive_summary, one_item_per_rule_most_severe_first) {
    report_data data;
    for (int i = 0; i < 1000; ++i)
        data.endpoints.push_back(
            make_endpoint(fmt::format("host-{:04}.test", i), "10.0.0.1", "2027-06-01T00:00:00Z", {retired()}));
    data.endpoints.push_back(make_endpoint("revoked-a.test", "10.0.0.2", "2027-01-01T00:00:00Z",
                                           {make_finding("leaf-revoked", severity::critical)}));
    data.endpoints.push_back(make_endpoint("revoked-b.test", "10.0.0.3", "2027-01-01T00:00:00Z",
                                           {make_finding("leaf-revoked", severity::critical)}));
    name_row shop;
    shop.host = shop.sni = "shop.test";
    shop.port = 443;
    shop.findings.push_back(
        make_finding("inconsistent-deployment", severity::high, "", "two chains", "Redeploy everywhere."));
    data.names.push_back(shop);

    const auto items = executive_summary(data);
    ASSERT_EQ(items.size(), 3u);
    EXPECT_EQ(items[0].rule, "leaf-revoked");
    EXPECT_EQ(items[0].level, severity::critical);
    EXPECT_EQ(items[0].count, 2u);
    EXPECT_EQ(items[0].headline, "2 certificates on 2 endpoints (2 names) are revoked.");

    // The same finding on a thousand endpoints is one item, with its fix once.
    const auto& gs = items[1];
    EXPECT_EQ(gs.rule, "globalsign-rsa-dv-ssl-ca-2018");
    EXPECT_EQ(gs.id, "deprecated-intermediate");
    EXPECT_EQ(gs.title, "Retired intermediate in the chain");
    EXPECT_EQ(gs.count, 1000u);
    EXPECT_EQ(gs.endpoints, 1000u);
    EXPECT_EQ(gs.names, 1000u);
    EXPECT_EQ(gs.findings.size(), 1000u);
    EXPECT_EQ(gs.remediations, std::vector<std::string>{retired_fix});
    EXPECT_EQ(
        gs.headline,
        "1000 endpoints (1000 names) still chain through the retired intermediate GlobalSign RSA DV SSL CA 2018.");
    EXPECT_EQ(gs.text, gs.headline + " Fix: " + retired_fix);
    EXPECT_FALSE(gs.earliest_deadline) << "a retired intermediate is fixed now, not by a date";

    // Findings on a whole name refer to the name rows.
    const auto& name = items[2];
    EXPECT_EQ(name.id, "inconsistent-deployment");
    EXPECT_EQ(name.endpoints, 0u);
    EXPECT_EQ(name.names, 1u);
    ASSERT_EQ(name.findings.size(), 1u);
    EXPECT_TRUE(name.findings[0].name);
    EXPECT_EQ(name.findings[0].row, 0u);
    EXPECT_EQ(name.headline, "Inconsistent deployment: 1 name.");
}

// Within a severity, the finding on more endpoints comes first, whatever the count of
// findings: a weak key on a whole chain (3 findings on 1 endpoint) after a retired
// intermediate on 2 endpoints.
TEST(executive_summary, within_a_severity_more_endpoints_first) {
    report_data data;
    const auto weak = make_finding("weak-key", severity::high);
    data.endpoints.push_back(make_endpoint("one.test", "10.0.0.1", "2027-01-01T00:00:00Z", {weak, weak, weak}));
    data.endpoints.push_back(make_endpoint("a.test", "10.0.0.2", "2027-01-01T00:00:00Z", {retired()}));
    data.endpoints.push_back(make_endpoint("b.test", "10.0.0.3", "2027-01-01T00:00:00Z", {retired()}));
    const auto items = executive_summary(data);
    ASSERT_EQ(items.size(), 2u);
    EXPECT_EQ(items[0].id, "deprecated-intermediate");
    EXPECT_EQ(items[1].id, "weak-key");
    EXPECT_EQ(items[1].count, 3u);
}

TEST(executive_summary, replace_by_dates_for_a_discontinued_issuer) {
    report_data data;
    auto discontinued = [](const std::string& expiry) {
        return make_finding("issuer-discontinued", severity::medium, "entrust-discontinued", "issued under Entrust",
                            "Plan the replacement before the certificate expires (" + expiry + ").");
    };
    for (const auto* expiry : {"2027-05-01T00:00:00Z", "2027-01-15T00:00:00Z", "2027-01-20T00:00:00Z"})
        data.endpoints.push_back(
            make_endpoint(fmt::format("e{}.test", data.endpoints.size()), "10.0.0.9", expiry, {discontinued(expiry)}));
    const auto items = executive_summary(data);
    ASSERT_EQ(items.size(), 1u);
    EXPECT_EQ(items[0].earliest_deadline, "2027-01-15T00:00:00Z");
    EXPECT_EQ(items[0].remediations.size(), 3u) << "each distinct fix text is kept";
    EXPECT_NE(
        items[0].text.find("3 certificates on 3 endpoints (3 names) come from an issuer that can no longer sell or "
                           "renew them. They expire between 2027-01-15 and 2027-05-01 (2 in 2027-01, 1 in 2027-05): "
                           "replace the first by 2027-01-15."),
        std::string::npos)
        << items[0].text;
    EXPECT_NE(items[0].text.find("(and 2 more fixes"), std::string::npos) << items[0].text;
    // Evaluated after the first expired: the replacement is overdue, not due on a past date.
    data.meta.options["evaluated_at"] = "2027-02-01T00:00:00Z";
    const auto late = executive_summary(data);
    ASSERT_EQ(late.size(), 1u);
    EXPECT_NE(late[0].text.find("(2 in 2027-01, 1 in 2027-05): the first expired on 2027-01-15, replace them now."),
              std::string::npos)
        << late[0].text;
    EXPECT_EQ(late[0].text.find("replace the first by"), std::string::npos) << late[0].text;
}

TEST(executive_summary, names_the_root_programs_that_distrust) {
    report_data data;
    const std::string message =
        "the leaf chains to an Entrust root and was issued after the root programs' cut-off: distrusted by Chrome 131+ "
        "(notBefore 2026-12-04T20:00:12Z is after 2024-11-11T23:59:59Z), Apple (notBefore 2026-12-04T20:00:12Z is "
        "after "
        "2024-11-15T23:59:59Z), Mozilla (notBefore 2026-12-04T20:00:12Z is after 2024-11-30T23:59:59Z); the chain "
        "contains CN=Entrust Certification Authority - L1K,O=Entrust\\, Inc.,C=US (served at position 1)";
    data.endpoints.push_back(
        make_endpoint("entrust.test", "10.0.0.1", "2027-03-05T20:00:12Z",
                      {make_finding("issuer-distrusted", severity::high, "entrust-tls-distrust-2024", message)}));
    const auto items = executive_summary(data);
    ASSERT_EQ(items.size(), 1u);
    EXPECT_EQ(items[0].headline,
              "1 certificate on 1 endpoint (1 name) is distrusted by Chrome 131+, Apple and Mozilla.");
    // Rejected already: the fix is due now, not by its expiry (it said "replace it by then").
    EXPECT_FALSE(items[0].earliest_deadline);
    EXPECT_NE(items[0].text.find("The programs named reject it already: replace it now."), std::string::npos)
        << items[0].text;
}

// Mozilla's cut-off (2024-11-30) is later than Chrome's and Apple's: a leaf issued between
// them is distrusted by two programs only, and the headline does not overstate Mozilla.
TEST(executive_summary, counts_each_program_when_they_do_not_all_distrust_every_certificate) {
    report_data data;
    const std::string all_three =
        "issued after the root programs' cut-off: distrusted by Chrome 131+ (notBefore 2024-12-10T00:00:00Z is "
        "after 2024-11-11T23:59:59Z), Apple (...), Mozilla (...); the chain contains CN=L1K";
    const std::string two =
        "issued after the root programs' cut-off: distrusted by Chrome 131+ (notBefore 2024-11-20T00:00:00Z is "
        "after 2024-11-11T23:59:59Z), Apple (...); the chain contains CN=L1K";
    data.endpoints.push_back(make_endpoint("late.test", "10.0.0.1", "2025-12-01T00:00:00Z",
                                           {make_finding("issuer-distrusted", severity::high, "entrust", all_three)}));
    data.endpoints.push_back(make_endpoint("between.test", "10.0.0.2", "2025-12-01T00:00:00Z",
                                           {make_finding("issuer-distrusted", severity::high, "entrust", two)}));
    // The same certificate on another endpoint counts once for each program.
    auto copy = make_endpoint("between.test", "10.0.0.3", "2025-12-01T00:00:00Z",
                              {make_finding("issuer-distrusted", severity::high, "entrust", two)});
    copy.chain = data.endpoints.back().chain;
    data.endpoints.push_back(copy);
    const auto items = executive_summary(data);
    ASSERT_EQ(items.size(), 1u);
    EXPECT_EQ(items[0].headline,
              "2 certificates on 3 endpoints (2 names) are distrusted by Chrome 131+ (2 of them), Apple (2 of them) "
              "and Mozilla (1 of them).");
}

TEST(executive_summary, one_endpoint_counted_once_and_the_chain_a_finding_names) {
    report_data data;
    auto e = make_endpoint("dual.test", "10.0.0.1", "2027-09-01T00:00:00Z", {});
    other_chain_row rsa;
    rsa.index = 1;
    rsa.probes = {"rsa"};
    cert_row rsa_leaf;
    rsa_leaf.position = 0;
    rsa_leaf.not_after = "2027-02-01T00:00:00Z";
    rsa_leaf.sha256 = std::string(64, 'F');
    rsa.chain.push_back(rsa_leaf);
    e.other_chains.push_back(rsa);
    auto on_rsa = make_finding("cert-expiring", severity::medium);
    on_rsa.chain = 1;
    on_rsa.cert_position = 0;
    e.findings = {make_finding("cert-expiring", severity::medium), on_rsa};
    data.endpoints.push_back(e);

    EXPECT_EQ(cert_of(data.endpoints[0], on_rsa), &data.endpoints[0].other_chains[0].chain[0]);
    const auto items = executive_summary(data);
    ASSERT_EQ(items.size(), 1u);
    EXPECT_EQ(items[0].count, 2u);
    EXPECT_EQ(items[0].endpoints, 1u);
    EXPECT_EQ(items[0].earliest_deadline, "2027-02-01T00:00:00Z") << "the RSA chain's leaf expires first";
    EXPECT_EQ(items[0].headline, "2 certificates on 1 endpoint (1 name) expire soon.");
    EXPECT_NE(items[0].text.find("The first expires on 2027-02-01."), std::string::npos) << items[0].text;
}

TEST(executive_summary, scan_and_input_errors_come_last) {
    report_data data;
    data.endpoints.push_back(make_endpoint("ok.test", "10.0.0.1", "2026-01-01T00:00:00Z",
                                           {make_finding("cert-expired", severity::critical)}));
    for (const auto* code : {"refused", "timeout-handshake", "refused"}) {
        endpoint_row e;
        e.host = e.sni = fmt::format("down-{}.test", data.endpoints.size());
        e.error_code = code;
        e.status = "error";
        data.endpoints.push_back(e);
    }
    data.input_errors.push_back({7, "bad line", "no host"});
    const auto items = executive_summary(data);
    ASSERT_EQ(items.size(), 3u);
    EXPECT_EQ(items[0].headline, "1 certificate on 1 endpoint (1 name) has expired.");
    EXPECT_NE(items[0].text.find("The first expired on 2026-01-01."), std::string::npos);
    EXPECT_EQ(items[1].rule, "scan-error");
    EXPECT_FALSE(items[1].level);
    EXPECT_EQ(items[1].count, 3u);
    EXPECT_EQ(items[1].headline, "3 endpoints (3 names) could not be scanned: 2 refused and 1 timeout-handshake.");
    EXPECT_EQ(items[2].rule, "input-error");
    EXPECT_EQ(items[2].headline, "1 line of the target list could not be read.");
}

TEST(executive_summary, nothing_to_say_for_a_clean_scan) {
    report_data data;
    data.endpoints.push_back(make_endpoint("ok.test", "10.0.0.1", "2027-01-01T00:00:00Z", {}));
    EXPECT_TRUE(executive_summary(data).empty());
}

TEST(verdict_sentence, states_the_policy) {
    report_data data;
    data.endpoints.push_back(make_endpoint(
        "a.test", "10.0.0.1", "2027-01-01T00:00:00Z",
        {make_finding("hostname-mismatch", severity::high), make_finding("chain-misordered", severity::low)}));
    data.fail_on = severity::high;
    EXPECT_EQ(verdict_sentence(data), "FAIL: 1 finding at or above high (the policy: fail on high).");
    data.fail_on = severity::critical;
    EXPECT_EQ(verdict_sentence(data), "PASS: no finding at or above critical.");
    data.fail_on = std::nullopt;
    EXPECT_EQ(verdict_sentence(data), "PASS: the policy fails on nothing.");
    data.fail_on = severity::low;
    data.fail_on_new = true;
    data.endpoints[0].findings[1].baseline = baseline_state::new_finding;
    EXPECT_EQ(verdict_sentence(data),
              "FAIL: 1 new finding at or above low (the policy: fail on low, new findings only).");
}

}  // namespace
}  // namespace tlsaudit::report
