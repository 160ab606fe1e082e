#pragma once
// Private to tlsaudit_lab: OCSP and CRL owners for the lab responder and CRL builder,
// next to the lab's other aliases (ossl.hpp).

#include "ossl.hpp"

#include <openssl/ocsp.h>

#include <memory>

namespace tlsaudit::lab::detail {

using ocsp_request_ptr = std::unique_ptr<OCSP_REQUEST, ossl_deleter<OCSP_REQUEST_free>>;
using ocsp_response_ptr = std::unique_ptr<OCSP_RESPONSE, ossl_deleter<OCSP_RESPONSE_free>>;
using ocsp_basicresp_ptr = std::unique_ptr<OCSP_BASICRESP, ossl_deleter<OCSP_BASICRESP_free>>;
using ocsp_certid_ptr = std::unique_ptr<OCSP_CERTID, ossl_deleter<OCSP_CERTID_free>>;
using x509_crl_ptr = std::unique_ptr<X509_CRL, ossl_deleter<X509_CRL_free>>;
using x509_revoked_ptr = std::unique_ptr<X509_REVOKED, ossl_deleter<X509_REVOKED_free>>;
using asn1_time_ptr = std::unique_ptr<ASN1_TIME, ossl_deleter<ASN1_TIME_free>>;
using asn1_enumerated_ptr = std::unique_ptr<ASN1_ENUMERATED, ossl_deleter<ASN1_ENUMERATED_free>>;

inline void free_openssl_memory(void* p) noexcept { OPENSSL_free(p); }
using openssl_memory_ptr = std::unique_ptr<unsigned char, ossl_deleter<free_openssl_memory>>;

// Big-endian magnitude -> INTEGER (leading zero bytes do not change the value).
inline asn1_integer_ptr to_asn1_integer(std::span<const unsigned char> magnitude) {
    bn_ptr bn(check_ptr(BN_bin2bn(magnitude.data(), static_cast<int>(magnitude.size()), nullptr), "BN_bin2bn"));
    return asn1_integer_ptr(check_ptr(BN_to_ASN1_INTEGER(bn.get(), nullptr), "BN_to_ASN1_INTEGER"));
}

// Seconds since the epoch as GeneralizedTime (OCSP) or RFC 5280 Time (CRL).
inline asn1_time_ptr to_generalized_time(time_point t) {
    return asn1_time_ptr(check_ptr(ASN1_GENERALIZEDTIME_set(nullptr, t.time_since_epoch().count()),
                                   "ASN1_GENERALIZEDTIME_set"));
}
inline asn1_time_ptr to_time(time_point t) {
    return asn1_time_ptr(check_ptr(ASN1_TIME_set(nullptr, t.time_since_epoch().count()), "ASN1_TIME_set"));
}

}  // namespace tlsaudit::lab::detail
