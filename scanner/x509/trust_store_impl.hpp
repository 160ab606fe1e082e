#pragma once
// The OpenSSL side of tlsaudit::x509::trust_store. Private to scanner/x509.

#include <tlsaudit/trust.hpp>

#include "ossl/ptr.hpp"

namespace tlsaudit::x509 {

struct trust_store::impl {
    // Read-only after construction; OpenSSL locks the store internally when a hashed
    // directory lookup caches a certificate, so concurrent verifications may share it.
    ossl::x509_store_ptr store;
    validation_profile profile = validation_profile::browser;
};

}  // namespace tlsaudit::x509
