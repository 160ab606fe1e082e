#pragma once
// DER certificate <-> owned X509, for the modules that need the OpenSSL object
// itself (chain building, OCSP, the lab's servers). Private to the build, like
// ossl/ptr.hpp: the public API (tlsaudit/x509.hpp) never exposes OpenSSL types.

#include "ossl/ptr.hpp"

#include <tlsaudit/model.hpp>

#include <optional>
#include <span>
#include <string>

namespace tlsaudit::ossl {

// Decodes exactly one DER certificate. Returns null and sets `error` when `der`
// is empty, is not a certificate, or has bytes after the certificate. Leaves
// this thread's OpenSSL error queue empty. Thread-safe; throws only std::bad_alloc.
x509_ptr decode_certificate(std::span<const unsigned char> der, std::string& error);

// The same for certificates that must be valid (the lab's own, test fixtures):
// throws std::runtime_error with that error text instead of returning null.
x509_ptr decode_certificate(std::span<const unsigned char> der);

// decode_certificate(der, error) through a process-wide memo keyed by the DER's SHA-256:
// a certificate met again (an intermediate behind thousands of endpoints; a leaf that
// the audit, the trust check and revocation each read) is decoded once. OpenSSL 3.0
// decodes each certificate's public key through its decoder framework, which costs more
// than verifying a signature. The X509 returned may be shared with other callers on other
// threads: read it (OpenSSL's own caches inside it are locked), never modify it. Bad DER
// is not remembered. The memo holds at most 1,024 certificates. Thread-safe.
x509_ptr decode_shared_certificate(std::span<const unsigned char> der, std::string& error);

// The DER encoding of `cert`. Throws std::runtime_error when OpenSSL cannot encode it.
bytes encode_certificate(const X509* cert);

// One DER element at the start of `in` (a definite length of at most four bytes): its tag and
// contents, and `in` moved past it; nullopt when `in` does not start with a whole one. For
// reading a field or two of a certificate without decoding it. No OpenSSL.
struct der_element {
    unsigned char tag = 0;
    std::span<const unsigned char> content;
};
std::optional<der_element> take_der_element(std::span<const unsigned char>& in) noexcept;

}  // namespace tlsaudit::ossl
