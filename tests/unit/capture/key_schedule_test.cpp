// The TLS 1.3 key schedule, key share, record protection, message parsers and
// CertificateVerify check against RFC 8448's "Simple 1-RTT Handshake".

#include "capture/key_schedule.hpp"
#include "capture/algorithms.hpp"
#include "capture/certificate_verify.hpp"
#include "capture/key_share.hpp"
#include "capture/messages.hpp"
#include "capture/record_protection.hpp"
#include "capture/testing.hpp"
#include "capture/transcript.hpp"
#include "rfc8448.hpp"
#include "wire_support.hpp"

#include <tlsaudit/lab/key.hpp>
#include <tlsaudit/lab/pki.hpp>

#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <gtest/gtest.h>

#include <thread>

namespace tlsaudit::capture_engine {
namespace {

namespace rfc = testing::rfc8448;
using testing::concat;
using testing::from_hex;

bytes to_bytes(std::span<const unsigned char> s) { return {s.begin(), s.end()}; }

// Hands out given bytes, as the RFC's client drew its X25519 key.
class given_entropy final : public detail::entropy_source {
public:
    explicit given_entropy(bytes b) : bytes_(std::move(b)) {}
    void fill(std::span<unsigned char> out) override { std::copy_n(bytes_.begin(), out.size(), out.begin()); }
    ossl::evp_pkey_ptr ec_key(std::uint16_t) override { return nullptr; }

private:
    bytes bytes_;
};

bytes hello_hash() {
    detail::transcript t;
    t.start(detail::sha256());
    t.add(from_hex(rfc::client_hello));
    t.add(from_hex(rfc::server_hello));
    return to_bytes(t.hash().view());
}

TEST(capture_key_schedule, rfc8448_handshake_secrets) {
    detail::key_schedule ks(detail::sha256());
    EXPECT_EQ(to_bytes(ks.early_derived().view()), from_hex(rfc::derived_for_handshake));
    const auto hs = ks.handshake_secret(from_hex(rfc::shared_secret));
    EXPECT_EQ(to_bytes(hs.view()), from_hex(rfc::handshake_secret));
    EXPECT_EQ(hello_hash(), from_hex(rfc::hello_transcript_hash));
    const auto server = ks.derive_secret(hs.view(), "s hs traffic", hello_hash());
    EXPECT_EQ(to_bytes(server.view()), from_hex(rfc::server_handshake_traffic));
    EXPECT_EQ(to_bytes(ks.derive_secret(hs.view(), "c hs traffic", hello_hash()).view()),
              from_hex(rfc::client_handshake_traffic));
    const auto keys = ks.traffic(server.view(), 16);
    EXPECT_EQ(bytes(keys.key.begin(), keys.key.begin() + 16), from_hex(rfc::server_handshake_key));
    EXPECT_EQ(bytes(keys.iv.begin(), keys.iv.end()), from_hex(rfc::server_handshake_iv));
}

TEST(capture_key_schedule, sha384_schedule_differs_and_has_its_length) {
    detail::key_schedule ks(detail::sha384());
    EXPECT_EQ(ks.hash_size(), 48u);
    EXPECT_EQ(ks.early_derived().view().size(), 48u);
    detail::key_schedule ks256(detail::sha256());
    EXPECT_NE(to_bytes(ks.early_derived().view()).front(), to_bytes(ks256.early_derived().view()).front());
}

TEST(capture_key_schedule, rfc8448_x25519_share) {
    given_entropy entropy(from_hex(rfc::client_private_key));
    const auto share = detail::key_share::generate(detail::group::x25519, &entropy);
    EXPECT_EQ(to_bytes(share.public_key()), from_hex(rfc::client_public_key));
    const auto shared = share.derive(from_hex(rfc::server_public_key));
    ASSERT_TRUE(shared);
    EXPECT_EQ(to_bytes(shared->view()), from_hex(rfc::shared_secret));
    EXPECT_FALSE(share.derive(bytes(32, 0))) << "the all-zero result of a low-order point is refused";
    EXPECT_FALSE(share.derive(bytes(31, 9))) << "wrong length";
    const auto again = share.derive(from_hex(rfc::server_public_key));
    ASSERT_TRUE(again) << "a refused share leaves the thread's derive context usable";
    EXPECT_EQ(to_bytes(again->view()), from_hex(rfc::shared_secret));
}

TEST(capture_key_schedule, shares_used_in_turn_each_derive_their_own_secret) {
    // The thread keeps one derive context, for the last key it used: shares alternating
    // on one thread, and the same share on another thread, must not mix up.
    given_entropy entropy(from_hex(rfc::client_private_key));
    const auto rfc_client = detail::key_share::generate(detail::group::x25519, &entropy);
    const auto other = detail::key_share::generate(detail::group::x25519, nullptr);
    const auto p256 = detail::key_share::generate(detail::group::secp256r1, nullptr);
    const auto p256_peer = detail::key_share::generate(detail::group::secp256r1, nullptr);
    const bytes expected_other = to_bytes(other.derive(rfc_client.public_key()).value().view());
    for (int round = 0; round < 3; ++round) {
        const auto a = rfc_client.derive(from_hex(rfc::server_public_key));
        ASSERT_TRUE(a);
        EXPECT_EQ(to_bytes(a->view()), from_hex(rfc::shared_secret));
        const auto b = other.derive(rfc_client.public_key());
        ASSERT_TRUE(b);
        EXPECT_EQ(to_bytes(b->view()), expected_other);
        const auto c = p256.derive(p256_peer.public_key());
        const auto d = p256_peer.derive(p256.public_key());
        ASSERT_TRUE(c && d);
        EXPECT_EQ(to_bytes(c->view()), to_bytes(d->view()));
    }
    bytes elsewhere;
    std::thread([&] {
        elsewhere = to_bytes(rfc_client.derive(from_hex(rfc::server_public_key)).value().view());
    }).join();
    EXPECT_EQ(elsewhere, from_hex(rfc::shared_secret));
}

TEST(capture_key_schedule, nist_shares_agree_with_each_other) {
    for (const std::uint16_t g : {detail::group::secp256r1, detail::group::secp384r1, detail::group::secp521r1}) {
        const auto a = detail::key_share::generate(g, nullptr);
        const auto b = detail::key_share::generate(g, nullptr);
        EXPECT_EQ(a.public_key()[0], 0x04);
        const auto ab = a.derive(b.public_key());
        const auto ba = b.derive(a.public_key());
        ASSERT_TRUE(ab && ba) << g;
        EXPECT_EQ(to_bytes(ab->view()), to_bytes(ba->view()));
        bytes off_curve = to_bytes(b.public_key());
        off_curve.back() ^= 1;
        EXPECT_FALSE(a.derive(off_curve)) << "a point off the curve is refused";
        bytes compressed = to_bytes(b.public_key());
        compressed[0] = 0x02;
        EXPECT_FALSE(a.derive(compressed));
    }
}

TEST(capture_key_schedule, fixed_entropy_repeats_its_ec_keys) {
    detail::fixed_entropy one(7);
    detail::fixed_entropy two(7);
    const auto a = detail::key_share::generate(detail::group::secp384r1, &one);
    const auto b = detail::key_share::generate(detail::group::secp384r1, &two);
    EXPECT_EQ(to_bytes(a.public_key()), to_bytes(b.public_key()));
    ASSERT_TRUE(a.derive(b.public_key()));
}

// The server's handshake key and IV of the RFC.
detail::record_decrypter rfc_decrypter() {
    detail::traffic_keys keys;
    const auto key = from_hex(rfc::server_handshake_key);
    std::copy(key.begin(), key.end(), keys.key.begin());
    keys.key_size = 16;
    const auto iv = from_hex(rfc::server_handshake_iv);
    std::copy(iv.begin(), iv.end(), keys.iv.begin());
    return detail::record_decrypter(detail::find_tls13_suite(0x1301)->cipher, keys);
}

// The protected flight opened with the RFC's key: EncryptedExtensions to Finished.
bytes open_rfc_flight() {
    auto decrypter = rfc_decrypter();
    const bytes record = from_hex(rfc::protected_flight);
    bytes plain;
    EXPECT_TRUE(decrypter.open(std::span(record).first(5), std::span(record).subspan(5), plain));
    const auto inner = detail::split_inner_plaintext(plain);
    EXPECT_TRUE(inner);
    if (!inner) return {};
    EXPECT_EQ(inner->type, 22);
    return to_bytes(inner->content);
}

TEST(capture_key_schedule, rfc8448_protected_flight_opens) {
    EXPECT_EQ(open_rfc_flight(), concat({from_hex(rfc::encrypted_extensions), from_hex(rfc::certificate),
                                         from_hex(rfc::certificate_verify), from_hex(rfc::server_finished)}));
}

TEST(capture_key_schedule, tampered_or_replayed_record_does_not_open) {
    bytes record = from_hex(rfc::protected_flight);
    bytes plain;
    {
        auto d = rfc_decrypter();
        record[100] ^= 0x01;
        EXPECT_FALSE(d.open(std::span(record).first(5), std::span(record).subspan(5), plain));
    }
    record[100] ^= 0x01;
    auto d = rfc_decrypter();
    EXPECT_TRUE(d.open(std::span(record).first(5), std::span(record).subspan(5), plain));
    EXPECT_FALSE(d.open(std::span(record).first(5), std::span(record).subspan(5), plain)) << "sequence 1";
    EXPECT_FALSE(d.open(std::span(record).first(5), std::span(record).first(10), plain)) << "shorter than a tag";
}

TEST(capture_key_schedule, inner_plaintext_padding) {
    const bytes padded = from_hex("0800000200001600000000");
    const auto inner = detail::split_inner_plaintext(padded);
    ASSERT_TRUE(inner);
    EXPECT_EQ(inner->type, 0x16);
    EXPECT_EQ(to_bytes(inner->content), from_hex("080000020000"));
    EXPECT_FALSE(detail::split_inner_plaintext(bytes(20, 0)));
    EXPECT_FALSE(detail::split_inner_plaintext({}));
}

TEST(capture_messages, rfc8448_server_hello) {
    const bytes sh = from_hex(rfc::server_hello);
    const auto parsed = detail::parse_server_hello(std::span(sh).subspan(4));
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->legacy_version, 0x0303);
    EXPECT_EQ(parsed->cipher_suite, 0x1301);
    EXPECT_EQ(parsed->selected_version, 0x0304);
    EXPECT_EQ(parsed->key_share_group, 0x001d);
    EXPECT_EQ(to_bytes(parsed->key_share), from_hex(rfc::server_public_key));
    EXPECT_FALSE(parsed->hello_retry);
    EXPECT_TRUE(parsed->session_id.empty());
}

TEST(capture_messages, rfc8448_flight_messages) {
    const bytes ee = from_hex(rfc::encrypted_extensions);
    const auto parsed_ee = detail::parse_encrypted_extensions(std::span(ee).subspan(4));
    ASSERT_TRUE(parsed_ee);
    EXPECT_TRUE(parsed_ee->alpn.empty());

    const bytes cert = from_hex(rfc::certificate);
    const auto list = detail::parse_certificate(std::span(cert).subspan(4), true);
    ASSERT_TRUE(list);
    ASSERT_EQ(list->chain.size(), 1u);
    EXPECT_EQ(list->chain[0].size(), 0x1b0u);
    EXPECT_EQ(bytes(list->chain[0].begin(), list->chain[0].begin() + 4), from_hex("308201ac"));
    EXPECT_TRUE(list->ocsp.empty());
    EXPECT_FALSE(detail::parse_certificate(std::span(cert).subspan(4), false)) << "TLS 1.2 layout does not fit";

    const bytes cv = from_hex(rfc::certificate_verify);
    const auto parsed_cv = detail::parse_certificate_verify(std::span(cv).subspan(4));
    ASSERT_TRUE(parsed_cv);
    EXPECT_EQ(parsed_cv->scheme, 0x0804);
    EXPECT_EQ(parsed_cv->signature.size(), 128u);
}

TEST(capture_messages, every_truncation_is_refused) {
    for (const char* hex : {rfc::server_hello, rfc::certificate, rfc::certificate_verify, rfc::encrypted_extensions}) {
        const bytes m = from_hex(hex);
        const auto body = std::span(m).subspan(4);
        for (std::size_t n = 0; n < body.size(); ++n) {
            const auto cut = body.first(n);
            const bool parsed = m[0] == 2    ? detail::parse_server_hello(cut).has_value()
                                : m[0] == 11 ? detail::parse_certificate(cut, true).has_value()
                                : m[0] == 15 ? detail::parse_certificate_verify(cut).has_value()
                                             : detail::parse_encrypted_extensions(cut).has_value();
            // A ServerHello cut right after its compression byte is a valid extension-less one.
            if (m[0] == 2 && n == 38) continue;
            EXPECT_FALSE(parsed) << "type " << int(m[0]) << " cut to " << n;
        }
    }
}

TEST(capture_certificate_verify, rfc8448_signature_verifies) {
    const bytes cert = from_hex(rfc::certificate);
    const auto list = detail::parse_certificate(std::span(cert).subspan(4), true);
    ASSERT_TRUE(list);
    detail::transcript t;
    t.start(detail::sha256());
    for (const char* m : {rfc::client_hello, rfc::server_hello, rfc::encrypted_extensions, rfc::certificate})
        t.add(from_hex(m));
    const bytes cv_message = from_hex(rfc::certificate_verify);
    const auto cv = detail::parse_certificate_verify(std::span(cv_message).subspan(4));
    ASSERT_TRUE(cv);
    const bytes hash = to_bytes(t.hash().view());
    EXPECT_FALSE(detail::check_certificate_verify(list->chain[0], cv->scheme, cv->signature, hash));

    bytes bad_signature = to_bytes(cv->signature);
    bad_signature[10] ^= 0x40;
    const auto bad = detail::check_certificate_verify(list->chain[0], cv->scheme, bad_signature, hash);
    ASSERT_TRUE(bad);
    EXPECT_EQ(bad->code, error_codes::protocol_error);
    EXPECT_NE(bad->detail.find("does not verify"), std::string::npos) << bad->detail;

    bytes other_hash = hash;
    other_hash[0] ^= 1;
    EXPECT_TRUE(detail::check_certificate_verify(list->chain[0], cv->scheme, cv->signature, other_hash));

    const auto wrong_kind = detail::check_certificate_verify(list->chain[0], 0x0403, cv->signature, hash);
    ASSERT_TRUE(wrong_kind);
    EXPECT_NE(wrong_kind->detail.find("does not match the leaf"), std::string::npos);
    const auto pkcs1 = detail::check_certificate_verify(list->chain[0], 0x0401, cv->signature, hash);
    ASSERT_TRUE(pkcs1);
    EXPECT_NE(pkcs1->detail.find("not allowed in TLS 1.3"), std::string::npos);
    const auto not_der = detail::check_certificate_verify(from_hex("3082ffff00"), 0x0804, cv->signature, hash);
    EXPECT_FALSE(not_der) << "left to the capture's own bad-certificate report, as without the check";
}

// An RSA-PSS key restricted to SHA-256 (RFC 4055 parameters) cannot check a SHA-512
// scheme: the server signed with a scheme its own key refuses, a protocol error.
TEST(capture_certificate_verify, a_scheme_the_leaf_key_refuses_is_a_protocol_error) {
    EVP_PKEY* raw = nullptr;
    {
        const std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(
            EVP_PKEY_CTX_new_from_name(nullptr, "RSA-PSS", nullptr), EVP_PKEY_CTX_free);
        ASSERT_TRUE(ctx);
        ASSERT_EQ(EVP_PKEY_keygen_init(ctx.get()), 1);
        ASSERT_EQ(EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), 2048), 1);
        ASSERT_EQ(EVP_PKEY_CTX_set_rsa_pss_keygen_md_name(ctx.get(), "SHA256", nullptr), 1);
        ASSERT_EQ(EVP_PKEY_keygen(ctx.get(), &raw), 1);
    }
    lab::cert_spec spec;
    spec.common_name = "pss.lab.test";
    const auto ca = lab::make_self_signed({.common_name = "CA", .is_ca = true}, lab::lab_key(lab::key_kind::ec_p256));
    const auto leaf = lab::issue(ca, spec, lab::key(raw));
    const bytes hash(32, 0x11);
    const bytes signature(256, 0x22);
    const auto refused = detail::check_certificate_verify(leaf.der, 0x080b, signature, hash);  // rsa_pss_pss_sha512
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->code, error_codes::protocol_error);
    EXPECT_NE(refused->detail.find("scheme 0x080b cannot be used with the leaf's key"), std::string::npos)
        << refused->detail;
    const auto allowed = detail::check_certificate_verify(leaf.der, 0x0809, signature, hash);  // rsa_pss_pss_sha256
    ASSERT_TRUE(allowed);
    EXPECT_NE(allowed->detail.find("does not verify"), std::string::npos) << allowed->detail;
}

}  // namespace
}  // namespace tlsaudit::capture_engine
