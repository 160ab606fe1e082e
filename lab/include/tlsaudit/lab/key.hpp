#pragma once
// Private keys for the test lab: generated at run time with the OpenSSL 3 API, held
// by an owning, reference-counted RAII handle, plus a process-wide cache of lab keys
// because RSA generation is slow.

#include <tlsaudit/model.hpp>

#include <openssl/types.h>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace tlsaudit::lab {

enum class key_kind {
    rsa_1024,  // weak on purpose (weak-key findings)
    rsa_2048,
    rsa_3072,
    rsa_4096,
    ec_p256,
    ec_p384,
};

std::string_view to_string(key_kind kind) noexcept;

// An EVP_PKEY holding a private key, or nothing. Copies share the same EVP_PKEY
// (OpenSSL reference count): keys are immutable once made, and a key may be used by
// several threads at once (signing, TLS servers).
class key {
public:
    key() noexcept = default;
    // Takes ownership of one reference to `adopted` (may be null).
    explicit key(EVP_PKEY* adopted) noexcept;
    key(const key& other) noexcept;
    key& operator=(const key& other) noexcept;
    key(key&&) noexcept = default;
    key& operator=(key&&) noexcept = default;
    ~key() = default;

    // New RSA key of `bits` bits (OpenSSL accepts 512 and up). Throws
    // std::runtime_error on failure.
    static key make_rsa(int bits);
    // New EC key on the named curve ("P-256", "P-384", "P-521", "prime192v1", ...).
    // Throws std::runtime_error for an unknown curve.
    static key make_ec(std::string curve = "P-256");
    // New key of the given kind (not cached: see lab_key).
    static key make(key_kind kind);
    // Reads a PEM private key (PKCS#8 or traditional). Throws std::runtime_error.
    static key from_pem(std::string_view pem);

    // Unencrypted PKCS#8 PEM ("-----BEGIN PRIVATE KEY-----"). Throws when empty.
    std::string to_pem() const;
    // DER SubjectPublicKeyInfo of the public half. Throws when empty.
    bytes public_der() const;
    // Key size in bits (RSA modulus, EC field size); 0 when empty.
    int bits() const noexcept;

    // The EVP_PKEY, still owned by this object; null when empty.
    EVP_PKEY* get() const noexcept { return pkey_.get(); }
    explicit operator bool() const noexcept { return pkey_ != nullptr; }

private:
    struct free_pkey {
        void operator()(EVP_PKEY* p) const noexcept;
    };
    std::unique_ptr<EVP_PKEY, free_pkey> pkey_;
};

// The index-th lab key of `kind`: generated on first use, then the same key (sharing
// the EVP_PKEY) for the life of the process. Thread-safe; different slots are
// generated in parallel, the same slot only once. Use distinct indices where a test
// needs distinct keys.
key lab_key(key_kind kind, std::size_t index = 0);

}  // namespace tlsaudit::lab
