// The capture client's tables against libssl's (linked by this test only): alert texts,
// cipher suite names, probe names.

#include "capture/client.hpp"
#include "capture/errors.hpp"
#include "capture/key_share.hpp"
#include "capture/probes.hpp"

#include <openssl/obj_mac.h>
#include <openssl/ssl.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <set>

namespace tlsaudit::capture_engine {
namespace {

TEST(capture_tables, alert_texts_equal_openssl_for_every_code) {
    for (int code = 0; code < 256; ++code)
        EXPECT_EQ(detail::alert_text(static_cast<std::uint8_t>(code)), SSL_alert_desc_string_long(code)) << code;
    const auto e = detail::alert_error(40);
    EXPECT_EQ(e.stage, "handshake");
    EXPECT_EQ(e.code, error_codes::tls_alert);
    EXPECT_EQ(e.detail, "handshake failure (40)");
}

TEST(capture_tables, every_offered_suite_has_openssls_name) {
    const std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> ctx(SSL_CTX_new(TLS_method()), &SSL_CTX_free);
    const std::unique_ptr<SSL, decltype(&SSL_free)> ssl(SSL_new(ctx.get()), &SSL_free);
    ASSERT_TRUE(ssl);
    for (const auto p : {probe::modern, probe::rsa, probe::ecdsa, probe::tls12, probe::no_sni}) {
        const auto& profile = detail::profile_of(p);
        EXPECT_FALSE(profile.cipher_suites.empty());
        for (const auto suite : profile.cipher_suites) {
            const unsigned char id[2] = {static_cast<unsigned char>(suite >> 8), static_cast<unsigned char>(suite)};
            const SSL_CIPHER* cipher = SSL_CIPHER_find(ssl.get(), id);
            ASSERT_NE(cipher, nullptr) << std::hex << suite;
            EXPECT_EQ(detail::cipher_name(suite), SSL_CIPHER_get_name(cipher)) << std::hex << suite;
        }
    }
    EXPECT_EQ(detail::cipher_name(0x0005), "") << "a suite no probe offers";
}

// The rsa and ecdsa probes offer every suite of libssl's `ALL` (any security level) that a
// certificate of their type authenticates with RSA, ECDHE or DHE key exchange: a server
// limited to any of them (CCM8 for IoT, Camellia, ARIA) shows its chain to both engines.
TEST(capture_tables, tls12_probes_offer_every_suite_of_openssls_all_for_their_key_type) {
    const std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> ctx(SSL_CTX_new(TLS_method()), &SSL_CTX_free);
    ASSERT_EQ(SSL_CTX_set_cipher_list(ctx.get(), "ALL:@SECLEVEL=0"), 1);
    std::set<std::uint16_t> all_rsa, all_ecdsa;
    const STACK_OF(SSL_CIPHER)* list = SSL_CTX_get_ciphers(ctx.get());
    for (int i = 0; i < sk_SSL_CIPHER_num(list); ++i) {
        const SSL_CIPHER* c = sk_SSL_CIPHER_value(list, i);
        const int kx = SSL_CIPHER_get_kx_nid(c), auth = SSL_CIPHER_get_auth_nid(c);
        if (kx != NID_kx_rsa && kx != NID_kx_ecdhe && kx != NID_kx_dhe) continue;
        const auto id = static_cast<std::uint16_t>(SSL_CIPHER_get_protocol_id(c));
        if (auth == NID_auth_rsa) all_rsa.insert(id);
        if (auth == NID_auth_ecdsa) all_ecdsa.insert(id);
    }
    const auto& rsa = detail::profile_of(probe::rsa).cipher_suites;
    const auto& ecdsa = detail::profile_of(probe::ecdsa).cipher_suites;
    EXPECT_EQ(std::set<std::uint16_t>(rsa.begin(), rsa.end()), all_rsa);
    EXPECT_EQ(std::set<std::uint16_t>(ecdsa.begin(), ecdsa.end()), all_ecdsa);
    EXPECT_TRUE(all_ecdsa.count(0xc0ae)) << "ECDHE-ECDSA-AES128-CCM8 (RFC 7925)";
    EXPECT_TRUE(detail::tls12_only_suite(0xc0ae));
}

// The probes that may negotiate TLS 1.3 list only groups the client computes; the TLS 1.2
// ones list the finite-field groups too.
TEST(capture_tables, groups_are_computed_where_tls13_may_ask_for_them) {
    for (const auto p : {probe::modern, probe::rsa, probe::ecdsa, probe::tls12, probe::no_sni}) {
        const auto& profile = detail::profile_of(p);
        EXPECT_EQ(profile.groups.front(), detail::group::x25519);
        const bool ffdhe =
            std::find(profile.groups.begin(), profile.groups.end(), detail::group::ffdhe2048) != profile.groups.end();
        EXPECT_EQ(ffdhe, !profile.tls13) << probe_name(p);
        if (profile.tls13)
            for (const auto g : profile.groups) EXPECT_TRUE(detail::key_share::supported(g)) << std::hex << g;
    }
}

TEST(capture_tables, probe_names_round_trip) {
    for (const auto p : {probe::modern, probe::rsa, probe::ecdsa, probe::tls12, probe::no_sni})
        EXPECT_EQ(parse_probe(probe_name(p)), p);
    EXPECT_EQ(probe_name(probe::no_sni), "no-sni");
    EXPECT_FALSE(parse_probe("no_sni"));
    EXPECT_FALSE(parse_probe(""));
}

TEST(capture_tables, rsa_probe_offers_ecdhe_rsa_and_rsa_key_exchange_only) {
    const auto& rsa = detail::profile_of(probe::rsa);
    EXPECT_TRUE(detail::offers_suite(rsa, 0xc02f)) << "ECDHE-RSA (sslyze's bug #710)";
    EXPECT_TRUE(detail::offers_suite(rsa, 0x009c)) << "RSA key exchange";
    for (const auto suite : rsa.cipher_suites) {
        const auto name = detail::cipher_name(suite);
        EXPECT_EQ(name.find("ECDSA"), std::string_view::npos) << name;
    }
    for (const auto alg : rsa.signature_algorithms) EXPECT_TRUE((alg >> 8) == 0x08 || (alg & 0xff) == 0x01) << alg;
    for (const auto alg : detail::profile_of(probe::ecdsa).signature_algorithms) EXPECT_EQ(alg & 0xff, 0x03);
    EXPECT_FALSE(rsa.tls13);
}

}  // namespace
}  // namespace tlsaudit::capture_engine
