// CRL parsing, verification against the issuer and exact serial lookup.

#include "support.hpp"

#include "crl.hpp"

namespace tlsaudit::revocation {
namespace {

using namespace std::chrono_literals;
using testing::fresh_now;
using testing::lab_ca;

ossl::x509_crl_ptr parse(const bytes& data) {
    std::string error;
    auto crl = detail::parse_crl(data, error);
    EXPECT_TRUE(crl) << error;
    return crl;
}

lab::crl_options listing(const bytes& serial, int reason = -1) {
    lab::crl_options options;
    options.revoked.push_back({serial, lab::revocation_entry{lab::cert_state::revoked, reason, {}}});
    return options;
}

TEST(crl, der_crl_listing_the_leaf_revokes_it) {
    lab_ca ca;
    auto crl = parse(lab::make_crl(ca.ca(), listing(lab::serial_of(ca.h.leaf.der), 1)));
    ASSERT_TRUE(crl);
    EXPECT_EQ(detail::check_crl(crl.get(), ca.issuer.get(), fresh_now()), "");
    const auto v = detail::lookup_crl(crl.get(), ca.leaf.get());
    EXPECT_EQ(v.status.state, "revoked");
    EXPECT_EQ(v.status.reason, "keyCompromise");
    EXPECT_TRUE(v.status.revoked_at);
    EXPECT_TRUE(v.next_update);
}

// A CRL of another scope proves nothing about the leaf (RFC 5280 6.3.3): another shard's
// distribution point, CA certificates or some reasons only, a delta CRL. One for the URL
// the leaf names, or with no issuingDistributionPoint, covers it.
TEST(crl, a_crl_of_another_scope_does_not_cover_the_leaf) {
    lab_ca ca;
    const std::string url = "http://crl.lab.test/shard-1.crl";
    const auto scope_of = [&](const std::string& idp, bool delta = false) {
        auto options = listing(lab::serial_of(ca.h.intermediates.front().der));
        options.issuing_distribution_point = idp;
        options.delta = delta;
        auto crl = parse(lab::make_crl(ca.ca(), options));
        EXPECT_EQ(detail::check_crl(crl.get(), ca.issuer.get(), fresh_now()), "") << idp;
        return detail::crl_scope_problem(crl.get(), ca.leaf.get(), url);
    };
    EXPECT_EQ(scope_of(""), "");
    EXPECT_EQ(scope_of("fullname:URI:" + url), "");
    EXPECT_EQ(scope_of("fullname:URI:http://crl.lab.test/shard-2.crl"),
              "its issuingDistributionPoint names another distribution point (a CRL of another scope)");
    EXPECT_EQ(scope_of("onlyCA:TRUE"), "a CRL of CA certificates only");
    EXPECT_EQ(scope_of("onlysomereasons:keyCompromise"), "a CRL of some revocation reasons only");
    EXPECT_EQ(scope_of("", true), "a delta CRL (the base CRL is needed)");
    EXPECT_EQ(scope_of("fullname:URI:" + url + ",onlyuser:TRUE"), "");
}

TEST(crl, pem_crl_is_read_too) {
    lab_ca ca;
    auto options = listing(lab::serial_of(ca.h.leaf.der));
    options.pem = true;
    const bytes pem = lab::make_crl(ca.ca(), options);
    ASSERT_EQ(std::string(pem.begin(), pem.begin() + 10), "-----BEGIN");
    auto crl = parse(pem);
    ASSERT_TRUE(crl);
    EXPECT_EQ(detail::lookup_crl(crl.get(), ca.leaf.get()).status.state, "revoked");
}

TEST(crl, unlisted_leaf_is_good) {
    lab_ca ca;
    auto crl = parse(lab::make_crl(ca.ca(), listing(bytes{0x42})));
    ASSERT_TRUE(crl);
    EXPECT_EQ(detail::lookup_crl(crl.get(), ca.leaf.get()).status.state, "good");
}

// Serials that share leading bytes with the leaf's, are prefixes of it, or contain its
// hex digits at an offset must not match: only INTEGER equality counts.
TEST(crl, serial_sharing_leading_bytes_does_not_match) {
    lab_ca ca;
    lab::cert_spec spec = lab::leaf_spec("short-serial.test");
    spec.serial = {0x00, 0xA1, 0x05};  // leading zero byte: the INTEGER is 0xA105
    const auto leaf_der = lab::issue(ca.ca(), spec, lab::lab_key(lab::key_kind::ec_p256, 93)).der;
    auto leaf = testing::decode(leaf_der);
    ASSERT_EQ(lab::serial_of(leaf_der), (bytes{0xA1, 0x05}));

    lab::crl_options options;
    for (const bytes& s : {bytes{0xA1}, bytes{0xA1, 0x05, 0x00}, bytes{0xA1, 0x05, 0xFF}, bytes{0x0A, 0x10, 0x50},
                           bytes{0x01, 0xA1, 0x05}, bytes{0x05}})
        options.revoked.push_back({s, lab::revocation_entry{lab::cert_state::revoked, 1, {}}});
    auto crl = parse(lab::make_crl(ca.ca(), options));
    ASSERT_TRUE(crl);
    EXPECT_EQ(detail::lookup_crl(crl.get(), leaf.get()).status.state, "good");

    // Control: the same CRL plus the exact serial (written with a leading zero) revokes.
    options.revoked.push_back({bytes{0x00, 0xA1, 0x05}, lab::revocation_entry{lab::cert_state::revoked, 1, {}}});
    auto with_leaf = parse(lab::make_crl(ca.ca(), options));
    ASSERT_TRUE(with_leaf);
    EXPECT_EQ(detail::lookup_crl(with_leaf.get(), leaf.get()).status.state, "revoked");
}

TEST(crl, signed_by_another_key_is_rejected) {
    lab_ca ca;
    auto options = listing(lab::serial_of(ca.h.leaf.der));
    options.signing_key = lab::lab_key(lab::key_kind::ec_p256, 90);
    auto crl = parse(lab::make_crl(ca.ca(), options));
    ASSERT_TRUE(crl);
    EXPECT_EQ(detail::check_crl(crl.get(), ca.issuer.get(), fresh_now()), "bad CRL signature");
}

TEST(crl, another_issuer_is_rejected) {
    lab_ca ca;
    auto crl = parse(lab::make_crl(ca.h.root, listing(lab::serial_of(ca.h.leaf.der))));
    ASSERT_TRUE(crl);
    EXPECT_EQ(detail::check_crl(crl.get(), ca.issuer.get(), fresh_now()), "CRL issued by another CA");
}

TEST(crl, past_next_update_is_stale) {
    lab_ca ca;
    lab::crl_options options;
    options.this_update = testing::now() - 72h;
    options.next_update = testing::now() - 24h;
    auto crl = parse(lab::make_crl(ca.ca(), options));
    ASSERT_TRUE(crl);
    EXPECT_NE(detail::check_crl(crl.get(), ca.issuer.get(), fresh_now()).find("stale CRL"), std::string::npos);
}

// Without nextUpdate a CRL is held to the age an OCSP response without one may have (7 days):
// one of 400 days was used as current.
TEST(crl, without_next_update_it_ages_as_ocsp_does) {
    lab_ca ca;
    lab::crl_options options;
    options.omit_next_update = true;
    options.this_update = testing::now() - 400 * 24h;
    auto old = parse(lab::make_crl(ca.ca(), options));
    ASSERT_TRUE(old);
    EXPECT_NE(detail::check_crl(old.get(), ca.issuer.get(), fresh_now()).find("stale CRL (no nextUpdate"),
              std::string::npos);
    options.this_update = testing::now() - 24h;
    auto recent = parse(lab::make_crl(ca.ca(), options));
    ASSERT_TRUE(recent);
    EXPECT_EQ(detail::check_crl(recent.get(), ca.issuer.get(), fresh_now()), "");
}

// RFC 5280 5.3: an unknown critical entry extension makes the whole CRL unusable, for the
// certificates it does not list too.
TEST(crl, an_unknown_critical_entry_extension_makes_it_unusable) {
    lab_ca ca;
    auto options = listing(bytes{0x7f, 0x01});
    options.critical_entry_extension = true;
    auto crl = parse(lab::make_crl(ca.ca(), options));
    ASSERT_TRUE(crl);
    EXPECT_EQ(detail::check_crl(crl.get(), ca.issuer.get(), fresh_now()),
              "a critical CRL entry extension this checker does not know");
    options.critical_entry_extension = false;
    auto plain = parse(lab::make_crl(ca.ca(), options));
    EXPECT_EQ(detail::check_crl(plain.get(), ca.issuer.get(), fresh_now()), "");
}

TEST(crl, garbage_truncation_and_trailing_bytes_are_refused) {
    lab_ca ca;
    std::string error;
    EXPECT_FALSE(detail::parse_crl(bytes{}, error));
    EXPECT_FALSE(detail::parse_crl(bytes{0x30, 0x82, 0x01}, error));
    bytes der = lab::make_crl(ca.ca(), {});
    bytes truncated(der.begin(), der.end() - 5);
    EXPECT_FALSE(detail::parse_crl(truncated, error));
    der.push_back(0x00);
    EXPECT_FALSE(detail::parse_crl(der, error));
    EXPECT_NE(error.find("bytes after"), std::string::npos) << error;
    const std::string not_crl = "-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n";
    EXPECT_FALSE(detail::parse_crl(bytes(not_crl.begin(), not_crl.end()), error));
}

}  // namespace
}  // namespace tlsaudit::revocation
