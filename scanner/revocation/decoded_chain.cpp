#include "decoded_chain.hpp"

#include "ossl/der.hpp"
#include "ossl/encoding.hpp"

#include <tlsaudit/x509.hpp>

namespace tlsaudit::revocation::detail {
namespace {

// The certificate in the chain (or the extra one) that issued certs[index]: the next
// one when the chain is in order, any other otherwise.
X509* find_issuer(const std::vector<ossl::x509_ptr>& certs, std::size_t index, X509* extra) {
    X509* subject = certs[index].get();
    auto issued = [subject](X509* candidate) {
        return candidate != nullptr && candidate != subject && X509_check_issued(candidate, subject) == X509_V_OK;
    };
    if (index + 1 < certs.size() && issued(certs[index + 1].get())) return certs[index + 1].get();
    for (const auto& c : certs)
        if (issued(c.get())) return c.get();
    if (index == 0 && issued(extra)) return extra;
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
    if (req.leaf_issuer) out->leaf_issuer = ossl::decode_shared_certificate(*req.leaf_issuer, error);
    for (std::size_t i = 0; i < out->certs.size(); ++i) {
        X509* cert = out->certs[i].get();
        const bool self = cert != nullptr && X509_check_issued(cert, cert) == X509_V_OK;
        out->self_signed.push_back(self);
        out->issuers.push_back(cert == nullptr || self ? nullptr : find_issuer(out->certs, i, out->leaf_issuer.get()));
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
    // The leaf's issuer is most often the served second certificate: no need to hash it.
    if (!req.leaf_issuer) key += 'n';
    else if (req.chain.size() > 1 && *req.leaf_issuer == req.chain[1]) key += 's';
    else key += 'x' + ossl::sha256_raw(*req.leaf_issuer);
    return key;
}

}  // namespace tlsaudit::revocation::detail
