#pragma once
// Private to tlsaudit_lab: the X.509 v3 extensions of a lab certificate.

#include <tlsaudit/lab/pki.hpp>

#include <openssl/x509.h>

namespace tlsaudit::lab::detail {

// Adds every extension `spec` asks for to `cert`, whose subject public key must
// already be set. `issuer` is the issuing certificate (for the AKI), or null for a
// self-signed certificate. Throws on any OpenSSL failure or a bad IP address.
void add_extensions(X509* cert, X509* issuer, const cert_spec& spec);

}  // namespace tlsaudit::lab::detail
