// Findings and option parsing from plain statuses.

#include <tlsaudit/revocation.hpp>

#include <gtest/gtest.h>

namespace tlsaudit::revocation {
namespace {

std::vector<parsed_cert> two_certs() {
    std::vector<parsed_cert> certs(2);
    certs[0].info = cert_info{};
    certs[0].info->subject = "CN=leaf";
    certs[0].info->sha256 = "AA";
    certs[1].info = cert_info{};
    certs[1].info->subject = "CN=ca";
    return certs;
}

TEST(findings, revoked_leaf_is_critical) {
    chain_status status(2);
    status[0] = revocation_status{"revoked", "ocsp", "keyCompromise", time_point{std::chrono::days{20000}}};
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

TEST(findings, unknown_is_low_or_high_when_hard) {
    chain_status status(2);
    status[0] = revocation_status{"unknown", "", "ocsp: timeout after 5000 ms", std::nullopt};
    const auto soft = findings_for(status, two_certs(), false);
    ASSERT_EQ(soft.size(), 1u);
    EXPECT_EQ(soft[0].id, "revocation-unknown");
    EXPECT_EQ(soft[0].level, severity::low);
    EXPECT_NE(soft[0].message.find("timeout"), std::string::npos);
    const auto hard = findings_for(status, two_certs(), true);
    ASSERT_EQ(hard.size(), 1u);
    EXPECT_EQ(hard[0].level, severity::high);
}

TEST(findings, nothing_to_ask_is_a_finding_only_when_hard) {
    chain_status status(2);
    status[0] = revocation_status{"unknown", "", std::string(no_source_reason), std::nullopt};
    EXPECT_TRUE(findings_for(status, two_certs(), false).empty());
    const auto hard = findings_for(status, two_certs(), true);
    ASSERT_EQ(hard.size(), 1u);
    EXPECT_EQ(hard[0].id, "revocation-unknown");
}

TEST(findings, good_and_unchecked_raise_nothing) {
    chain_status status(2);
    status[0] = revocation_status{"good", "crl", "", std::nullopt};
    EXPECT_TRUE(findings_for(status, two_certs(), true).empty());
    EXPECT_TRUE(findings_for({}, {}, true).empty());
}

TEST(options, order_parsing) {
    EXPECT_EQ(parse_order("ocsp,crl"), (std::vector{method::ocsp, method::crl}));
    EXPECT_EQ(parse_order("crl,ocsp"), (std::vector{method::crl, method::ocsp}));
    EXPECT_EQ(parse_order("crl-first"), (std::vector{method::crl, method::ocsp}));
    EXPECT_EQ(parse_order("crl"), (std::vector{method::crl}));
    EXPECT_FALSE(parse_order("ldap"));
    EXPECT_FALSE(parse_order(""));
}

TEST(options, bad_options_throw) {
    options o;
    o.order.clear();
    EXPECT_THROW(checker{o}, std::invalid_argument);
    o = options{};
    o.per_host_concurrency = 0;
    EXPECT_THROW(checker{o}, std::invalid_argument);
}

}  // namespace
}  // namespace tlsaudit::revocation
