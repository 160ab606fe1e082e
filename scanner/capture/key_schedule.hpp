#pragma once
// The part of the TLS 1.3 key schedule (RFC 8446 7.1) a client needs to read the
// server's handshake flight: HKDF-Extract and HKDF-Expand-Label (RFC 5869) up to the
// server's handshake traffic key and IV.

#include "ossl/ptr.hpp"

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

// HKDF over one hash, computed as HMAC (RFC 2104) on the hash itself: EVP_KDF's HKDF
// costs twice the instructions for the few short derivations a handshake needs. Throws
// std::runtime_error when libcrypto fails (never for input from the peer: every input
// here has a fixed size). One object per connection; not shared between threads.
class key_schedule {
public:
    explicit key_schedule(const EVP_MD* md);

    std::size_t hash_size() const noexcept { return hash_size_; }

    // HKDF-Extract; an empty salt stands for hash-size zeros (RFC 5869 2.2).
    secret extract(std::span<const unsigned char> salt, std::span<const unsigned char> ikm);
    // HKDF-Expand of `prk` into `out` (at most 255 hash lengths, else std::invalid_argument).
    void expand(std::span<const unsigned char> prk, std::span<const unsigned char> info, std::span<unsigned char> out);
    void expand_label(std::span<const unsigned char> secret, std::string_view label,
                      std::span<const unsigned char> context, std::span<unsigned char> out);
    // Derive-Secret(secret, label, transcript_hash).
    secret derive_secret(std::span<const unsigned char> from, std::string_view label,
                         std::span<const unsigned char> transcript_hash);

    // Derive-Secret(Early Secret, "derived", "") for a handshake without PSK: the same for
    // every connection of this hash, so computed once per process.
    secret early_derived() const;
    // HKDF-Extract(early_derived(), shared_secret).
    secret handshake_secret(std::span<const unsigned char> shared_secret);
    // The "key" and "iv" of a traffic secret.
    traffic_keys traffic(std::span<const unsigned char> traffic_secret, std::size_t key_size);

private:
    // The inner and outer hash states of HMAC once the padded key is absorbed: every MAC
    // under the key starts from copies of them.
    struct hmac_key {
        ossl::evp_md_ctx_ptr inner;
        ossl::evp_md_ctx_ptr outer;
    };
    static void absorb_key(const EVP_MD* md, std::span<const unsigned char> key, hmac_key& out);
    // early_derived(), and the same keyed for HMAC: the handshake secret's salt.
    struct early_state {
        secret derived;
        hmac_key salt;
    };
    const early_state& early() const;

    // Keys key_ with `key` unless it already holds it: consecutive expansions of one
    // secret ("key" and "iv") then pay for the two pad blocks once.
    void set_key(std::span<const unsigned char> key);
    // HMAC(key, parts...) into out, which has the hash's size.
    void mac(const hmac_key& key, std::span<const std::span<const unsigned char>> parts, std::span<unsigned char> out);

    const EVP_MD* md_;
    std::size_t hash_size_;
    hmac_key key_;
    secret keyed_with_;
    bool keyed_ = false;
    ossl::evp_md_ctx_ptr work_;
};

}  // namespace tlsaudit::capture_engine::detail
