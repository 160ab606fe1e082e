// trust_store: loading the anchors. Verification itself is in verify.cpp.

#include <tlsaudit/trust.hpp>
#include <tlsaudit/x509.hpp>

#include "ossl/der.hpp"
#include "ossl/error.hpp"
#include "x509/trust_store_impl.hpp"

#include <openssl/err.h>

#include <cstdlib>
#include <stdexcept>
#include <system_error>

namespace tlsaudit::x509 {
namespace {

// What X509_STORE_set_default_paths does, with the bundle file decoded on demand when it
// holds only certificates. The hashed directory is on demand in OpenSSL already.
void load_system_default(X509_STORE* store, std::unique_ptr<detail::lazy_bundle>& bundle) {
    const char* named = std::getenv(X509_get_default_cert_file_env());
    bundle = detail::lazy_bundle::open(named != nullptr ? named : X509_get_default_cert_file());
    if (!bundle) {
        if (X509_STORE_set_default_paths(store) != 1) ossl::throw_failure("cannot load the system trust store");
        return;
    }
    bundle->attach(store);
    X509_LOOKUP* dir = X509_STORE_add_lookup(store, X509_LOOKUP_hash_dir());
    if (dir == nullptr) ossl::throw_failure("cannot load the system trust store");
    // As OpenSSL's default: a directory that is missing is no error.
    if (X509_LOOKUP_add_dir(dir, nullptr, X509_FILETYPE_DEFAULT) != 1) ERR_clear_error();
}

// Adds `der` to the store, or to `intermediates` when it is not self-signed (and
// `intermediates` is given).
void add_certificate(X509_STORE* store, detail::lazy_bundle* bundle, std::span<const unsigned char> der,
                     const std::string& where, std::vector<bytes>* intermediates = nullptr) {
    std::string error;
    const ossl::x509_ptr cert = ossl::decode_certificate(der, error);
    if (!cert) throw std::runtime_error(where + ": not a certificate: " + error);
    if (intermediates != nullptr && X509_self_signed(cert.get(), 0) == 0) {
        intermediates->emplace_back(der.begin(), der.end());
        return;
    }
    // OpenSSL asks the lookups only about names the store holds nothing under: the
    // system roots of this name go in first, as they would have been there already.
    if (bundle) bundle->load(store, X509_get_subject_name(cert.get()));
    if (X509_STORE_add_cert(store, cert.get()) != 1) {
        // Adding a certificate that is already there is not an error worth failing for.
        const unsigned long code = ERR_peek_last_error();
        if (ERR_GET_REASON(code) == X509_R_CERT_ALREADY_IN_HASH_TABLE) {
            ERR_clear_error();
            return;
        }
        ossl::throw_failure(where + ": cannot add certificate to the trust store");
    }
}

}  // namespace

trust_store::trust_store(const trust_options& options) : impl_(std::make_unique<impl>()) {
    impl_->store.reset(X509_STORE_new());
    if (!impl_->store) ossl::throw_failure("X509_STORE_new failed");
    X509_STORE* store = impl_->store.get();
    impl_->profile = options.profile;

    if (options.system_default) load_system_default(store, impl_->bundle);

    for (const auto& file : options.ca_files) {
        const auto certs = read_pem_file(file);  // throws with the path when unreadable or empty
        for (std::size_t i = 0; i < certs.size(); ++i)
            add_certificate(store, impl_->bundle.get(), certs[i],
                            file.string() + " (certificate " + std::to_string(i + 1) + ")", &impl_->intermediates);
    }
    for (const auto& dir : options.ca_dirs) {
        std::error_code ec;
        if (!std::filesystem::is_directory(dir, ec))
            throw std::runtime_error(dir.string() + ": CA directory does not exist or is not a directory");
        if (X509_STORE_load_path(store, dir.c_str()) != 1)
            ossl::throw_failure(dir.string() + ": cannot use as CA directory");
    }
    for (std::size_t i = 0; i < options.extra_roots.size(); ++i)
        add_certificate(store, impl_->bundle.get(), options.extra_roots[i], "extra root " + std::to_string(i + 1));
}

trust_store::~trust_store() = default;
trust_store::trust_store(trust_store&&) noexcept = default;
trust_store& trust_store::operator=(trust_store&&) noexcept = default;

}  // namespace tlsaudit::x509
