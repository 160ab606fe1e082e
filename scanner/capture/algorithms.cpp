#include "algorithms.hpp"

#include "ossl/error.hpp"
#include "ossl/ptr.hpp"

#include <openssl/err.h>
#include <openssl/evp.h>

#include <array>
#include <stdexcept>
#include <string>

namespace tlsaudit::capture_engine::detail {
namespace {

struct fetched {
    EVP_MD* sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    EVP_MD* sha384 = EVP_MD_fetch(nullptr, "SHA384", nullptr);
    EVP_MD* sha512 = EVP_MD_fetch(nullptr, "SHA512", nullptr);
    EVP_CIPHER* aes128_gcm = EVP_CIPHER_fetch(nullptr, "AES-128-GCM", nullptr);
    EVP_CIPHER* aes256_gcm = EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr);
    EVP_CIPHER* chacha20_poly1305 = EVP_CIPHER_fetch(nullptr, "ChaCha20-Poly1305", nullptr);
    std::array<tls13_suite, 3> suites{{
        {0x1301, sha256, aes128_gcm, 16},
        {0x1302, sha384, aes256_gcm, 32},
        {0x1303, sha256, chacha20_poly1305, 32},
    }};

    fetched() {
        if (!sha256 || !sha384 || !sha512 || !aes128_gcm || !aes256_gcm || !chacha20_poly1305)
            ossl::throw_failure("fetching the capture client's algorithms");
    }
    // Held for the life of the process: freeing at exit would race threads still scanning.
    ~fetched() = default;
    fetched(const fetched&) = delete;
    fetched& operator=(const fetched&) = delete;
};

const fetched& algorithms() {
    static const fetched f;
    return f;
}

}  // namespace

const EVP_MD* sha256() { return algorithms().sha256; }
const EVP_MD* sha384() { return algorithms().sha384; }
const EVP_MD* sha512() { return algorithms().sha512; }

const tls13_suite* find_tls13_suite(std::uint16_t id) {
    for (const auto& s : algorithms().suites)
        if (s.id == id) return &s;
    return nullptr;
}

}  // namespace tlsaudit::capture_engine::detail
