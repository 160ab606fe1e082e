// HKDF of the key schedule (HMAC on the hash) against RFC 5869's SHA-256 vectors and,
// for SHA-384 and every output length, against libcrypto's own EVP_KDF "HKDF".

#include "capture/algorithms.hpp"
#include "capture/key_schedule.hpp"
#include "ossl/ptr.hpp"
#include "wire_support.hpp"

#include <openssl/core_names.h>
#include <openssl/kdf.h>

#include <gtest/gtest.h>

#include <numeric>

namespace tlsaudit::capture_engine {
namespace {

using testing::from_hex;

bytes to_bytes(std::span<const unsigned char> s) { return {s.begin(), s.end()}; }

bytes counting(unsigned char first, std::size_t n) {
    bytes b(n);
    std::iota(b.begin(), b.end(), first);
    return b;
}

struct rfc5869_case {
    bytes ikm, salt, info;
    const char* prk;
    const char* okm;
};

TEST(capture_hkdf, rfc5869_sha256_vectors) {
    const rfc5869_case cases[] = {
        {bytes(22, 0x0b), counting(0x00, 13), counting(0xf0, 10),
         "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5",
         "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"},
        // Keys and info longer than a SHA-256 block: the salt is hashed first (RFC 2104).
        {counting(0x00, 80), counting(0x60, 80), counting(0xb0, 80),
         "06a6b88c5853361a06104c9ceb35b45cef760014904671014a193f40c15fc244",
         "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c59045a99cac7827271cb41c65e590e09da327560"
         "0c2f09b8367793a9aca3db71cc30c58179ec3e87c14c01d5c1f3434f1d87"},
        {bytes(22, 0x0b),
         {},
         {},
         "19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04",
         "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8"},
    };
    detail::key_schedule ks(detail::sha256());
    for (const auto& c : cases) {
        const auto prk = ks.extract(c.salt, c.ikm);
        EXPECT_EQ(to_bytes(prk.view()), from_hex(c.prk));
        bytes okm(from_hex(c.okm).size());
        ks.expand(prk.view(), c.info, okm);
        EXPECT_EQ(okm, from_hex(c.okm));
    }
}

// libcrypto's HKDF, as the key schedule computed it before: the reference.
bytes reference_hkdf(const EVP_MD* md, int mode, std::span<const unsigned char> key,
                     std::span<const unsigned char> salt_or_info, std::size_t size) {
    const ossl::evp_kdf_ctx_ptr ctx([] {
        EVP_KDF* kdf = EVP_KDF_fetch(nullptr, "HKDF", nullptr);
        EVP_KDF_CTX* c = EVP_KDF_CTX_new(kdf);
        EVP_KDF_free(kdf);
        return c;
    }());
    auto octets = [](const char* name, std::span<const unsigned char> s) {
        return OSSL_PARAM_construct_octet_string(name, const_cast<unsigned char*>(s.data()), s.size());
    };
    const OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, const_cast<char*>(EVP_MD_get0_name(md)), 0),
        OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode),
        octets(OSSL_KDF_PARAM_KEY, key),
        octets(mode == EVP_KDF_HKDF_MODE_EXTRACT_ONLY ? OSSL_KDF_PARAM_SALT : OSSL_KDF_PARAM_INFO, salt_or_info),
        OSSL_PARAM_construct_end(),
    };
    bytes out(size);
    EXPECT_TRUE(ctx && EVP_KDF_derive(ctx.get(), out.data(), out.size(), params) == 1);
    return out;
}

TEST(capture_hkdf, sha384_agrees_with_evp_kdf_for_every_length) {
    detail::key_schedule ks(detail::sha384());
    // Salts below, at and above SHA-384's 128-byte block.
    for (const std::size_t salt_size : {0u, 1u, 48u, 127u, 128u, 129u, 200u}) {
        const bytes salt = counting(static_cast<unsigned char>(salt_size), salt_size);
        const bytes ikm = counting(0x40, 48);
        const auto prk = ks.extract(salt, ikm);
        const bytes zeros(48, 0);
        const bytes expected = reference_hkdf(detail::sha384(), EVP_KDF_HKDF_MODE_EXTRACT_ONLY, ikm,
                                              salt.empty() ? std::span<const unsigned char>(zeros) : salt, 48);
        ASSERT_EQ(to_bytes(prk.view()), expected) << "salt of " << salt_size;
    }
    const bytes prk = counting(0x11, 48);
    const bytes info = counting(0x80, 70);
    for (std::size_t n = 1; n <= 3 * 48 + 1; ++n) {
        bytes out(n);
        ks.expand(prk, info, out);
        ASSERT_EQ(out, reference_hkdf(detail::sha384(), EVP_KDF_HKDF_MODE_EXPAND_ONLY, prk, info, n)) << n;
    }
    bytes too_long(255 * 48 + 1);
    EXPECT_THROW(ks.expand(prk, info, too_long), std::invalid_argument);
}

TEST(capture_hkdf, alternating_keys_are_never_mixed_up) {
    // The schedule keeps the last key's HMAC state: keys that differ in their last byte
    // or length, used in turn, must each give their own output.
    detail::key_schedule ks(detail::sha256());
    const bytes a = counting(1, 32);
    const bytes b = [&] {
        bytes k = a;
        k.back() ^= 1;
        return k;
    }();
    const bytes c(a.begin(), a.end() - 1);
    const bytes info = from_hex("0102");
    for (int round = 0; round < 2; ++round) {
        for (const bytes* key : {&a, &b, &a, &c, &a}) {
            bytes out(32);
            ks.expand(*key, info, out);
            EXPECT_EQ(out, reference_hkdf(detail::sha256(), EVP_KDF_HKDF_MODE_EXPAND_ONLY, *key, info, 32));
        }
    }
}

}  // namespace
}  // namespace tlsaudit::capture_engine
