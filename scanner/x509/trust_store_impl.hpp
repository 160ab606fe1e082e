#pragma once
// The OpenSSL side of tlsaudit::x509::trust_store. Private to scanner/x509.

#include <tlsaudit/trust.hpp>

#include "ossl/ptr.hpp"
#include "x509/lazy_bundle.hpp"

#include <memory>
#include <vector>

namespace tlsaudit::x509 {

struct trust_store::impl {
    // Declared before the store, destroyed after it: the store's lookup points to it.
    std::unique_ptr<detail::lazy_bundle> bundle;
    // Read-only after construction; OpenSSL locks the store internally when a hashed
    // directory lookup caches a certificate, so concurrent verifications may share it.
    ossl::x509_store_ptr store;
    validation_profile profile = validation_profile::browser;
    // The --ca-file certificates that are not self-signed (intermediates), DER: offered as
    // untrusted path helpers after the served chain, not put in the store. OpenSSL takes no
    // untrusted certificate above one from the store, so an intermediate there cut the
    // path a browser builds through the served ones (and is no anchor without
    // X509_V_FLAG_PARTIAL_CHAIN anyway).
    std::vector<bytes> intermediates;
};

}  // namespace tlsaudit::x509
