#include <tlsaudit/lab/pki.hpp>
#include <tlsaudit/lab/real_certs.hpp>

#include "test_support.hpp"

#include "ossl/der.hpp"
#include "ossl/ptr.hpp"

#include <gtest/gtest.h>

#include <openssl/x509v3.h>

#include <chrono>
#include <set>
#include <thread>

namespace tlsaudit::lab {
namespace {

using namespace std::chrono_literals;

struct free_stack {
    void operator()(STACK_OF(X509) * s) const noexcept { sk_X509_free(s); }
};
using stack_ptr = std::unique_ptr<STACK_OF(X509), free_stack>;

std::string entry_text(const X509* cert, int nid) {
    const X509_NAME* name = X509_get_subject_name(cert);
    const int at = X509_NAME_get_index_by_NID(name, nid, -1);
    if (at < 0) return "<absent>";
    const ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, at));
    return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(data)),
                       static_cast<std::size_t>(ASN1_STRING_length(data)));
}

bytes octets(const ASN1_OCTET_STRING* s) {
    if (s == nullptr) return {};
    const unsigned char* p = ASN1_STRING_get0_data(s);
    return bytes(p, p + ASN1_STRING_length(s));
}

// X509_verify_cert of `chain` (leaf first, intermediates after) against `root`.
int verify(const bytes& root, const std::vector<bytes>& chain, std::string& error) {
    ossl::x509_store_ptr store(X509_STORE_new());
    ossl::x509_ptr root_cert = ossl::decode_certificate(root);
    EXPECT_EQ(X509_STORE_add_cert(store.get(), root_cert.get()), 1);
    std::vector<ossl::x509_ptr> parsed;
    stack_ptr untrusted(sk_X509_new_null());
    for (std::size_t i = 1; i < chain.size(); ++i) {
        parsed.push_back(ossl::decode_certificate(chain[i]));
        sk_X509_push(untrusted.get(), parsed.back().get());
    }
    ossl::x509_ptr leaf = ossl::decode_certificate(chain.front());
    ossl::x509_store_ctx_ptr ctx(X509_STORE_CTX_new());
    EXPECT_EQ(X509_STORE_CTX_init(ctx.get(), store.get(), leaf.get(), untrusted.get()), 1);
    X509_VERIFY_PARAM_set1_host(X509_STORE_CTX_get0_param(ctx.get()), "localhost", 0);
    const int rc = X509_verify_cert(ctx.get());
    error = X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx.get()));
    return rc;
}

TEST(lab_key, makes_rsa_and_ec_keys_with_pem_round_trip) {
    const key rsa = key::make_rsa(1024);
    EXPECT_EQ(rsa.bits(), 1024);
    const key ec = key::make_ec("P-384");
    EXPECT_EQ(ec.bits(), 384);
    const std::string pem = ec.to_pem();
    EXPECT_EQ(pem.rfind("-----BEGIN PRIVATE KEY-----", 0), 0u);
    EXPECT_EQ(key::from_pem(pem).public_der(), ec.public_der());
    EXPECT_THROW(key::make_ec("no-such-curve"), std::runtime_error);
    EXPECT_FALSE(key{});
}

TEST(lab_key, cache_returns_the_same_key_per_slot_across_threads) {
    std::vector<EVP_PKEY*> seen(4);
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < seen.size(); ++i) {
        threads.emplace_back([&seen, i] { seen[i] = lab_key(key_kind::ec_p256, 7).get(); });
    }
    for (auto& t : threads) t.join();
    for (EVP_PKEY* p : seen) EXPECT_EQ(p, seen.front());
    EXPECT_NE(lab_key(key_kind::ec_p256, 8).get(), seen.front());
    EXPECT_EQ(lab_key(key_kind::rsa_2048, 0).bits(), 2048);
}

TEST(lab_pki, self_signed_ca_has_ca_extensions_and_verifies) {
    const credential root = make_self_signed(ca_spec("Lab Root", 1), lab_key(key_kind::ec_p256, 0));
    ossl::x509_ptr cert = ossl::decode_certificate(root.der);
    EXPECT_EQ(X509_check_ca(cert.get()), 1);
    EXPECT_EQ(X509_get_pathlen(cert.get()), 1);
    EXPECT_EQ(X509_verify(cert.get(), X509_get0_pubkey(cert.get())), 1);
    EXPECT_EQ(X509_NAME_cmp(X509_get_subject_name(cert.get()), X509_get_issuer_name(cert.get())), 0);
    EXPECT_EQ(octets(X509_get0_subject_key_id(cert.get())), octets(X509_get0_authority_key_id(cert.get())));
    EXPECT_TRUE(X509_get_key_usage(cert.get()) & KU_KEY_CERT_SIGN);
    EXPECT_EQ(root.pem().rfind("-----BEGIN CERTIFICATE-----", 0), 0u);
}

TEST(lab_pki, issued_leaf_carries_every_requested_field) {
    const credential ca = make_self_signed(ca_spec("Lab CA"), lab_key(key_kind::ec_p256, 0));
    cert_spec spec = leaf_spec("www.example.test");
    spec.organization = "Example";
    spec.country = "DE";
    spec.dns_names.push_back("*.example.test");
    spec.ip_addresses = {"127.0.0.1", "::1"};
    spec.ocsp_url = "http://127.0.0.1:8080/ocsp";
    spec.ca_issuers_url = "http://127.0.0.1:8080/ca.der";
    spec.crl_url = "http://127.0.0.1:8080/ca.crl";
    spec.serial = {0x01, 0x02, 0x03};
    const auto t0 = std::chrono::sys_days{std::chrono::year{2024} / 1 / 2};
    spec.not_before = time_point{t0};
    spec.not_after = time_point{t0 + std::chrono::days{398}};
    const credential leaf = issue(ca, spec, lab_key(key_kind::rsa_2048, 0));

    ossl::x509_ptr cert = ossl::decode_certificate(leaf.der);
    ossl::x509_ptr issuer = ossl::decode_certificate(ca.der);
    EXPECT_EQ(X509_verify(cert.get(), X509_get0_pubkey(issuer.get())), 1);
    EXPECT_EQ(X509_check_issued(issuer.get(), cert.get()), X509_V_OK);
    EXPECT_EQ(X509_check_ca(cert.get()), 0);
    EXPECT_EQ(entry_text(cert.get(), NID_commonName), "www.example.test");
    EXPECT_EQ(entry_text(cert.get(), NID_countryName), "DE");
    EXPECT_EQ(X509_check_host(cert.get(), "a.example.test", 0, 0, nullptr), 1);
    EXPECT_EQ(X509_check_ip_asc(cert.get(), "::1", 0), 1);
    EXPECT_TRUE(X509_get_extended_key_usage(cert.get()) & XKU_SSL_SERVER);
    EXPECT_TRUE(X509_get_key_usage(cert.get()) & KU_KEY_ENCIPHERMENT);
    EXPECT_EQ(octets(X509_get0_authority_key_id(cert.get())), octets(X509_get0_subject_key_id(issuer.get())));

    const ASN1_INTEGER* serial = X509_get0_serialNumber(cert.get());
    EXPECT_EQ(ASN1_INTEGER_get(serial), 0x010203);
    EXPECT_EQ(ASN1_TIME_cmp_time_t(X509_get0_notBefore(cert.get()), std::chrono::system_clock::to_time_t(t0)), 0);

    using ocsp_list = std::unique_ptr<STACK_OF(OPENSSL_STRING), ossl::deleter<X509_email_free>>;
    ocsp_list ocsp(X509_get1_ocsp(cert.get()));
    ASSERT_EQ(sk_OPENSSL_STRING_num(ocsp.get()), 1);
    EXPECT_STREQ(sk_OPENSSL_STRING_value(ocsp.get(), 0), "http://127.0.0.1:8080/ocsp");
    EXPECT_GE(X509_get_ext_by_NID(cert.get(), NID_crl_distribution_points, -1), 0);
    EXPECT_GE(X509_get_ext_by_NID(cert.get(), NID_info_access, -1), 0);
}

TEST(lab_pki, random_serials_are_sixteen_positive_bytes_and_differ) {
    std::set<bytes> serials;
    for (int i = 0; i < 4; ++i) {
        const credential c = make_self_signed(leaf_spec("a.test"), lab_key(key_kind::ec_p256, 0));
        ossl::x509_ptr cert = ossl::decode_certificate(c.der);
        const ASN1_INTEGER* serial = X509_get0_serialNumber(cert.get());
        EXPECT_EQ(ASN1_STRING_length(serial), 16);
        EXPECT_EQ(ASN1_STRING_type(serial), V_ASN1_INTEGER);  // not negative
        serials.insert(octets(serial));
    }
    EXPECT_EQ(serials.size(), 4u);
}

TEST(lab_pki, subject_may_hold_any_utf8_of_any_length) {
    cert_spec spec;
    spec.common_name = "<script>alert('x')</script> Zürich \xe2\x9c\x93 " + std::string(100, 'A');
    spec.organizational_unit = "\"quoted\", & <b>bold</b>";
    spec.extra_subject = {{"L", "Köln"}, {"2.5.4.5", "serial-42"}};
    const credential c = make_self_signed(spec, lab_key(key_kind::ec_p256, 0));
    ossl::x509_ptr cert = ossl::decode_certificate(c.der);
    EXPECT_EQ(entry_text(cert.get(), NID_commonName), spec.common_name);
    EXPECT_EQ(entry_text(cert.get(), NID_organizationalUnitName), spec.organizational_unit);
    EXPECT_EQ(entry_text(cert.get(), NID_localityName), "Köln");
    EXPECT_EQ(entry_text(cert.get(), NID_serialNumber), "serial-42");
}

TEST(lab_pki, raw_subject_is_used_byte_for_byte) {
    const bytes gs = real_cert("globalsign-rsa-dv-ssl-ca-2018").front();
    ossl::x509_ptr real = ossl::decode_certificate(gs);
    cert_spec spec;
    spec.raw_subject_der = test::name_der(X509_get_subject_name(real.get()));
    const credential c = make_self_signed(spec, lab_key(key_kind::ec_p256, 0));
    ossl::x509_ptr cert = ossl::decode_certificate(c.der);
    EXPECT_EQ(test::name_der(X509_get_subject_name(cert.get())), spec.raw_subject_der);
}

TEST(lab_pki, weak_digests_sign_with_rsa_and_md5_refuses_ec) {
    cert_spec spec = leaf_spec("weak.test");
    spec.digest = "sha1";
    ossl::x509_ptr sha1 = ossl::decode_certificate(make_self_signed(spec, lab_key(key_kind::rsa_1024, 0)).der);
    EXPECT_EQ(X509_get_signature_nid(sha1.get()), NID_sha1WithRSAEncryption);
    spec.digest = "md5";
    ossl::x509_ptr md5 = ossl::decode_certificate(make_self_signed(spec, lab_key(key_kind::rsa_1024, 0)).der);
    EXPECT_EQ(X509_get_signature_nid(md5.get()), NID_md5WithRSAEncryption);
    EXPECT_THROW(make_self_signed(spec, lab_key(key_kind::ec_p256, 0)), std::invalid_argument);
    spec.digest = "sha1";
    ossl::x509_ptr ec_sha1 = ossl::decode_certificate(make_self_signed(spec, lab_key(key_kind::ec_p256, 0)).der);
    EXPECT_EQ(X509_get_signature_nid(ec_sha1.get()), NID_ecdsa_with_SHA1);
    spec.digest = "no-such-digest";
    EXPECT_THROW(make_self_signed(spec, lab_key(key_kind::ec_p256, 0)), std::runtime_error);
}

TEST(lab_pki, bad_specs_throw) {
    cert_spec spec = leaf_spec("x.test");
    spec.ip_addresses = {"not-an-ip"};
    EXPECT_THROW(make_self_signed(spec, lab_key(key_kind::ec_p256, 0)), std::invalid_argument);
    EXPECT_THROW(make_self_signed(leaf_spec("x.test"), key{}), std::invalid_argument);
    EXPECT_THROW(issue_under_name(bytes{0x30, 0x00}, lab_key(key_kind::ec_p256, 0), leaf_spec("x.test"),
                                  lab_key(key_kind::ec_p256, 1)),
                 std::runtime_error);
}

TEST(lab_pki, raw_extensions_are_added_verbatim) {
    cert_spec spec = leaf_spec("sct.test");
    spec.extra_extensions.push_back({"1.3.6.1.4.1.11129.2.4.2", {0x04, 0x02, 0x00, 0x00}, false});
    ossl::x509_ptr cert = ossl::decode_certificate(make_self_signed(spec, lab_key(key_kind::ec_p256, 0)).der);
    ossl::asn1_object_ptr oid(OBJ_txt2obj("1.3.6.1.4.1.11129.2.4.2", 1));
    const int at = X509_get_ext_by_OBJ(cert.get(), oid.get(), -1);
    ASSERT_GE(at, 0);
    EXPECT_EQ(octets(X509_EXTENSION_get_data(X509_get_ext(cert.get(), at))), (bytes{0x04, 0x02, 0x00, 0x00}));
}

TEST(lab_pki, issue_under_name_copies_a_real_issuer_name_and_key_id) {
    const bytes gs = real_cert("globalsign-rsa-dv-ssl-ca-2018").front();
    const credential leaf =
        issue_under_name(gs, lab_key(key_kind::rsa_2048, 1), leaf_spec("lab.test"), lab_key(key_kind::rsa_2048, 2));
    ossl::x509_ptr real = ossl::decode_certificate(gs);
    ossl::x509_ptr cert = ossl::decode_certificate(leaf.der);
    EXPECT_EQ(test::name_der(X509_get_issuer_name(cert.get())), test::name_der(X509_get_subject_name(real.get())));
    EXPECT_EQ(octets(X509_get0_authority_key_id(cert.get())), octets(X509_get0_subject_key_id(real.get())));
    EXPECT_FALSE(octets(X509_get0_subject_key_id(real.get())).empty());
    EXPECT_EQ(X509_check_issued(real.get(), cert.get()), X509_V_OK);
    EXPECT_NE(X509_verify(cert.get(), X509_get0_pubkey(real.get())), 1);
    EXPECT_EQ(X509_verify(cert.get(), lab_key(key_kind::rsa_2048, 1).get()), 1);
}

class lab_hierarchy : public ::testing::TestWithParam<std::tuple<key_kind, int>> {};

TEST_P(lab_hierarchy, verifies_with_x509_verify_cert) {
    const auto [kind, depth] = GetParam();
    const hierarchy h = make_hierarchy(kind, depth, {"localhost", "lab.test"});
    ASSERT_EQ(h.intermediates.size(), static_cast<std::size_t>(depth));
    const std::vector<bytes> chain = h.served_chain();
    ASSERT_EQ(chain.size(), static_cast<std::size_t>(depth) + 1);
    EXPECT_EQ(chain.front(), h.leaf.der);
    if (depth > 0) {
        EXPECT_EQ(chain.back(), h.intermediates.front().der);
    }
    std::string error;
    EXPECT_EQ(verify(h.root.der, chain, error), 1) << error;
}

INSTANTIATE_TEST_SUITE_P(kinds_and_depths, lab_hierarchy,
                         ::testing::Values(std::tuple{key_kind::ec_p256, 0}, std::tuple{key_kind::ec_p256, 1},
                                           std::tuple{key_kind::ec_p384, 3}, std::tuple{key_kind::rsa_2048, 2}));

TEST(lab_pki, misordered_or_incomplete_chains_fail_verification) {
    const hierarchy h = make_hierarchy(key_kind::ec_p256, 2, {"localhost"});
    std::string error;
    EXPECT_NE(verify(h.root.der, {h.leaf.der, h.intermediates[1].der}, error), 1);
    hierarchy_options options;
    options.name = "other lab";
    options.key_index = 20;
    const hierarchy other = make_hierarchy(options);
    EXPECT_NE(verify(other.root.der, h.served_chain(), error), 1);
}

}  // namespace
}  // namespace tlsaudit::lab
