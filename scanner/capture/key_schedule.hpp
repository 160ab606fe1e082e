#pragma once
// The part of the TLS 1.3 key schedule (RFC 8446 7.1) a client needs to read the
// server's handshake flight: HKDF-Extract and HKDF-Expand-Label through EVP_KDF "HKDF",
// up to the server's handshake traffic key and IV.

#include <openssl/types.h>

#include <array>
#include <cstddef>
#include <span>
#include <string_view>

namespace tlsaudit::capture_engine::detail {

// A secret, a hash or an (EC)DHE shared secret: at most 96 bytes (P-521 shares 66).
class secret {
public:
    secret() = default;
    explicit secret(std::span<const unsigned char> data) noexcept;
    std::span<const unsigned char> view() const noexcept { return {bytes_.data(), size_}; }
    std::span<unsigned char> resize(std::size_t n) noexcept;  // clamped to 96
    ~secret();                                                // wipes the bytes
    secret(const secret&) = default;
    secret& operator=(const secret&) = default;

private:
    std::array<unsigned char, 96> bytes_{};
    std::size_t size_ = 0;
};

struct traffic_keys {
    std::array<unsigned char, 32> key{};
    std::size_t key_size = 0;
    std::array<unsigned char, 12> iv{};
};

// HKDF over one hash. Throws std::runtime_error when libcrypto fails (never for input
// from the peer: every input here has a fixed size).
class key_schedule {
public:
    explicit key_schedule(const EVP_MD* md);
    ~key_schedule();
    key_schedule(const key_schedule&) = delete;
    key_schedule& operator=(const key_schedule&) = delete;

    std::size_t hash_size() const noexcept { return hash_size_; }

    secret extract(std::span<const unsigned char> salt, std::span<const unsigned char> ikm);
    void expand_label(std::span<const unsigned char> secret, std::string_view label,
                      std::span<const unsigned char> context, std::span<unsigned char> out);
    // Derive-Secret(secret, label, transcript_hash).
    secret derive_secret(std::span<const unsigned char> from, std::string_view label,
                         std::span<const unsigned char> transcript_hash);

    // Derive-Secret(Early Secret, "derived", "") for a handshake without PSK: the same for
    // every connection of this hash, so computed once per process.
    secret early_derived();
    // HKDF-Extract(early_derived(), shared_secret).
    secret handshake_secret(std::span<const unsigned char> shared_secret);
    // The "key" and "iv" of a traffic secret.
    traffic_keys traffic(std::span<const unsigned char> traffic_secret, std::size_t key_size);

private:
    void derive(int mode, std::span<const unsigned char> key, std::span<const unsigned char> salt,
                std::span<const unsigned char> info, std::span<unsigned char> out);

    const EVP_MD* md_;
    std::size_t hash_size_;
    EVP_KDF_CTX* ctx_;
};

}  // namespace tlsaudit::capture_engine::detail
