#pragma once
// RAII owners for libcrypto objects: the one place where OpenSSL free functions
// are named. Private to scanner/ (net, x509, revocation and their tests include
// it as "x509/openssl_ptr.hpp"); never include it from include/tlsaudit/.
//
// Contract: every alias is a std::unique_ptr whose deleter calls the matching
// OpenSSL *_free function; a null pointer is never passed to it. Ownership of a
// raw pointer handed to an OpenSSL "set0"/"push" function moves to OpenSSL:
// release() the owner only after that call succeeded.
//
// libssl types (SSL, SSL_CTX) are deliberately absent: tlsaudit_x509 links
// libcrypto only. The module that links libssl adds its aliases next to its code
// using the same openssl_deleter template.

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ct.h>
#include <openssl/evp.h>
#include <openssl/ocsp.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <memory>

namespace tlsaudit::x509 {

// Calls `free_fn` on a non-null pointer. `free_fn` must not throw (C functions).
template <auto free_fn>
struct openssl_deleter {
    template <typename T>
    void operator()(T* p) const noexcept {
        if (p != nullptr) {
            free_fn(p);
        }
    }
};

namespace detail {
// Stacks of owned objects free their elements too.
inline void free_x509_stack(STACK_OF(X509)* s) noexcept { sk_X509_pop_free(s, X509_free); }
inline void free_x509_crl_stack(STACK_OF(X509_CRL)* s) noexcept { sk_X509_CRL_pop_free(s, X509_CRL_free); }
inline void free_general_names(GENERAL_NAMES* s) noexcept { GENERAL_NAMES_free(s); }
inline void free_sct_list(STACK_OF(SCT)* s) noexcept { SCT_LIST_free(s); }
// OPENSSL_free is a macro (it passes __FILE__/__LINE__).
inline void free_openssl_memory(void* p) noexcept { OPENSSL_free(p); }
}  // namespace detail

// Certificates, keys, names.
using x509_ptr = std::unique_ptr<X509, openssl_deleter<X509_free>>;
using x509_stack_ptr = std::unique_ptr<STACK_OF(X509), openssl_deleter<detail::free_x509_stack>>;
using x509_name_ptr = std::unique_ptr<X509_NAME, openssl_deleter<X509_NAME_free>>;
using x509_extension_ptr = std::unique_ptr<X509_EXTENSION, openssl_deleter<X509_EXTENSION_free>>;
using x509_req_ptr = std::unique_ptr<X509_REQ, openssl_deleter<X509_REQ_free>>;
using evp_pkey_ptr = std::unique_ptr<EVP_PKEY, openssl_deleter<EVP_PKEY_free>>;
using evp_pkey_ctx_ptr = std::unique_ptr<EVP_PKEY_CTX, openssl_deleter<EVP_PKEY_CTX_free>>;
using evp_md_ctx_ptr = std::unique_ptr<EVP_MD_CTX, openssl_deleter<EVP_MD_CTX_free>>;

// Verification.
using x509_store_ptr = std::unique_ptr<X509_STORE, openssl_deleter<X509_STORE_free>>;
using x509_store_ctx_ptr = std::unique_ptr<X509_STORE_CTX, openssl_deleter<X509_STORE_CTX_free>>;
using x509_verify_param_ptr = std::unique_ptr<X509_VERIFY_PARAM, openssl_deleter<X509_VERIFY_PARAM_free>>;

// Revocation.
using x509_crl_ptr = std::unique_ptr<X509_CRL, openssl_deleter<X509_CRL_free>>;
using x509_crl_stack_ptr = std::unique_ptr<STACK_OF(X509_CRL), openssl_deleter<detail::free_x509_crl_stack>>;
using ocsp_request_ptr = std::unique_ptr<OCSP_REQUEST, openssl_deleter<OCSP_REQUEST_free>>;
using ocsp_response_ptr = std::unique_ptr<OCSP_RESPONSE, openssl_deleter<OCSP_RESPONSE_free>>;
using ocsp_basicresp_ptr = std::unique_ptr<OCSP_BASICRESP, openssl_deleter<OCSP_BASICRESP_free>>;
using ocsp_certid_ptr = std::unique_ptr<OCSP_CERTID, openssl_deleter<OCSP_CERTID_free>>;

// Decoded extensions (results of X509_get_ext_d2i).
using general_names_ptr = std::unique_ptr<GENERAL_NAMES, openssl_deleter<detail::free_general_names>>;
using general_name_ptr = std::unique_ptr<GENERAL_NAME, openssl_deleter<GENERAL_NAME_free>>;
using basic_constraints_ptr = std::unique_ptr<BASIC_CONSTRAINTS, openssl_deleter<BASIC_CONSTRAINTS_free>>;
using authority_keyid_ptr = std::unique_ptr<AUTHORITY_KEYID, openssl_deleter<AUTHORITY_KEYID_free>>;
using authority_info_access_ptr =
    std::unique_ptr<AUTHORITY_INFO_ACCESS, openssl_deleter<AUTHORITY_INFO_ACCESS_free>>;
using crl_dist_points_ptr = std::unique_ptr<CRL_DIST_POINTS, openssl_deleter<CRL_DIST_POINTS_free>>;
using sct_list_ptr = std::unique_ptr<STACK_OF(SCT), openssl_deleter<detail::free_sct_list>>;

// ASN.1 values and plumbing.
using asn1_octet_string_ptr = std::unique_ptr<ASN1_OCTET_STRING, openssl_deleter<ASN1_OCTET_STRING_free>>;
using asn1_integer_ptr = std::unique_ptr<ASN1_INTEGER, openssl_deleter<ASN1_INTEGER_free>>;
using asn1_enumerated_ptr = std::unique_ptr<ASN1_ENUMERATED, openssl_deleter<ASN1_ENUMERATED_free>>;
using asn1_time_ptr = std::unique_ptr<ASN1_TIME, openssl_deleter<ASN1_TIME_free>>;
using asn1_string_ptr = std::unique_ptr<ASN1_STRING, openssl_deleter<ASN1_STRING_free>>;
using bignum_ptr = std::unique_ptr<BIGNUM, openssl_deleter<BN_free>>;
using bio_ptr = std::unique_ptr<BIO, openssl_deleter<BIO_free_all>>;
// Memory allocated by OpenSSL (OPENSSL_malloc), e.g. the output of i2d_* with a
// null buffer or BN_bn2hex.
using openssl_memory_ptr = std::unique_ptr<void, openssl_deleter<detail::free_openssl_memory>>;

}  // namespace tlsaudit::x509
