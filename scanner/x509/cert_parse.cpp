// parse_certificate: DER -> cert_info. The field readers live in asn1_text,
// public_key and extensions; this file decides what makes a parse fail.

#include <tlsaudit/x509.hpp>

#include "ossl/der.hpp"
#include "ossl/encoding.hpp"
#include "ossl/error.hpp"
#include "ossl/time.hpp"
#include "x509/asn1_text.hpp"
#include "x509/decode.hpp"
#include "x509/extensions.hpp"
#include "x509/profile_facts.hpp"
#include "x509/public_key.hpp"

#include <openssl/err.h>
#include <openssl/objects.h>

namespace tlsaudit::x509 {

namespace {

std::string signature_algorithm_name(const X509* cert) {
    const int nid = X509_get_signature_nid(cert);
    const char* long_name = nid == NID_undef ? nullptr : OBJ_nid2ln(nid);
    if (long_name != nullptr) {
        return long_name;
    }
    const ASN1_BIT_STRING* signature = nullptr;
    const X509_ALGOR* algorithm = nullptr;
    X509_get0_signature(&signature, &algorithm, cert);
    if (algorithm == nullptr) {
        return {};
    }
    const ASN1_OBJECT* object = nullptr;
    X509_ALGOR_get0(&object, nullptr, nullptr, algorithm);
    return detail::object_to_oid_text(object);
}

// Fills everything but the fingerprint. False (with `error`) when a field every
// certificate must have cannot be read.
bool fill_cert_info(const X509* cert, cert_info& info, std::string& error) {
    const X509_NAME* subject = X509_get_subject_name(cert);
    const X509_NAME* issuer = X509_get_issuer_name(cert);
    info.subject = detail::name_to_rfc2253(subject);
    info.issuer = detail::name_to_rfc2253(issuer);
    info.subject_cn = detail::last_common_name(subject);
    info.issuer_cn = detail::last_common_name(issuer);
    info.self_issued = subject != nullptr && issuer != nullptr && X509_NAME_cmp(subject, issuer) == 0;
    info.serial_hex = detail::asn1_integer_to_hex(X509_get0_serialNumber(cert));

    const auto not_before = ossl::to_time_point(X509_get0_notBefore(cert));
    const auto not_after = ossl::to_time_point(X509_get0_notAfter(cert));
    if (!not_before || !not_after) {
        error = ossl::describe_failure(!not_before ? "invalid notBefore time" : "invalid notAfter time");
        return false;
    }
    info.not_before = *not_before;
    info.not_after = *not_after;

    if (!detail::read_public_key(cert, info, error)) {
        return false;
    }
    info.signature_algorithm = signature_algorithm_name(cert);
    detail::read_basic_constraints(cert, info);
    detail::read_key_identifiers(cert, info);
    detail::read_subject_alt_names(cert, info);
    detail::read_access_urls(cert, info);
    detail::read_earliest_sct(cert, info);
    detail::read_profile_facts(cert, info);
    return true;
}

}  // namespace

std::optional<cert_info> read_decoded(const X509* cert, std::span<const unsigned char> der, std::string& error) {
    cert_info info;
    const bool ok = fill_cert_info(cert, info, error);
    // Undecodable optional extensions leave entries behind; they are not errors.
    ERR_clear_error();
    if (!ok) {
        return std::nullopt;
    }
    info.sha256 = ossl::sha256_hex(der);
    return info;
}

std::optional<cert_info> parse_certificate(std::span<const unsigned char> der, std::string& error) {
    const ossl::x509_ptr cert = ossl::decode_shared_certificate(der, error);
    if (!cert) {
        return std::nullopt;
    }
    // Of the input itself: ossl::decode_certificate checked it is exactly one certificate.
    return read_decoded(cert.get(), der, error);
}

}  // namespace tlsaudit::x509
