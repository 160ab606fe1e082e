#pragma once
// OCSP without I/O (RFC 6960): request building and response judgement. Private to
// scanner/revocation; tested with plain bytes.

#include "verdict.hpp"

#include <tlsaudit/model.hpp>

#include <openssl/x509.h>

#include <optional>
#include <span>
#include <string>

namespace tlsaudit::revocation::detail {

// DER OCSPRequest for `cert` issued by `issuer`: one SHA-1 CertID, no nonce (so the
// answer can be cached and shared, RFC 5019). Returns nullopt and sets `error` when
// libcrypto fails. Thread-safe; throws only std::bad_alloc.
std::optional<bytes> make_ocsp_request(X509* cert, X509* issuer, std::string& error);

// Judges a DER OCSPResponse (stapled or fetched) for `cert`:
// - responseStatus must be successful and the body a BasicOCSPResponse;
// - the signer must be `issuer` itself (responderID by name or key hash) or a
//   delegated responder certificate included in the response, issued and signed by
//   `issuer`, with the id-kp-OCSPSigning EKU and valid at `f.now`;
// - the signature must verify with the signer's key;
// - a SingleResponse must carry a CertID equal to ours (any hash algorithm);
// - thisUpdate <= now + skew and nextUpdate >= now - skew (without nextUpdate:
//   thisUpdate + max_age >= now).
// Anything else gives an "unknown" verdict whose reason says which check failed.
// `source` is left empty. Never throws except std::bad_alloc; thread-safe.
verdict judge_ocsp_response(std::span<const unsigned char> der, X509* cert, X509* issuer, const freshness& f);

// Hex of SHA-1(issuer public key) + ":" + hex of the DER serial of `cert`: the
// identity that in-flight requests and cached answers are keyed by. "" on failure.
std::string ocsp_key(X509* cert, X509* issuer);

}  // namespace tlsaudit::revocation::detail
