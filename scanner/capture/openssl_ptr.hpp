#pragma once
// RAII owners for the libcrypto objects of the capture client, private to
// scanner/capture (the module links libcrypto only; scanner/x509's aliases are not
// its dependency). Each deleter calls the matching *_free, which accepts null.

#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/x509.h>

#include <memory>

namespace tlsaudit::capture_engine::detail {

template <auto free_fn>
struct free_with {
    template <typename T>
    void operator()(T* p) const noexcept {
        free_fn(p);
    }
};

using evp_pkey_ptr = std::unique_ptr<EVP_PKEY, free_with<EVP_PKEY_free>>;
using evp_pkey_ctx_ptr = std::unique_ptr<EVP_PKEY_CTX, free_with<EVP_PKEY_CTX_free>>;
using evp_md_ctx_ptr = std::unique_ptr<EVP_MD_CTX, free_with<EVP_MD_CTX_free>>;
using evp_cipher_ctx_ptr = std::unique_ptr<EVP_CIPHER_CTX, free_with<EVP_CIPHER_CTX_free>>;
using evp_kdf_ctx_ptr = std::unique_ptr<EVP_KDF_CTX, free_with<EVP_KDF_CTX_free>>;
using x509_ptr = std::unique_ptr<X509, free_with<X509_free>>;

// Throws std::runtime_error naming `what` and the first error on OpenSSL's queue
// (which it clears): for failures of the environment, never of the peer.
[[noreturn]] void throw_openssl(const char* what);

}  // namespace tlsaudit::capture_engine::detail
