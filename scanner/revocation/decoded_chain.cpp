#include "decoded_chain.hpp"

#include "ossl/der.hpp"
#include "ossl/encoding.hpp"

#include <tlsaudit/x509.hpp>

#include <openssl/err.h>
#include <openssl/x509.h>

namespace tlsaudit::revocation::detail {
namespace {

// The certificate in the chain (or of the path beyond it) that issued certs[index]: the
// next one when the chain is in order, any other otherwise. Names and key identifiers are
// the server's to forge: the issuer is one whose key verifies the certificate's signature,
// or a served impostor (the real CA's name and key id, its own key) would vouch for a
// stapled "good" it signed itself.
X509* find_issuer(const std::vector<ossl::x509_ptr>& certs, std::size_t index,
                  const std::vector<ossl::x509_ptr>& path) {
    X509* subject = certs[index].get();
    auto issued = [subject](X509* candidate) {
        if (candidate == nullptr || candidate == subject || X509_check_issued(candidate, subject) != X509_V_OK)
            return false;
        EVP_PKEY* key = X509_get0_pubkey(candidate);
        const bool signed_by = key != nullptr && X509_verify(subject, key) == 1;
        if (!signed_by) ERR_clear_error();
        return signed_by;
    };
    if (index + 1 < certs.size() && issued(certs[index + 1].get())) return certs[index + 1].get();
    for (const auto* list : {&certs, &path})
        for (const auto& c : *list)
            if (issued(c.get())) return c.get();
    return nullptr;
}

}  // namespace

std::shared_ptr<const decoded_chain> decode_chain(const request& req) {
    auto out = std::make_shared<decoded_chain>();
    std::string error;
    const bool parsed = req.parsed.size() == req.chain.size();
    for (std::size_t i = 0; i < req.chain.size(); ++i) {
        const bytes& der = req.chain[i];
        out->certs.push_back(ossl::decode_shared_certificate(der, error));
        std::vector<std::string> ocsp, crl;
        if (out->certs.back()) {
            if (parsed) {
                if (const auto& info = req.parsed[i].info) {
                    ocsp = info->ocsp_urls;
                    crl = info->crl_urls;
                }
            } else if (auto info = x509::parse_certificate(der, error)) {
                ocsp = std::move(info->ocsp_urls);
                crl = std::move(info->crl_urls);
            }
        }
        out->ocsp_urls.push_back(std::move(ocsp));
        out->crl_urls.push_back(std::move(crl));
    }
    for (const auto& der : req.path_issuers) out->path_issuers.push_back(ossl::decode_shared_certificate(der, error));
    for (std::size_t i = 0; i < out->certs.size(); ++i) {
        X509* cert = out->certs[i].get();
        // Self-signed as OpenSSL's verification (and the audit's self-signed finding) has it:
        // names and key identifiers, not keyUsage, so a self-signed leaf without keyCertSign
        // is one too. No issuer can revoke it.
        const bool self = cert != nullptr && X509_self_signed(cert, 0) == 1;
        out->self_signed.push_back(self);
        out->issuers.push_back(cert == nullptr || self ? nullptr : find_issuer(out->certs, i, out->path_issuers));
    }
    return out;
}

std::string chain_key(const request& req) {
    std::string key = std::to_string(req.chain.size()) + '|';
    if (!req.chain_identity.empty()) {
        key += req.chain_identity;
    } else {
        for (const auto& der : req.chain) key += ossl::sha256_hex(der);
    }
    for (const auto& der : req.path_issuers) key += 'x' + ossl::sha256_raw(der);
    return key;
}

}  // namespace tlsaudit::revocation::detail
