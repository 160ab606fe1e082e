#pragma once
// CRLs without I/O (RFC 5280): parsing, verification against the issuer, lookup.
// Private to scanner/revocation; tested with plain bytes.

#include "verdict.hpp"

#include "ossl/ptr.hpp"

#include <span>
#include <string>
#include <string_view>

namespace tlsaudit::revocation::detail {

// Parses a DER CRL, or the first "X509 CRL" block of a PEM text. Returns null and
// sets `error` for anything else (garbage, truncation, trailing bytes after DER).
// Throws only std::bad_alloc; thread-safe.
ossl::x509_crl_ptr parse_crl(std::span<const unsigned char> data, std::string& error);

// "" when `crl` is a complete CRL issued by `issuer` (same name, signature verified
// with its key) and fresh at f.now (lastUpdate <= now + skew, nextUpdate absent or
// >= now - skew); otherwise why not. Never throws except std::bad_alloc.
std::string check_crl(X509_CRL* crl, X509* issuer, const freshness& f);

// "" when `crl` covers `cert` fetched from distribution point `url` (RFC 5280 5.2.4,
// 5.2.5, 6.3.3): not a delta CRL; an issuingDistributionPoint, if any, names `url` among
// its full names, covers every reason, is not indirect or limited to attribute
// certificates, and limits itself to CA or user certificates only as `cert` is one; no
// other critical extension. Otherwise why not: a CRL of another scope (another shard,
// CA certificates only) proves nothing about `cert`. Never throws except std::bad_alloc.
std::string crl_scope_problem(X509_CRL* crl, X509* cert, std::string_view url);

// nextUpdate, nullopt when absent or malformed.
std::optional<time_point> crl_next_update(const X509_CRL* crl);

// The status of `cert` in a CRL that check_crl() accepted: "revoked" (reason from the
// entry's CRLReason extension, date from revocationDate) when its serial is listed
// (exact INTEGER equality: no prefix or text matching), else "good". `next_update` is
// the CRL's. Thread-safe for a shared CRL (OpenSSL locks its lazy sort).
verdict lookup_crl(X509_CRL* crl, X509* cert);

}  // namespace tlsaudit::revocation::detail
