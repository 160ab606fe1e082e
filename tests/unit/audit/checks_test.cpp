// audit_chain on plain data: each built-in finding raised, and not raised.

#include "test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace tlsaudit::audit {
namespace {

using namespace tlsaudit::testing;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

chain_case good_chain(const std::string& name = "www.example.com") {
    chain_case c;
    c.name = name;
    c.serve(leaf(name, "Int"), 0).serve(ca("Int", "Root", "2"), 1).unserved(ca("Root", "Root", "3"), 2).trusted();
    return c;
}

TEST(checks, a_good_chain_has_no_finding) { EXPECT_THAT(ids(good_chain().run()), IsEmpty()); }

TEST(checks, validity_moves_with_the_evaluation_time) {
    auto c = good_chain();
    c.certs[0].info->not_after = at("2025-06-20");
    c.when = at("2025-05-01");
    EXPECT_THAT(ids(c.run()), IsEmpty());
    c.when = at("2025-06-01");
    const auto expiring = c.run();
    ASSERT_THAT(ids(expiring), ElementsAre("cert-expiring"));
    EXPECT_EQ(expiring[0].level, severity::medium);
    EXPECT_EQ(expiring[0].cert->position, 0);
    EXPECT_THAT(ids(c.run(default_catalogue(), {.expiry_warn_days = 10})), IsEmpty());
    c.when = at("2025-06-21");
    const auto expired = c.run();
    ASSERT_THAT(ids(expired), ElementsAre("cert-expired"));
    EXPECT_EQ(expired[0].level, severity::critical);
    c.when = at("2025-06-20");  // notAfter itself: expired, as OpenSSL's verification says
    EXPECT_THAT(ids(c.run()), ElementsAre("cert-expired"));
    c.when = at("2025-06-20") - std::chrono::seconds(1);
    EXPECT_THAT(ids(c.run()), ElementsAre("cert-expiring"));
    c.certs[0].info->not_before = at("2025-06-10");
    c.when = at("2025-06-01");
    const auto early = c.run();
    ASSERT_THAT(ids(early), ElementsAre("cert-not-yet-valid"));
    EXPECT_EQ(early[0].level, severity::high);
}

TEST(checks, an_expired_intermediate_or_root_counts_too) {
    auto c = good_chain();
    c.verdict.path[2].info.not_after = at("2025-01-01");
    const auto f = c.run();
    ASSERT_THAT(ids(f), ElementsAre("cert-expired"));
    EXPECT_EQ(f[0].cert->position, -1);
    EXPECT_EQ(f[0].cert->subject, "CN=Root");
}

TEST(checks, hostname_mismatch) {
    auto c = good_chain();
    c.name = "other.example.com";
    const auto f = c.run();
    ASSERT_THAT(ids(f), ElementsAre("hostname-mismatch"));
    EXPECT_EQ(f[0].level, severity::high);
    EXPECT_NE(f[0].message.find("www.example.com"), std::string::npos);
    c.name = "";  // no name asked: nothing to compare
    EXPECT_THAT(ids(c.run()), IsEmpty());
}

TEST(checks, hostname_mismatch_says_why_a_public_suffix_wildcard_does_not_cover) {
    auto c = good_chain();
    c.certs[0].info->dns_names = {"*.co.uk"};
    c.name = "shop.co.uk";
    const auto f = c.run();
    ASSERT_THAT(ids(f), ElementsAre("hostname-mismatch"));
    EXPECT_THAT(f[0].message, ::testing::HasSubstr("*.co.uk; a wildcard over a public suffix"));
    EXPECT_THAT(ids(c.run(audit::default_catalogue(), {.profile = validation_profile::openssl})), IsEmpty());
}

TEST(checks, untrusted_chain) {
    auto c = good_chain();
    c.error(verify_problem::untrusted_root, 2);
    const auto f = c.run();
    ASSERT_THAT(ids(f), ElementsAre("chain-untrusted"));
    EXPECT_NE(f[0].message.find("self-signed root"), std::string::npos);
}

TEST(checks, missing_issuer_is_untrusted) {
    chain_case c;
    c.name = "www.example.com";
    c.serve(leaf("www.example.com", "Int"), 0).error(verify_problem::missing_issuer, 0);
    ASSERT_THAT(ids(c.run()), ElementsAre("chain-untrusted"));
}

TEST(checks, expiry_errors_do_not_make_the_chain_untrusted) {
    auto c = good_chain();
    c.certs[0].info->not_after = at("2025-01-01");
    c.error(verify_problem::expired, 0);
    EXPECT_THAT(ids(c.run()), ElementsAre("cert-expired"));
}

TEST(checks, self_signed_leaf) {
    chain_case c;
    c.name = "self.example";
    c.serve(leaf("self.example", "self.example"), 0).error(verify_problem::self_signed_leaf, 0);
    EXPECT_THAT(ids(c.run()), ElementsAre("self-signed"));
}

TEST(checks, incomplete_chain_names_the_missing_intermediate) {
    chain_case c;
    c.name = "www.example.com";
    c.serve(leaf("www.example.com", "Int"), 0)
        .unserved(ca("Int", "Root", "2"), 1)
        .unserved(ca("Root", "Root", "3"), 2)
        .trusted();
    const auto f = c.run();
    ASSERT_THAT(ids(f), ElementsAre("chain-incomplete"));
    EXPECT_EQ(f[0].cert->subject, "CN=Int");
    EXPECT_EQ(f[0].cert->position, -1);
}

// The trust store holds a renewed copy of the served intermediate (same name and key) and
// the path goes through it: the server sends what a client needs.
TEST(checks, a_store_copy_of_a_served_intermediate_is_not_missing) {
    chain_case c;
    c.name = "www.example.com";
    auto served = ca("Int", "Root", "2");
    auto renewed = ca("Int", "Root", "2");
    renewed.sha256 = std::string(64, 'e');
    c.serve(leaf("www.example.com", "Int"), 0)
        .serve(served, -1)
        .unserved(renewed, 1)
        .unserved(ca("Root", "Root", "3"), 2)
        .trusted();
    EXPECT_THAT(ids(c.run()), IsEmpty());
    auto other_key = ca("Int", "Root", "4");  // a new key under the old name: still missing
    chain_case d;
    d.name = "www.example.com";
    d.serve(leaf("www.example.com", "Int"), 0)
        .serve(served, -1)
        .unserved(other_key, 1)
        .unserved(ca("Root", "Root", "3"), 2)
        .trusted();
    EXPECT_THAT(ids(d.run()), ElementsAre("chain-incomplete", "chain-extra-certs"));
}

TEST(checks, misordered_chain) {
    chain_case c;
    c.name = "www.example.com";
    c.serve(leaf("www.example.com", "I2"), 0)
        .serve(ca("I1", "Root", "5"), 2)
        .serve(ca("I2", "I1", "4"), 1)
        .unserved(ca("Root", "Root", "3"), 3)
        .trusted();
    EXPECT_THAT(ids(c.run()), ElementsAre("chain-misordered"));
    EXPECT_THAT(ids(good_chain().run()), IsEmpty());
}

TEST(checks, misordered_by_names_without_a_verdict) {
    chain_case c;
    c.serve(leaf("www.example.com", "I2"), -1).serve(ca("I1", "Root", "5"), -1).serve(ca("I2", "I1", "4"), -1);
    chain_input in;
    in.served = c.served;
    in.certs = c.certs;
    in.at = c.when;
    EXPECT_THAT(ids(audit_chain(in, default_catalogue(), {})), ElementsAre("chain-misordered"));
}

TEST(checks, extra_certificates) {
    auto c = good_chain();
    c.serve(ca("Unrelated", "Other Root", "9"), -1);
    const auto f = c.run();
    ASSERT_THAT(ids(f), ElementsAre("chain-extra-certs"));
    EXPECT_EQ(f[0].cert->position, 2);
    EXPECT_EQ(f[0].level, severity::low);
}

// The intermediate twice, or the leaf again: each copy after the first is extra (they
// raised nothing).
TEST(checks, a_certificate_served_twice_is_extra) {
    auto c = good_chain();
    // Outside the path, as the verdict maps each path certificate to its first served copy.
    c.serve(ca("Int", "Root", "2"), -1).serve(leaf("www.example.com", "Int"), -1);
    const auto f = c.run();
    ASSERT_THAT(ids(f), ElementsAre("chain-extra-certs", "chain-extra-certs"));
    EXPECT_EQ(f[0].cert->position, 2);
    EXPECT_THAT(f[0].message, ::testing::HasSubstr("is served twice (first at position 1)"));
    EXPECT_EQ(f[1].cert->position, 3);
    EXPECT_THAT(f[1].message, ::testing::HasSubstr("is served twice (first at position 0)"));
}

TEST(checks, a_cross_signed_copy_of_a_path_key_is_not_extra) {
    auto c = good_chain();
    auto cross = ca("Root", "Older Root", "7");
    cross.spki_sha256 = c.verdict.path[2].info.spki_sha256;
    c.serve(cross, -1);
    EXPECT_THAT(ids(c.run()), IsEmpty());
}

// weak-* do not depend on the profile; the browser profile's forbidden-* are below.
TEST(checks, weak_keys_and_signatures) {
    const audit::options openssl{.profile = validation_profile::openssl};
    auto c = good_chain();
    c.certs[0].info->key_type = "RSA";
    c.certs[0].info->key_bits = 1024;
    c.certs[1].info->signature_algorithm = "sha1WithRSAEncryption";
    c.verdict.path[2].info.signature_algorithm = "sha1WithRSAEncryption";  // a root's self-signature: ignored
    const auto f = c.run(default_catalogue(), openssl);
    ASSERT_THAT(ids(f), ElementsAre("weak-key", "weak-signature"));
    EXPECT_EQ(f[0].cert->position, 0);
    EXPECT_EQ(f[1].cert->position, 1);

    auto ec = good_chain();
    ec.certs[0].info->key_bits = 224;
    ec.certs[0].info->signature_algorithm = "md5WithRSAEncryption";
    EXPECT_THAT(ids(ec.run(default_catalogue(), openssl)), ElementsAre("weak-key", "weak-signature"));
    auto strong = good_chain();
    strong.certs[0].info->key_type = "RSA";
    strong.certs[0].info->key_bits = 2048;
    EXPECT_THAT(ids(strong.run()), IsEmpty());
}

TEST(checks, severity_overrides_apply) {
    auto rules = default_catalogue();
    rules.severities["hostname-mismatch"] = severity::info;
    auto c = good_chain();
    c.name = "other.example.com";
    EXPECT_EQ(c.run(rules)[0].level, severity::info);
}

TEST(checks, unparsable_leaf) {
    chain_input in;
    const std::vector<bytes> served{bytes{1, 2, 3}};
    const std::vector<parsed_cert> certs{parsed_cert{std::nullopt, "not DER"}};
    in.served = served;
    in.certs = certs;
    const auto f = audit_chain(in, default_catalogue(), {});
    ASSERT_THAT(ids(f), ElementsAre("chain-untrusted"));
    EXPECT_FALSE(f[0].cert.has_value());
}

TEST(status, highest_severity_ok_or_error) {
    endpoint_result r;
    EXPECT_EQ(status_of(r), "ok");
    r.findings.push_back({"a", severity::low, {}, "", "", ""});
    r.findings.push_back({"b", severity::high, {}, "", "", ""});
    EXPECT_EQ(status_of(r), "high");
    r.cap.error = scan_error{"connect", "refused", ""};
    EXPECT_EQ(status_of(r), "error");
}

}  // namespace
}  // namespace tlsaudit::audit
