// The capture client's tables against libssl's (linked by this test only): alert texts,
// cipher suite names, probe names.

#include "capture/client.hpp"
#include "capture/errors.hpp"
#include "capture/probes.hpp"

#include <openssl/ssl.h>

#include <gtest/gtest.h>

#include <memory>

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
