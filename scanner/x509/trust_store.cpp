// trust_store: loading the anchors. Verification itself is in verify.cpp.

#include <tlsaudit/trust.hpp>
#include <tlsaudit/x509.hpp>

#include "ossl/der.hpp"
#include "ossl/error.hpp"
#include "x509/trust_store_impl.hpp"

#include <openssl/err.h>

#include <stdexcept>
#include <system_error>

namespace tlsaudit::x509 {
namespace {

void add_certificate(X509_STORE* store, std::span<const unsigned char> der, const std::string& where) {
    std::string error;
    const ossl::x509_ptr cert = ossl::decode_certificate(der, error);
    if (!cert) throw std::runtime_error(where + ": not a certificate: " + error);
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

    if (options.system_default && X509_STORE_set_default_paths(store) != 1)
        ossl::throw_failure("cannot load the system trust store");

    for (const auto& file : options.ca_files) {
        const auto certs = read_pem_file(file);  // throws with the path when unreadable
        if (certs.empty()) throw std::runtime_error(file.string() + ": no PEM certificate in this CA file");
        for (std::size_t i = 0; i < certs.size(); ++i)
            add_certificate(store, certs[i], file.string() + " (certificate " + std::to_string(i + 1) + ")");
    }
    for (const auto& dir : options.ca_dirs) {
        std::error_code ec;
        if (!std::filesystem::is_directory(dir, ec))
            throw std::runtime_error(dir.string() + ": CA directory does not exist or is not a directory");
        if (X509_STORE_load_path(store, dir.c_str()) != 1)
            ossl::throw_failure(dir.string() + ": cannot use as CA directory");
    }
    for (std::size_t i = 0; i < options.extra_roots.size(); ++i)
        add_certificate(store, options.extra_roots[i], "extra root " + std::to_string(i + 1));
}

trust_store::~trust_store() = default;
trust_store::trust_store(trust_store&&) noexcept = default;
trust_store& trust_store::operator=(trust_store&&) noexcept = default;

}  // namespace tlsaudit::x509
