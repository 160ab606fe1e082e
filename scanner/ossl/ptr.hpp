#pragma once
// RAII owners for libcrypto objects: with ssl_ptr.hpp, the one set of aliases every
// module holds OpenSSL objects with. Private to the build (scanner/ modules, the lab
// and their tests include it as "ossl/ptr.hpp"); never included from include/tlsaudit/.
//
// Contract: every alias is a std::unique_ptr whose deleter calls the matching
// OpenSSL *_free function. Ownership of a raw pointer handed to an OpenSSL
// "set0"/"push"/"add0" function moves to OpenSSL: release() the owner only after
// that call succeeded.
//
// libssl types (SSL, SSL_CTX) are in ossl/ssl_ptr.hpp, so that modules which link
// libcrypto only never name a libssl function.

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ct.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/ocsp.h>
#include <openssl/param_build.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <memory>

namespace tlsaudit::ossl {

// Calls `free_fn` on a non-null pointer. `free_fn` must not throw (C functions).
template <auto free_fn>
struct deleter {
    template <typename T>
    void operator()(T* p) const noexcept {
        if (p != nullptr) {
            free_fn(p);
        }
    }
};

namespace detail {
// Stacks of owned objects free their elements too.
inline void free_x509_stack(STACK_OF(X509) * s) noexcept { sk_X509_pop_free(s, X509_free); }
inline void free_x509_crl_stack(STACK_OF(X509_CRL) * s) noexcept { sk_X509_CRL_pop_free(s, X509_CRL_free); }
inline void free_sct_list(STACK_OF(SCT) * s) noexcept { SCT_LIST_free(s); }
// OPENSSL_free is a macro (it passes __FILE__/__LINE__).
inline void free_openssl_memory(void* p) noexcept { OPENSSL_free(p); }
}  // namespace detail

// Certificates, keys, names, digests.
using x509_ptr = std::unique_ptr<X509, deleter<X509_free>>;
using x509_stack_ptr = std::unique_ptr<STACK_OF(X509), deleter<detail::free_x509_stack>>;
using x509_name_ptr = std::unique_ptr<X509_NAME, deleter<X509_NAME_free>>;
using x509_extension_ptr = std::unique_ptr<X509_EXTENSION, deleter<X509_EXTENSION_free>>;
using x509_req_ptr = std::unique_ptr<X509_REQ, deleter<X509_REQ_free>>;
using evp_pkey_ptr = std::unique_ptr<EVP_PKEY, deleter<EVP_PKEY_free>>;
using evp_pkey_ctx_ptr = std::unique_ptr<EVP_PKEY_CTX, deleter<EVP_PKEY_CTX_free>>;
using evp_md_ptr = std::unique_ptr<EVP_MD, deleter<EVP_MD_free>>;
using evp_md_ctx_ptr = std::unique_ptr<EVP_MD_CTX, deleter<EVP_MD_CTX_free>>;
using evp_cipher_ctx_ptr = std::unique_ptr<EVP_CIPHER_CTX, deleter<EVP_CIPHER_CTX_free>>;
using evp_kdf_ctx_ptr = std::unique_ptr<EVP_KDF_CTX, deleter<EVP_KDF_CTX_free>>;

// Verification.
using x509_store_ptr = std::unique_ptr<X509_STORE, deleter<X509_STORE_free>>;
using x509_store_ctx_ptr = std::unique_ptr<X509_STORE_CTX, deleter<X509_STORE_CTX_free>>;
using x509_verify_param_ptr = std::unique_ptr<X509_VERIFY_PARAM, deleter<X509_VERIFY_PARAM_free>>;

// Revocation.
using x509_crl_ptr = std::unique_ptr<X509_CRL, deleter<X509_CRL_free>>;
using x509_crl_stack_ptr = std::unique_ptr<STACK_OF(X509_CRL), deleter<detail::free_x509_crl_stack>>;
using x509_revoked_ptr = std::unique_ptr<X509_REVOKED, deleter<X509_REVOKED_free>>;
using ocsp_request_ptr = std::unique_ptr<OCSP_REQUEST, deleter<OCSP_REQUEST_free>>;
using ocsp_response_ptr = std::unique_ptr<OCSP_RESPONSE, deleter<OCSP_RESPONSE_free>>;
using ocsp_basicresp_ptr = std::unique_ptr<OCSP_BASICRESP, deleter<OCSP_BASICRESP_free>>;
using ocsp_certid_ptr = std::unique_ptr<OCSP_CERTID, deleter<OCSP_CERTID_free>>;

// Extensions, decoded (X509_get_ext_d2i) or built.
using general_names_ptr = std::unique_ptr<GENERAL_NAMES, deleter<GENERAL_NAMES_free>>;
using general_name_ptr = std::unique_ptr<GENERAL_NAME, deleter<GENERAL_NAME_free>>;
using basic_constraints_ptr = std::unique_ptr<BASIC_CONSTRAINTS, deleter<BASIC_CONSTRAINTS_free>>;
using authority_keyid_ptr = std::unique_ptr<AUTHORITY_KEYID, deleter<AUTHORITY_KEYID_free>>;
using access_description_ptr = std::unique_ptr<ACCESS_DESCRIPTION, deleter<ACCESS_DESCRIPTION_free>>;
using authority_info_access_ptr = std::unique_ptr<AUTHORITY_INFO_ACCESS, deleter<AUTHORITY_INFO_ACCESS_free>>;
using dist_point_ptr = std::unique_ptr<DIST_POINT, deleter<DIST_POINT_free>>;
using crl_dist_points_ptr = std::unique_ptr<CRL_DIST_POINTS, deleter<CRL_DIST_POINTS_free>>;
using extended_key_usage_ptr = std::unique_ptr<EXTENDED_KEY_USAGE, deleter<EXTENDED_KEY_USAGE_free>>;
using sct_list_ptr = std::unique_ptr<STACK_OF(SCT), deleter<detail::free_sct_list>>;

// ASN.1 values and plumbing.
using asn1_object_ptr = std::unique_ptr<ASN1_OBJECT, deleter<ASN1_OBJECT_free>>;
using asn1_octet_string_ptr = std::unique_ptr<ASN1_OCTET_STRING, deleter<ASN1_OCTET_STRING_free>>;
using asn1_bit_string_ptr = std::unique_ptr<ASN1_BIT_STRING, deleter<ASN1_BIT_STRING_free>>;
using asn1_ia5string_ptr = std::unique_ptr<ASN1_IA5STRING, deleter<ASN1_IA5STRING_free>>;
using asn1_integer_ptr = std::unique_ptr<ASN1_INTEGER, deleter<ASN1_INTEGER_free>>;
using asn1_enumerated_ptr = std::unique_ptr<ASN1_ENUMERATED, deleter<ASN1_ENUMERATED_free>>;
using asn1_time_ptr = std::unique_ptr<ASN1_TIME, deleter<ASN1_TIME_free>>;
using asn1_string_ptr = std::unique_ptr<ASN1_STRING, deleter<ASN1_STRING_free>>;
using bignum_ptr = std::unique_ptr<BIGNUM, deleter<BN_free>>;
using bn_ctx_ptr = std::unique_ptr<BN_CTX, deleter<BN_CTX_free>>;
using ec_group_ptr = std::unique_ptr<EC_GROUP, deleter<EC_GROUP_free>>;
using ec_point_ptr = std::unique_ptr<EC_POINT, deleter<EC_POINT_free>>;
using param_bld_ptr = std::unique_ptr<OSSL_PARAM_BLD, deleter<OSSL_PARAM_BLD_free>>;
using param_ptr = std::unique_ptr<OSSL_PARAM, deleter<OSSL_PARAM_free>>;
using bio_ptr = std::unique_ptr<BIO, deleter<BIO_free_all>>;
// Memory allocated by OpenSSL (OPENSSL_malloc), e.g. the output of i2d_* with a
// null buffer or BN_bn2hex.
using openssl_memory_ptr = std::unique_ptr<void, deleter<detail::free_openssl_memory>>;

}  // namespace tlsaudit::ossl
