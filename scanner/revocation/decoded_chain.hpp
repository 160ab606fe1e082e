#pragma once
// A served chain decoded once for revocation: OpenSSL objects, each certificate's
// issuer and its OCSP/CRL URLs. OpenSSL 3 decodes public keys slowly (its decoder
// framework), so the checker keeps these per distinct chain instead of decoding the
// same chain for every endpoint that serves it. Private to scanner/revocation.

#include "ossl/ptr.hpp"

#include <tlsaudit/revocation.hpp>

#include <memory>
#include <string>
#include <vector>

namespace tlsaudit::revocation::detail {

struct decoded_chain {
    std::vector<ossl::x509_ptr> certs;         // parallel to request::chain; null: undecodable
    std::vector<ossl::x509_ptr> path_issuers;  // request::path_issuers, decoded
    // Parallel to certs: the certificate that issued it (owned by `certs` or
    // `path_issuers`), null when none is known; self-signed ones are flagged instead.
    std::vector<X509*> issuers;
    std::vector<bool> self_signed;
    std::vector<std::vector<std::string>> ocsp_urls;
    std::vector<std::vector<std::string>> crl_urls;
};

// Decodes `req`'s chain. Never throws except std::bad_alloc; bad DER gives null entries.
std::shared_ptr<const decoded_chain> decode_chain(const request& req);

// The chain's certificate digests (req.chain_identity or hashed here) and how the leaf's
// issuer was found: equal keys, equal chains.
std::string chain_key(const request& req);

}  // namespace tlsaudit::revocation::detail
