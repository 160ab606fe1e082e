#pragma once
// cert_info from an already decoded X509, for scanner modules that hold the OpenSSL
// object itself (chain building). Private to scanner/: the public API
// (tlsaudit/x509.hpp) never exposes OpenSSL types. Decoding DER into an X509 is
// ossl::decode_certificate (ossl/der.hpp).

#include <tlsaudit/x509.hpp>

#include <openssl/x509.h>

#include <optional>
#include <span>
#include <string>

namespace tlsaudit::x509 {

// What parse_certificate returns for `cert`, already decoded from exactly `der`: spares a
// second decode (OpenSSL 3 decodes every public key through its provider framework).
std::optional<cert_info> read_decoded(const X509* cert, std::span<const unsigned char> der, std::string& error);

}  // namespace tlsaudit::x509
