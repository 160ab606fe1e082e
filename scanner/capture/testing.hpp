#pragma once
// Test hook of the capture client: where its randomness and key shares come from. The
// shipped path never uses it (client's two-argument constructor draws from RAND_bytes and
// libcrypto's key generation); tests and the tls_client13 fuzz target give a fixed
// source, so that a recorded encrypted flight decrypts again (tlsaudit_capture_testing
// provides one, fixed_entropy).

#include "ossl/error.hpp"
#include "ossl/ptr.hpp"

#include <cstdint>
#include <span>

namespace tlsaudit::capture_engine::detail {

class entropy_source {
public:
    virtual ~entropy_source() = default;
    // Random bytes: the hello's random and session id, X25519 private keys.
    virtual void fill(std::span<unsigned char> out) = 0;
    // A key pair on an EC group (secp256r1 0x0017, secp384r1 0x0018, secp521r1 0x0019).
    virtual ossl::evp_pkey_ptr ec_key(std::uint16_t group) = 0;
};

// Deterministic entropy from a seed: the same seed gives the same bytes and keys, in
// the same order of calls. Test code only (built into tlsaudit_capture_testing).
class fixed_entropy final : public entropy_source {
public:
    explicit fixed_entropy(std::uint64_t seed) noexcept : seed_(seed) {}
    void fill(std::span<unsigned char> out) override;
    ossl::evp_pkey_ptr ec_key(std::uint16_t group) override;

private:
    std::uint64_t seed_;
    std::uint64_t counter_ = 0;
};

}  // namespace tlsaudit::capture_engine::detail
