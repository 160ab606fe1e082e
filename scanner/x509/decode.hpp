#pragma once
// DER -> owned X509, for scanner modules that need the OpenSSL object itself
// (chain building, OCSP). Private to scanner/: the public API (tlsaudit/x509.hpp)
// never exposes OpenSSL types.

#include "x509/openssl_ptr.hpp"

#include <tlsaudit/x509.hpp>

#include <optional>
#include <span>
#include <string>

namespace tlsaudit::x509 {

// Decodes exactly one DER certificate. Returns null and sets `error` when `der`
// is empty, is not a certificate, or has bytes after the certificate. Leaves
// this thread's OpenSSL error queue empty. Thread-safe; throws only std::bad_alloc.
x509_ptr decode_certificate(std::span<const unsigned char> der, std::string& error);

// What parse_certificate returns for `cert`, already decoded from exactly `der`: spares a
// second decode (OpenSSL 3 decodes every public key through its provider framework).
std::optional<cert_info> read_decoded(const X509* cert, std::span<const unsigned char> der, std::string& error);

}  // namespace tlsaudit::x509
