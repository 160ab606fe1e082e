#pragma once
// SHA-256 fingerprints, base64 and PEM certificate framing (libcrypto), shared by
// scanner/x509, revocation, report and the app. Private to the build, like
// ossl/ptr.hpp. Pure functions; thread-safe.

#include <tlsaudit/model.hpp>

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace tlsaudit::ossl {

// Lower-case hex of SHA-256 over `data`. Throws std::runtime_error only when
// libcrypto itself fails (an environment failure, not bad input).
std::string sha256_hex(std::span<const unsigned char> data);
// The same digest as 32 raw bytes: a compact key for in-memory caches.
std::string sha256_raw(std::span<const unsigned char> data);

// Base64 (RFC 4648, with padding, no line breaks) and its inverse. Decoding is
// strict: no whitespace, and only the one canonical text of each byte string is
// accepted; anything else gives nullopt.
std::string base64_encode(std::span<const unsigned char> data);
std::optional<bytes> base64_decode(std::string_view text);
// The same text written to `out`, which has room for base64_length(data.size()) chars
// (for writers that own the buffer, e.g. a JSON string).
std::size_t base64_length(std::size_t size) noexcept;
void base64_encode_to(std::span<const unsigned char> data, char* out) noexcept;

// The lines that frame a PEM "CERTIFICATE" block (RFC 7468).
inline constexpr std::string_view pem_certificate_begin = "-----BEGIN CERTIFICATE-----";
inline constexpr std::string_view pem_certificate_end = "-----END CERTIFICATE-----";

// One PEM "CERTIFICATE" block holding `der` (64-character lines, final newline).
// Reading PEM, which checks each block is a certificate, is tlsaudit/x509.hpp's.
std::string der_to_pem(std::span<const unsigned char> der);

}  // namespace tlsaudit::ossl
