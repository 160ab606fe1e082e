// The browser profile with real certificates: the facts scanner/x509 reads for it, and
// OpenSSL's strict mode in the verdict, on lab certificates made to break one rule each.

#include <tlsaudit/audit.hpp>
#include <tlsaudit/lab/pki.hpp>
#include <tlsaudit/trust.hpp>
#include <tlsaudit/x509.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>

#include <chrono>
#include <stdexcept>

namespace tlsaudit {
namespace {

using ::testing::Contains;
using ::testing::Not;

time_point now() { return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()); }

cert_info parse(const bytes& der) {
    std::string error;
    auto info = x509::parse_certificate(der, error);
    if (!info) throw std::runtime_error(error);
    return *info;
}

const lab::credential& root() {
    static const lab::credential r =
        lab::make_self_signed(lab::ca_spec("Profile Root"), lab::lab_key(lab::key_kind::ec_p256, 60));
    return r;
}

lab::credential leaf(lab::cert_spec spec) { return lab::issue(root(), spec, lab::lab_key(lab::key_kind::ec_p256, 61)); }

x509::trust_store store(validation_profile profile) {
    x509::trust_options o;
    o.system_default = false;
    o.extra_roots = {root().der};
    o.profile = profile;
    return x509::trust_store{o};
}

TEST(profile_facts, a_lab_leaf_is_what_the_baseline_requirements_ask) {
    const auto c = parse(leaf(lab::leaf_spec("facts.example")).der);
    EXPECT_EQ(c.version, 3);
    EXPECT_EQ(c.serial_octets, 16);
    EXPECT_EQ(c.signature_key, "EC");
    EXPECT_EQ(c.signature_digest, "SHA256");
    EXPECT_FALSE(c.aia_malformed);
    EXPECT_FALSE(c.san_critical);
}

TEST(profile_facts, serial_signature_aia_and_san_criticality) {
    auto zero = lab::leaf_spec("zero.example");
    zero.serial = {0x00};
    EXPECT_EQ(parse(leaf(zero).der).serial_hex, "00");

    auto twenty_one = lab::leaf_spec("long.example");
    twenty_one.serial = bytes(20, 0x80);  // 20 octets of magnitude, a 21st for the sign in DER
    EXPECT_EQ(parse(leaf(twenty_one).der).serial_octets, 21);

    auto sha1 = lab::leaf_spec("sha1.example");
    sha1.digest = "sha1";
    EXPECT_EQ(parse(leaf(sha1).der).signature_digest, "SHA1");

    auto aia = lab::leaf_spec("aia.example");
    aia.extra_extensions.push_back({"1.3.6.1.5.5.7.1.1", {0x04, 0x03, 'b', 'a', 'd'}, false});
    EXPECT_TRUE(parse(leaf(aia).der).aia_malformed);

    auto san = lab::leaf_spec("san.example");
    san.dns_names.clear();
    // SEQUENCE { [2] "san.example" }, marked critical beside the subject CN=san.example.
    san.extra_extensions.push_back(
        {"2.5.29.17", {0x30, 0x0d, 0x82, 0x0b, 's', 'a', 'n', '.', 'e', 'x', 'a', 'm', 'p', 'l', 'e'}, true});
    const auto critical = parse(leaf(san).der);
    EXPECT_TRUE(critical.san_critical);
    EXPECT_EQ(critical.dns_names, std::vector<std::string>{"san.example"});
}

TEST(profile_verify, strict_rules_refuse_under_browser_only) {
    auto spec = lab::leaf_spec("noaki.example");
    spec.key_identifiers = false;  // no AKI: RFC 5280 4.2.1.1
    const std::vector<bytes> chain{leaf(spec).der};

    const auto browser = store(validation_profile::browser).verify(chain, now());
    EXPECT_FALSE(browser.trusted);
    ASSERT_FALSE(browser.errors.empty());
    EXPECT_EQ(browser.errors.front().problem, verify_problem::profile_rule);
    EXPECT_EQ(browser.errors.front().depth, 0);

    const auto openssl = store(validation_profile::openssl).verify(chain, now());
    EXPECT_TRUE(openssl.trusted);

    parsed_cert p{parse(chain.front()), {}};
    audit::chain_input in{chain, std::span(&p, 1), "noaki.example", now(), &browser, {}};
    std::vector<std::string> ids;
    for (const auto& f : audit::audit_chain(in, audit::default_catalogue(), {})) ids.push_back(f.id);
    EXPECT_THAT(ids, Contains("rfc5280-violation"));
    EXPECT_THAT(ids, Not(Contains("chain-untrusted")));
}

// A P-256 key written with explicit parameters (RFC 5480 allows only a named curve).
lab::key explicit_p256_key() {
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr);
    EVP_PKEY* pkey = nullptr;
    char group[] = "P-256", encoding[] = "explicit";
    const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, group, 0),
                                 OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_EC_ENCODING, encoding, 0),
                                 OSSL_PARAM_construct_end()};
    const bool made = ctx != nullptr && EVP_PKEY_keygen_init(ctx) == 1 && EVP_PKEY_CTX_set_params(ctx, params) == 1 &&
                      EVP_PKEY_generate(ctx, &pkey) == 1;
    EVP_PKEY_CTX_free(ctx);
    if (!made) throw std::runtime_error("cannot make an explicit-parameter key");
    return lab::key(pkey);
}

// OpenSSL 3.0 refuses explicit EC parameters even without X509_V_FLAG_X509_STRICT: under
// the openssl profile that is chain-untrusted; under the browser profile the rule's own
// finding, rfc5280-violation.
TEST(profile_verify, explicit_ec_parameters_are_untrusted_under_openssl_and_a_rule_under_browser) {
    const std::vector<bytes> chain{lab::issue(root(), lab::leaf_spec("explicit.example"), explicit_p256_key()).der};
    parsed_cert p{parse(chain.front()), {}};
    const auto ids_under = [&](validation_profile profile) {
        const auto verdict = store(profile).verify(chain, now());
        EXPECT_FALSE(verdict.trusted);
        audit::chain_input in{chain, std::span(&p, 1), "explicit.example", now(), &verdict, {}};
        std::vector<std::string> ids;
        for (const auto& f : audit::audit_chain(in, audit::default_catalogue(), {.profile = profile}))
            ids.push_back(f.id);
        return ids;
    };
    const auto openssl = ids_under(validation_profile::openssl);
    EXPECT_THAT(openssl, Contains("chain-untrusted"));
    EXPECT_THAT(openssl, Not(Contains("rfc5280-violation")));
    const auto browser = ids_under(validation_profile::browser);
    EXPECT_THAT(browser, Contains("rfc5280-violation"));
    EXPECT_THAT(browser, Not(Contains("chain-untrusted")));
}

// A CA certificate as ePKI Root Certification Authority is made: basicConstraints CA:TRUE not
// critical, no keyUsage (OpenSSL's strict mode refuses both).
lab::cert_spec lenient_ca(std::string name) {
    auto spec = lab::ca_spec(std::move(name));
    spec.standard_extensions = false;
    spec.extra_extensions = {{"2.5.29.19", {0x30, 0x03, 0x01, 0x01, 0xff}, false}};
    return spec;
}

// Browsers take the trust anchor as a name and a key: OpenSSL's strict checks are not
// applied to it, but still are to an intermediate made the same way.
TEST(profile_verify, strict_rules_do_not_judge_the_trust_anchor) {
    const auto anchor = lab::make_self_signed(lenient_ca("Lenient Root"), lab::lab_key(lab::key_kind::ec_p256, 62));
    const auto leaf_cert =
        lab::issue(anchor, lab::leaf_spec("anchor.example"), lab::lab_key(lab::key_kind::ec_p256, 63));
    x509::trust_options o;
    o.system_default = false;
    o.extra_roots = {anchor.der};
    const std::vector<bytes> chain{leaf_cert.der};
    const auto browser = x509::trust_store{o}.verify(chain, now());
    EXPECT_TRUE(browser.trusted);
    EXPECT_TRUE(browser.errors.empty()) << browser.errors.front().text;

    const auto intermediate =
        lab::issue(root(), lenient_ca("Lenient Intermediate"), lab::lab_key(lab::key_kind::ec_p256, 62));
    const std::vector<bytes> served{
        lab::issue(intermediate, lab::leaf_spec("int.example"), lab::lab_key(lab::key_kind::ec_p256, 63)).der,
        intermediate.der};
    const auto under = store(validation_profile::browser).verify(served, now());
    EXPECT_FALSE(under.trusted);
    ASSERT_FALSE(under.errors.empty());
    EXPECT_EQ(under.errors.front().problem, verify_problem::profile_rule);
    EXPECT_EQ(under.errors.front().depth, 1);
    EXPECT_TRUE(store(validation_profile::openssl).verify(served, now()).trusted);
}

TEST(profile_verify, a_conforming_lab_chain_is_trusted_under_both_profiles) {
    const std::vector<bytes> chain{leaf(lab::leaf_spec("fine.example")).der};
    EXPECT_TRUE(store(validation_profile::browser).verify(chain, now()).trusted);
    EXPECT_TRUE(store(validation_profile::openssl).verify(chain, now()).trusted);
}

}  // namespace
}  // namespace tlsaudit
