#pragma once
// The system CA bundle, decoded one certificate at a time as verification asks for an
// issuer by name. OpenSSL 3's X509_STORE_set_default_paths decodes all ~140 roots of the
// bundle up front, public keys included: ~40 ms of CPU per run, for the handful of roots
// a scan ever meets. Private to scanner/x509.

#include "ossl/ptr.hpp"

#include <tlsaudit/model.hpp>

#include <filesystem>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace tlsaudit::x509::detail {

class lazy_bundle {
public:
    // Reads `file`'s PEM blocks (no certificate is decoded). Returns null when the file
    // cannot be read or holds anything but CERTIFICATE blocks (trusted certificates with
    // auxiliary trust, CRLs): the caller loads it the usual, eager way then.
    static std::unique_ptr<lazy_bundle> open(const std::filesystem::path& file);

    // Adds to `store` a lookup that serves this bundle's certificates by subject name.
    // `this` must outlive the store. Throws std::runtime_error when OpenSSL fails.
    void attach(X509_STORE* store);

    // Adds every certificate of the bundle named `name` to `store` now. Called before a
    // certificate is added to the store by other means (--ca-file...), because OpenSSL
    // asks the lookups only for names the store holds nothing under.
    void load(X509_STORE* store, const X509_NAME* name);

    std::size_t size() const noexcept { return entries_.size(); }
    std::size_t decoded() const;

private:
    struct entry {
        bytes der;
        bool loaded = false;
    };
    void load_locked(X509_STORE* store, const X509_NAME* name);
    static int get_by_subject(X509_LOOKUP* lookup, X509_LOOKUP_TYPE type, const X509_NAME* name, X509_OBJECT* ret);
    static X509_LOOKUP_METHOD* lookup_method();

    std::vector<entry> entries_;
    std::unordered_multimap<unsigned long, std::size_t> by_name_hash_;  // X509_NAME_hash_ex -> entries_
    mutable std::mutex mutex_;
};

}  // namespace tlsaudit::x509::detail
