// Revocation verdicts made findings (audit::audit_revocation), from plain statuses.

#include <tlsaudit/audit.hpp>
#include <tlsaudit/rules.hpp>

#include <gtest/gtest.h>

#include <tuple>

namespace tlsaudit::audit {
namespace {

using chain_status = std::vector<std::optional<revocation_status>>;

std::vector<parsed_cert> two_certs() {
    std::vector<parsed_cert> certs(2);
    certs[0].info = cert_info{};
    certs[0].info->subject = "CN=leaf";
    certs[0].info->sha256 = "AA";
    certs[1].info = cert_info{};
    certs[1].info->subject = "CN=ca";
    return certs;
}

// The findings with no severity overrides.
std::vector<finding> findings_for(const chain_status& status, const std::vector<parsed_cert>& certs, bool hard) {
    return audit_revocation(status, certs, hard, catalogue{});
}

TEST(revocation_findings, revoked_leaf_is_critical) {
    chain_status status(2);
    status[0] = revocation_status{"revoked", "ocsp", "keyCompromise", time_point{std::chrono::days{20000}}, {}};
    const auto out = findings_for(status, two_certs(), false);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].id, "leaf-revoked");
    EXPECT_EQ(out[0].level, severity::critical);
    ASSERT_TRUE(out[0].cert);
    EXPECT_EQ(out[0].cert->position, 0);
    EXPECT_EQ(out[0].cert->subject, "CN=leaf");
    EXPECT_NE(out[0].message.find("keyCompromise"), std::string::npos);
    EXPECT_NE(out[0].message.find("2024-10-04"), std::string::npos) << out[0].message;
}

TEST(revocation_findings, unknown_is_low_or_high_when_hard) {
    chain_status status(2);
    status[0] = revocation_status{"unknown", "", "ocsp: timeout after 5000 ms", std::nullopt, {}};
    const auto soft = findings_for(status, two_certs(), false);
    ASSERT_EQ(soft.size(), 1u);
    EXPECT_EQ(soft[0].id, "revocation-unknown");
    EXPECT_EQ(soft[0].level, severity::low);
    EXPECT_NE(soft[0].message.find("timeout"), std::string::npos);
    const auto hard = findings_for(status, two_certs(), true);
    ASSERT_EQ(hard.size(), 1u);
    EXPECT_EQ(hard[0].level, severity::high);
}

TEST(revocation_findings, nothing_to_ask_is_a_finding_only_when_hard) {
    chain_status status(2);
    status[0] = revocation_status{"unknown", "", std::string(no_revocation_source_reason), std::nullopt, {}};
    EXPECT_TRUE(findings_for(status, two_certs(), false).empty());
    const auto hard = findings_for(status, two_certs(), true);
    ASSERT_EQ(hard.size(), 1u);
    EXPECT_EQ(hard[0].id, "revocation-unknown");
}

TEST(revocation_findings, good_and_unchecked_raise_nothing) {
    chain_status status(2);
    status[0] = revocation_status{"good", "crl", "", std::nullopt, {}};
    EXPECT_TRUE(findings_for(status, two_certs(), true).empty());
    EXPECT_TRUE(findings_for({}, {}, true).empty());
}

TEST(revocation_findings, an_intermediate_is_named_by_position) {
    chain_status status(2);
    status[1] = revocation_status{"revoked", "crl", "", std::nullopt, {}};
    const auto out = findings_for(status, two_certs(), false);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ((std::tuple{out[0].id, out[0].cert->position, out[0].cert->subject}),
              (std::tuple{std::string("leaf-revoked"), 1, std::string("CN=ca")}));
    EXPECT_EQ(out[0].message, "The certificate at position 1 is revoked (no reason given), according to the CA's CRL.");
}

TEST(revocation_findings, the_rules_severities_override_the_catalogue_and_hard) {
    const auto rules = parse_catalogue(
        R"({"version": "t", "extends": "default", "severities": {"leaf-revoked": "low", "revocation-unknown": "medium"}})",
        "test");
    chain_status status(2);
    status[0] = revocation_status{"revoked", "stapled", "superseded", std::nullopt, {}};
    status[1] = revocation_status{"unknown", "", "crl: refused", std::nullopt, {}};
    for (const bool hard : {false, true}) {
        const auto out = audit_revocation(status, two_certs(), hard, rules);
        ASSERT_EQ(out.size(), 2u);
        EXPECT_EQ(out[0].level, severity::low);
        EXPECT_EQ(out[1].level, severity::medium) << "hard: " << hard;
    }
    EXPECT_EQ(audit_revocation(status, two_certs(), false, default_catalogue())[0].level, severity::critical);
}

}  // namespace
}  // namespace tlsaudit::audit
