#pragma once
// The OpenSSL side of tlsaudit::x509::trust_store. Private to scanner/x509.

#include <tlsaudit/trust.hpp>

#include "ossl/ptr.hpp"
#include "x509/lazy_bundle.hpp"

#include <memory>

namespace tlsaudit::x509 {

struct trust_store::impl {
    // Declared before the store, destroyed after it: the store's lookup points to it.
    std::unique_ptr<detail::lazy_bundle> bundle;
    // Read-only after construction; OpenSSL locks the store internally when a hashed
    // directory lookup caches a certificate, so concurrent verifications may share it.
    ossl::x509_store_ptr store;
    validation_profile profile = validation_profile::browser;
};

}  // namespace tlsaudit::x509
