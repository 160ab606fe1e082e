#pragma once
// The client's (EC)DHE key shares: X25519 for the first hello, and the NIST curves a
// HelloRetryRequest may ask for.

#include "key_schedule.hpp"
#include "ossl/error.hpp"
#include "ossl/ptr.hpp"

#include <tlsaudit/model.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <span>

namespace tlsaudit::capture_engine::detail {

class entropy_source;

namespace group {
inline constexpr std::uint16_t secp256r1 = 0x0017;
inline constexpr std::uint16_t secp384r1 = 0x0018;
inline constexpr std::uint16_t secp521r1 = 0x0019;
inline constexpr std::uint16_t x25519 = 0x001d;
inline constexpr std::uint16_t x448 = 0x001e;
// Finite-field groups (RFC 7919): listed by the TLS 1.2-only probes, which compute nothing.
inline constexpr std::uint16_t ffdhe2048 = 0x0100;
inline constexpr std::uint16_t ffdhe3072 = 0x0101;
inline constexpr std::uint16_t ffdhe4096 = 0x0102;
inline constexpr std::uint16_t ffdhe6144 = 0x0103;
inline constexpr std::uint16_t ffdhe8192 = 0x0104;
}  // namespace group

class key_share {
public:
    // True for the groups generate() computes: X25519, X448 and the NIST curves (every group
    // a TLS 1.3 probe lists).
    static bool supported(std::uint16_t group) noexcept;
    // A fresh key pair; randomness from `entropy` when given (tests), else libcrypto's.
    // Throws std::runtime_error when libcrypto fails or the group is not supported.
    static key_share generate(std::uint16_t group, entropy_source* entropy);
    // The X25519 share of the calling thread, reused by up to x25519_reuse_limit
    // connections before a fresh one replaces it (see key_share.cpp for why reuse is
    // sound for a capture client). Throws as generate() does.
    static std::shared_ptr<const key_share> reused_x25519();
    static constexpr int x25519_reuse_limit = 256;

    std::uint16_t group() const noexcept { return group_; }
    // As sent in key_share: 32 raw bytes (X25519) or an uncompressed point.
    std::span<const unsigned char> public_key() const noexcept { return public_; }
    // The shared secret with the server's share; nullopt when the share is not a valid
    // public key of the group (the peer's fault). Throws std::runtime_error when libcrypto
    // fails. Thread-safe: each thread derives through its own context, kept for the last
    // share it used.
    std::optional<secret> derive(std::span<const unsigned char> peer) const;

private:
    std::uint16_t group_ = 0;
    ossl::evp_pkey_ptr key_;
    bytes public_;
};

}  // namespace tlsaudit::capture_engine::detail
