#pragma once
// libcrypto algorithms fetched once per process (a fetch takes the provider store's
// lock), and the TLS 1.3 cipher suites the capture client can decrypt.

#include <openssl/types.h>

#include <cstddef>
#include <cstdint>

namespace tlsaudit::capture_engine::detail {

// The first call fetches every algorithm below; it throws std::runtime_error when one is
// missing (the environment). Thread-safe; later calls only read.
const EVP_MD* sha256();
const EVP_MD* sha384();
const EVP_MD* sha512();

struct tls13_suite {
    std::uint16_t id;
    const EVP_MD* md;          // transcript hash and HKDF
    const EVP_CIPHER* cipher;  // AEAD
    std::size_t key_size;
};

// The suite `id` when the client can decrypt it (1301, 1302, 1303), else nullptr.
const tls13_suite* find_tls13_suite(std::uint16_t id);

}  // namespace tlsaudit::capture_engine::detail
