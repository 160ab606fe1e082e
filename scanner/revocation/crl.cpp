#include "crl.hpp"

#include "crl_reason.hpp"
#include "ossl/error.hpp"
#include "ossl/time.hpp"

#include "text/time_text.hpp"

#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <fmt/format.h>

#include <algorithm>
#include <string_view>

namespace tlsaudit::revocation::detail {
namespace {

bool looks_like_pem(std::span<const unsigned char> data) {
    constexpr std::string_view marker = "-----BEGIN";
    const std::string_view head(reinterpret_cast<const char*>(data.data()), std::min<std::size_t>(data.size(), 4096));
    return head.find(marker) != std::string_view::npos;
}

}  // namespace

ossl::x509_crl_ptr parse_crl(std::span<const unsigned char> data, std::string& error) {
    if (data.empty()) {
        error = "empty CRL";
        return nullptr;
    }
    if (looks_like_pem(data)) {
        if (data.size() > static_cast<std::size_t>(INT32_MAX)) {
            error = "CRL too large";
            return nullptr;
        }
        ossl::bio_ptr bio(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
        if (!bio) {
            error = ossl::describe_failure("BIO");
            return nullptr;
        }
        ossl::x509_crl_ptr crl(PEM_read_bio_X509_CRL(bio.get(), nullptr, nullptr, nullptr));
        if (!crl) error = ossl::describe_failure("malformed PEM CRL");
        return crl;
    }
    const unsigned char* p = data.data();
    ossl::x509_crl_ptr crl(d2i_X509_CRL(nullptr, &p, static_cast<long>(data.size())));
    if (!crl) {
        error = ossl::describe_failure("malformed DER CRL");
        return nullptr;
    }
    if (p != data.data() + data.size()) {
        error = "malformed DER CRL: bytes after the CRL";
        return nullptr;
    }
    return crl;
}

std::optional<time_point> crl_next_update(const X509_CRL* crl) {
    return ossl::to_time_point(X509_CRL_get0_nextUpdate(crl));
}

std::string check_crl(X509_CRL* crl, X509* issuer, const freshness& f) {
    if (X509_NAME_cmp(X509_CRL_get_issuer(crl), X509_get_subject_name(issuer)) != 0) return "CRL issued by another CA";
    EVP_PKEY* key = X509_get0_pubkey(issuer);
    if (key == nullptr || X509_CRL_verify(crl, key) != 1) {
        ossl::take_errors();
        return "bad CRL signature";
    }
    const auto last = ossl::to_time_point(X509_CRL_get0_lastUpdate(crl));
    if (!last) return "CRL without a valid thisUpdate";
    if (*last > f.now + f.skew) return fmt::format("CRL not yet valid (thisUpdate {})", text::rfc3339(*last));
    if (X509_CRL_get0_nextUpdate(crl) != nullptr) {
        const auto next = crl_next_update(crl);
        if (!next) return "CRL with a malformed nextUpdate";
        if (*next + f.skew < f.now) return fmt::format("stale CRL (nextUpdate {})", text::rfc3339(*next));
    } else if (*last + f.max_age_without_next_update + f.skew < f.now) {
        // No end of validity: held to the age an OCSP response without one may have.
        return fmt::format("stale CRL (no nextUpdate, thisUpdate {})", text::rfc3339(*last));
    }
    // RFC 5280 5.3: a CRL with a critical entry extension the checker cannot process must not
    // be used at all (for any certificate). Once per CRL and issuer (the caller keeps it).
    const STACK_OF(X509_REVOKED)* entries = X509_CRL_get_REVOKED(crl);
    for (int i = 0; i < sk_X509_REVOKED_num(entries); ++i) {
        const STACK_OF(X509_EXTENSION)* extensions = X509_REVOKED_get0_extensions(sk_X509_REVOKED_value(entries, i));
        for (int j = 0; j < sk_X509_EXTENSION_num(extensions); ++j) {
            X509_EXTENSION* ext = sk_X509_EXTENSION_value(extensions, j);
            const int nid = OBJ_obj2nid(X509_EXTENSION_get_object(ext));
            if (X509_EXTENSION_get_critical(ext) != 0 && nid != NID_crl_reason && nid != NID_invalidity_date)
                return "a critical CRL entry extension this checker does not know";
        }
    }
    return {};
}

namespace {

// True when `names` holds the URI `url`.
bool names_uri(const GENERAL_NAMES* names, std::string_view url) {
    for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
        const GENERAL_NAME* name = sk_GENERAL_NAME_value(names, i);
        if (name->type != GEN_URI) continue;
        const ASN1_IA5STRING* uri = name->d.uniformResourceIdentifier;
        const std::string_view text(reinterpret_cast<const char*>(ASN1_STRING_get0_data(uri)),
                                    static_cast<std::size_t>(ASN1_STRING_length(uri)));
        if (text == url) return true;
    }
    return false;
}

std::string idp_problem(const ISSUING_DIST_POINT& idp, X509* cert, std::string_view url) {
    if (idp.indirectCRL) return "an indirect CRL (it lists other issuers' certificates)";
    if (idp.onlyattr) return "a CRL of attribute certificates only";
    if (idp.onlysomereasons != nullptr) return "a CRL of some revocation reasons only";
    const bool is_ca = X509_check_ca(cert) != 0;
    if (idp.onlyCA && !is_ca) return "a CRL of CA certificates only";
    if (idp.onlyuser && is_ca) return "a CRL of end-entity certificates only";
    if (idp.distpoint != nullptr) {
        if (idp.distpoint->type != 0) return "its issuingDistributionPoint names a relative distribution point";
        if (!names_uri(idp.distpoint->name.fullname, url))
            return "its issuingDistributionPoint names another distribution point (a CRL of another scope)";
    }
    return {};
}

}  // namespace

std::string crl_scope_problem(X509_CRL* crl, X509* cert, std::string_view url) {
    int critical = 0;
    if (X509_CRL_get_ext_by_NID(crl, NID_delta_crl, -1) >= 0) return "a delta CRL (the base CRL is needed)";
    // `critical` is -1 when the CRL has no issuingDistributionPoint, -2 when it has two.
    ISSUING_DIST_POINT* idp =
        static_cast<ISSUING_DIST_POINT*>(X509_CRL_get_ext_d2i(crl, NID_issuing_distribution_point, &critical, nullptr));
    std::string problem;
    if (idp == nullptr && critical != -1) problem = "a malformed issuingDistributionPoint";
    else if (idp != nullptr) problem = idp_problem(*idp, cert, url);
    ISSUING_DIST_POINT_free(idp);
    ossl::take_errors();
    if (!problem.empty()) return problem;
    for (int i = 0; i < X509_CRL_get_ext_count(crl); ++i) {
        X509_EXTENSION* ext = X509_CRL_get_ext(crl, i);
        if (X509_EXTENSION_get_critical(ext) == 0) continue;
        const int nid = OBJ_obj2nid(X509_EXTENSION_get_object(ext));
        if (nid != NID_issuing_distribution_point && nid != NID_crl_number && nid != NID_authority_key_identifier)
            return "a critical CRL extension this checker does not know";
    }
    return {};
}

verdict lookup_crl(X509_CRL* crl, X509* cert) {
    verdict v;
    v.next_update = crl_next_update(crl);
    X509_REVOKED* entry = nullptr;
    // ASN1_INTEGER comparison: sign, length, then bytes (0x0102 never matches 0x01).
    const int found = X509_CRL_get0_by_serial(crl, &entry, X509_get0_serialNumber(cert));
    if (found == 0 || entry == nullptr) {
        v.status.state = "good";
        return v;
    }
    int critical = 0;
    ossl::asn1_enumerated_ptr reason(
        static_cast<ASN1_ENUMERATED*>(X509_REVOKED_get_ext_d2i(entry, NID_crl_reason, &critical, nullptr)));
    if (reason) {
        const long code = ASN1_ENUMERATED_get(reason.get());
        if (code == 8) {  // removeFromCRL (delta CRLs): no longer revoked
            v.status.state = "good";
            return v;
        }
        v.status.reason = reason_name(static_cast<int>(code));
    }
    ossl::take_errors();
    v.status.state = "revoked";
    v.status.revoked_at = ossl::to_time_point(X509_REVOKED_get0_revocationDate(entry));
    return v;
}

}  // namespace tlsaudit::revocation::detail
