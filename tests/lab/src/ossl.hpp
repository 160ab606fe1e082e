#pragma once
// Private to tlsaudit_lab: the only place that names OpenSSL deleters. Every OpenSSL
// object the lab creates is held by one of these unique_ptr aliases; every return
// value goes through check()/check_ptr(), which throw std::runtime_error carrying the
// OpenSSL error queue.

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <span>
#include <string>
#include <string_view>

#include <tlsaudit/model.hpp>

namespace tlsaudit::lab::detail {

template <auto free_fn>
struct ossl_deleter {
    template <typename T>
    void operator()(T* p) const noexcept {
        free_fn(p);
    }
};

using bio_ptr = std::unique_ptr<BIO, ossl_deleter<BIO_free_all>>;
using bn_ptr = std::unique_ptr<BIGNUM, ossl_deleter<BN_free>>;
using x509_ptr = std::unique_ptr<X509, ossl_deleter<X509_free>>;
using x509_name_ptr = std::unique_ptr<X509_NAME, ossl_deleter<X509_NAME_free>>;
using x509_ext_ptr = std::unique_ptr<X509_EXTENSION, ossl_deleter<X509_EXTENSION_free>>;
using x509_store_ptr = std::unique_ptr<X509_STORE, ossl_deleter<X509_STORE_free>>;
using pkey_ctx_ptr = std::unique_ptr<EVP_PKEY_CTX, ossl_deleter<EVP_PKEY_CTX_free>>;
using md_ptr = std::unique_ptr<EVP_MD, ossl_deleter<EVP_MD_free>>;
using md_ctx_ptr = std::unique_ptr<EVP_MD_CTX, ossl_deleter<EVP_MD_CTX_free>>;
using asn1_integer_ptr = std::unique_ptr<ASN1_INTEGER, ossl_deleter<ASN1_INTEGER_free>>;
using asn1_octet_ptr = std::unique_ptr<ASN1_OCTET_STRING, ossl_deleter<ASN1_OCTET_STRING_free>>;
using asn1_ia5_ptr = std::unique_ptr<ASN1_IA5STRING, ossl_deleter<ASN1_IA5STRING_free>>;
using asn1_object_ptr = std::unique_ptr<ASN1_OBJECT, ossl_deleter<ASN1_OBJECT_free>>;
using bit_string_ptr = std::unique_ptr<ASN1_BIT_STRING, ossl_deleter<ASN1_BIT_STRING_free>>;
using basic_constraints_ptr =
    std::unique_ptr<BASIC_CONSTRAINTS, ossl_deleter<BASIC_CONSTRAINTS_free>>;
using general_name_ptr = std::unique_ptr<GENERAL_NAME, ossl_deleter<GENERAL_NAME_free>>;
using general_names_ptr = std::unique_ptr<GENERAL_NAMES, ossl_deleter<GENERAL_NAMES_free>>;
using akid_ptr = std::unique_ptr<AUTHORITY_KEYID, ossl_deleter<AUTHORITY_KEYID_free>>;
using access_description_ptr =
    std::unique_ptr<ACCESS_DESCRIPTION, ossl_deleter<ACCESS_DESCRIPTION_free>>;
using aia_ptr = std::unique_ptr<AUTHORITY_INFO_ACCESS, ossl_deleter<AUTHORITY_INFO_ACCESS_free>>;
using dist_point_ptr = std::unique_ptr<DIST_POINT, ossl_deleter<DIST_POINT_free>>;
using crl_dist_points_ptr = std::unique_ptr<CRL_DIST_POINTS, ossl_deleter<CRL_DIST_POINTS_free>>;
using eku_ptr = std::unique_ptr<EXTENDED_KEY_USAGE, ossl_deleter<EXTENDED_KEY_USAGE_free>>;
using ssl_ctx_ptr = std::unique_ptr<SSL_CTX, ossl_deleter<SSL_CTX_free>>;

// Throws std::runtime_error("<what>: <OpenSSL error queue>") and clears the queue.
[[noreturn]] void throw_openssl(std::string_view what);

// OpenSSL convention: 1 (or > 0) is success.
inline void check(int rc, std::string_view what) {
    if (rc <= 0) throw_openssl(what);
}

template <typename T>
T* check_ptr(T* p, std::string_view what) {
    if (p == nullptr) throw_openssl(what);
    return p;
}

// Parses one DER certificate; throws when `der` is not exactly one certificate.
x509_ptr parse_der(std::span<const unsigned char> der);

// i2d of a certificate.
bytes to_der(const X509* cert);

}  // namespace tlsaudit::lab::detail
