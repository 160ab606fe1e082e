#pragma once
// Reader of the facts the certificate-profile checks judge (cert_info's version,
// serial length, signature algorithm parts, AIA well-formedness, SAN criticality).
// Private to scanner/x509.

#include <tlsaudit/model.hpp>

#include <openssl/x509.h>

namespace tlsaudit::x509::detail {

// Fills version, serial_octets, signature_key, signature_digest, aia_malformed,
// and san_critical. Never fails: what cannot be read stays at its
// default. None throws except std::bad_alloc; may leave entries on the OpenSSL error queue.
void read_profile_facts(const X509* cert, cert_info& info);

}  // namespace tlsaudit::x509::detail
