#pragma once
// Shared fixtures of the revocation unit tests: a lab CA with a leaf, decoded for the
// module's OpenSSL-level functions.

#include "ossl/der.hpp"
#include "verdict.hpp"

#include <tlsaudit/lab/pki.hpp>
#include <tlsaudit/lab/revocation_data.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <stdexcept>

namespace tlsaudit::revocation::testing {

inline ossl::x509_ptr decode(const bytes& der) {
    std::string error;
    auto cert = ossl::decode_certificate(der, error);
    if (!cert) throw std::runtime_error("test certificate does not decode: " + error);
    return cert;
}

inline time_point now() { return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()); }

inline detail::freshness fresh_now() {
    detail::freshness f;
    f.now = now();
    return f;
}

// Root -> intermediate -> leaf; the intermediate is the leaf's issuer.
struct lab_ca {
    lab::hierarchy h = lab::make_hierarchy(lab::key_kind::ec_p256, 1, {"revocation.test"});
    ossl::x509_ptr leaf = decode(h.leaf.der);
    ossl::x509_ptr issuer = decode(h.intermediates.back().der);
    const lab::credential& ca() const { return h.intermediates.back(); }
};

}  // namespace tlsaudit::revocation::testing
