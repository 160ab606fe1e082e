#pragma once
// The optional check of a TLS 1.3 server's CertificateVerify (options::verify_handshake):
// its signature over the transcript, with the leaf certificate's key (RFC 8446 4.4.3).

#include <tlsaudit/model.hpp>

#include <cstdint>
#include <optional>
#include <span>

namespace tlsaudit::capture_engine::detail {

// nullopt when the signature verifies, or when the leaf is no certificate (nothing to
// verify with: the capture reports it as any undecodable certificate); otherwise why not,
// as a protocol-error (a scheme the leaf's key cannot use too). Throws std::runtime_error
// only when libcrypto cannot allocate.
std::optional<scan_error> check_certificate_verify(std::span<const unsigned char> leaf_der, std::uint16_t scheme,
                                                   std::span<const unsigned char> signature,
                                                   std::span<const unsigned char> transcript_hash);

}  // namespace tlsaudit::capture_engine::detail
