#pragma once
// The optional check of a TLS 1.3 server's CertificateVerify (options::verify_handshake):
// its signature over the transcript, with the leaf certificate's key (RFC 8446 4.4.3).

#include <tlsaudit/model.hpp>

#include <cstdint>
#include <optional>
#include <span>

namespace tlsaudit::capture_engine::detail {

// nullopt when the signature verifies; otherwise why not, as the handshake error
// (protocol-error, or bad-certificate when the leaf is not a certificate). `chain_size`
// only words the bad-certificate message. Throws std::runtime_error when libcrypto fails.
std::optional<scan_error> check_certificate_verify(std::span<const unsigned char> leaf_der, std::size_t chain_size,
                                                   std::uint16_t scheme, std::span<const unsigned char> signature,
                                                   std::span<const unsigned char> transcript_hash);

}  // namespace tlsaudit::capture_engine::detail
