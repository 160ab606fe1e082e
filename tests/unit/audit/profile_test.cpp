// The browser profile on plain data: Baseline Requirements algorithms, the RFC 5280
// profile rules, no CN fallback; and the openssl profile leaving all of it out.

#include "test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace tlsaudit::audit {
namespace {

using namespace tlsaudit::testing;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

const audit::options openssl{.profile = validation_profile::openssl};

chain_case good_chain() {
    chain_case c;
    c.name = "www.example.com";
    c.serve(leaf(c.name, "Int"), 0).serve(ca("Int", "Root", "2"), 1).unserved(ca("Root", "Root", "3"), 2).trusted();
    return c;
}

TEST(profile, a_conforming_chain_has_no_finding_under_either_profile) {
    EXPECT_THAT(ids(good_chain().run()), IsEmpty());
    EXPECT_THAT(ids(good_chain().run(default_catalogue(), openssl)), IsEmpty());
}

TEST(profile, keys_outside_the_baseline_requirements_are_forbidden) {
    auto dsa = good_chain();
    dsa.certs[0].info->key_type = "DSA";
    dsa.certs[0].info->key_bits = 3072;
    const auto f = dsa.run();
    ASSERT_THAT(ids(f), ElementsAre("forbidden-key"));
    EXPECT_EQ(f[0].level, severity::high);
    EXPECT_EQ(f[0].cert->position, 0);
    EXPECT_THAT(f[0].message, HasSubstr("DSA-3072"));
    EXPECT_THAT(ids(dsa.run(default_catalogue(), openssl)), IsEmpty());

    auto p192 = good_chain();
    p192.certs[0].info->key_bits = 192;
    p192.certs[0].info->curve = "prime192v1";
    EXPECT_THAT(ids(p192.run()), ElementsAre("weak-key", "forbidden-key"));
    EXPECT_THAT(ids(p192.run(default_catalogue(), openssl)), ElementsAre("weak-key"));

    auto odd_rsa = good_chain();  // strong enough, but not a whole number of octets
    odd_rsa.verdict.path[2].info.key_type = "RSA";
    odd_rsa.verdict.path[2].info.key_bits = 2052;
    const auto root = odd_rsa.run();
    ASSERT_THAT(ids(root), ElementsAre("forbidden-key"));
    EXPECT_EQ(root[0].cert->subject, "CN=Root");

    auto rsa = good_chain();
    rsa.certs[0].info->key_type = "RSA";
    rsa.certs[0].info->key_bits = 3072;
    rsa.certs[1].info->curve = "secp384r1";
    EXPECT_THAT(ids(rsa.run()), IsEmpty());
}

TEST(profile, signatures_outside_the_baseline_requirements_are_forbidden_except_a_roots_own) {
    auto c = good_chain();
    c.certs[0].info->signature_key = "DSA";
    c.certs[1].info->signature_algorithm = "sha1WithRSAEncryption";
    c.certs[1].info->signature_key = "RSA";
    c.certs[1].info->signature_digest = "SHA1";
    c.verdict.path[2].info.signature_digest = "SHA1";  // the anchor's self-signature: never checked
    const auto f = c.run();
    ASSERT_THAT(ids(f), ElementsAre("weak-signature", "forbidden-signature", "forbidden-signature"));
    EXPECT_EQ(f[1].cert->position, 0);
    EXPECT_EQ(f[2].cert->position, 1);
    EXPECT_THAT(ids(c.run(default_catalogue(), openssl)), ElementsAre("weak-signature"));

    auto pss = good_chain();
    pss.certs[0].info->signature_key = "RSA-PSS";
    pss.certs[0].info->signature_digest = "SHA384";
    EXPECT_THAT(ids(pss.run()), IsEmpty());
}

TEST(profile, one_rfc5280_violation_per_certificate_names_every_rule) {
    auto c = good_chain();
    auto& leaf_info = *c.certs[0].info;
    leaf_info.serial_hex = "00";
    leaf_info.version = 1;
    leaf_info.aia_malformed = true;
    c.certs[1].info->serial_octets = 21;
    c.certs[1].info->san_critical = true;
    const auto f = c.run();
    ASSERT_THAT(ids(f), ElementsAre("rfc5280-violation", "rfc5280-violation"));
    EXPECT_EQ(f[0].level, severity::high);
    EXPECT_EQ(f[0].cert->position, 0);
    EXPECT_THAT(f[0].message, HasSubstr("X.509 v1"));
    EXPECT_THAT(f[0].message, HasSubstr("serial number is zero"));
    EXPECT_THAT(f[0].message, HasSubstr("authorityInfoAccess"));
    EXPECT_EQ(f[1].cert->position, 1);
    EXPECT_THAT(f[1].message, HasSubstr("21 octets"));
    EXPECT_THAT(f[1].message, HasSubstr("subjectAltName is critical"));
    EXPECT_THAT(ids(c.run(default_catalogue(), openssl)), IsEmpty());

    auto empty_subject = good_chain();  // a critical SAN is what RFC 5280 wants then
    empty_subject.certs[0].info->subject.clear();
    empty_subject.certs[0].info->san_critical = true;
    EXPECT_THAT(ids(empty_subject.run()), IsEmpty());
}

TEST(profile, the_trust_anchor_is_a_name_and_a_key) {
    auto c = good_chain();
    c.verdict.path[2].info.serial_hex = "00";  // as Go Daddy and Starfield G2 roots
    c.verdict.path[2].info.version = 1;
    EXPECT_THAT(ids(c.run()), IsEmpty());
}

TEST(profile, openssl_strict_refusals_become_rfc5280_violations_not_chain_untrusted) {
    auto c = good_chain();
    c.verdict.errors.push_back({verify_problem::profile_rule, 1, 85, "Missing Authority Key Identifier"});
    c.verdict.trusted = false;
    const auto f = c.run();
    ASSERT_THAT(ids(f), ElementsAre("rfc5280-violation"));
    EXPECT_EQ(f[0].cert->position, 1);
    EXPECT_THAT(f[0].message, HasSubstr("Missing Authority Key Identifier"));

    c.error(verify_problem::missing_issuer, 1);  // a real trust failure still says so
    EXPECT_THAT(ids(c.run()), ElementsAre("chain-untrusted", "rfc5280-violation"));
}

TEST(profile, no_common_name_fallback_and_the_message_says_why) {
    auto c = good_chain();
    c.certs[0].info->dns_names.clear();
    c.certs[0].info->subject_cn = c.name;
    const auto f = c.run();
    ASSERT_THAT(ids(f), ElementsAre("hostname-mismatch"));
    EXPECT_THAT(f[0].message, HasSubstr("(it covers: no SAN; CN " + c.name));
    EXPECT_THAT(f[0].message, HasSubstr("Chrome since 58"));
    EXPECT_THAT(ids(c.run(default_catalogue(), openssl)), IsEmpty());
    // A SAN that names only a URI or an e-mail address is a SAN all the same: said so.
    c.certs[0].info->has_san = true;
    const auto g = c.run();
    ASSERT_THAT(ids(g), ElementsAre("hostname-mismatch"));
    EXPECT_THAT(g[0].message, HasSubstr("(it covers: a SAN with no DNS name or IP address; CN " + c.name));
}

}  // namespace
}  // namespace tlsaudit::audit
