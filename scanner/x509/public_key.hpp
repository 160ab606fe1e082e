#pragma once
// Subject public key of a certificate: algorithm, size, curve, SPKI hash.
// Private to scanner/x509.

#include <tlsaudit/model.hpp>

#include <openssl/x509.h>

#include <string>

namespace tlsaudit::x509::detail {

// Fills key_type ("RSA", "RSA-PSS", "EC", "Ed25519", "Ed448", "DSA", else the
// provider's name or the algorithm OID), key_bits (0 when OpenSSL cannot load
// the key), curve (EC with a named group only) and spki_sha256 (lower-case hex
// of the DER SubjectPublicKeyInfo). Returns false and sets `error` only when the
// SubjectPublicKeyInfo cannot be re-encoded or hashed. Throws only std::bad_alloc.
bool read_public_key(const X509* cert, cert_info& info, std::string& error);

}  // namespace tlsaudit::x509::detail
