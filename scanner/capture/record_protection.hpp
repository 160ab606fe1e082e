#pragma once
// TLS 1.3 record protection (RFC 8446 5.2-5.4): AEAD open with the per-record nonce, then
// the inner plaintext's padding stripped; and seal, for the client's closing alerts.

#include "key_schedule.hpp"
#include "ossl/error.hpp"
#include "ossl/ptr.hpp"

#include <tlsaudit/model.hpp>

#include <cstdint>
#include <optional>
#include <span>

namespace tlsaudit::capture_engine::detail {

inline constexpr std::size_t aead_tag_size = 16;

class record_decrypter {
public:
    // Throws std::runtime_error when libcrypto refuses the cipher or key (the environment).
    record_decrypter(const EVP_CIPHER* cipher, const traffic_keys& keys);

    // Opens one protected record (`header` is the additional data, `payload` the
    // ciphertext and tag) into `out`, which is resized to the plaintext. False when the
    // record does not authenticate or is shorter than a tag. Each call uses the next
    // sequence number.
    bool open(std::span<const unsigned char> header, std::span<const unsigned char> payload, bytes& out);

private:
    ossl::evp_cipher_ctx_ptr ctx_;
    std::array<unsigned char, 12> iv_{};
    std::uint64_t sequence_ = 0;
};

class record_encrypter {
public:
    // Throws std::runtime_error when libcrypto refuses the cipher or key (the environment).
    record_encrypter(const EVP_CIPHER* cipher, const traffic_keys& keys);

    // Appends one protected record (application_data, version 0x0303) holding `content`
    // of inner type `type`, unpadded, to `out`. Each call uses the next sequence number.
    // Throws std::runtime_error when libcrypto fails.
    void seal(std::uint8_t type, std::span<const unsigned char> content, bytes& out);

private:
    ossl::evp_cipher_ctx_ptr ctx_;
    std::array<unsigned char, 12> iv_{};
    std::uint64_t sequence_ = 0;
};

struct inner_plaintext {
    std::uint8_t type = 0;
    std::span<const unsigned char> content;
};
// Splits TLSInnerPlaintext (content, type, zero padding); nullopt when it is all zeros.
std::optional<inner_plaintext> split_inner_plaintext(std::span<const unsigned char> plaintext) noexcept;

}  // namespace tlsaudit::capture_engine::detail
