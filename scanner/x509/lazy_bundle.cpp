#include "x509/lazy_bundle.hpp"

#include "ossl/der.hpp"
#include "ossl/error.hpp"

#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include <cstdio>
#include <cstring>
#include <optional>

namespace tlsaudit::x509::detail {
namespace {

// The subject name of a DER certificate, found by walking the TBSCertificate's headers
// with ASN1_get_object: only the name is decoded, not the key.
ossl::x509_name_ptr subject_of(const bytes& der) {
    const unsigned char* p = der.data();
    const unsigned char* const end = der.data() + der.size();
    long length = 0;
    int tag = 0;
    int cls = 0;
    auto header = [&] {
        const int r = ASN1_get_object(&p, &length, &tag, &cls, end - p);
        return (r & 0x80) == 0 && r != 0x21;  // an error, or an indefinite length (not DER)
    };
    if (!header() || tag != V_ASN1_SEQUENCE) return nullptr;  // Certificate
    if (!header() || tag != V_ASN1_SEQUENCE) return nullptr;  // TBSCertificate
    // version [0] (absent in v1), serialNumber, signature, issuer, validity; then subject.
    for (int field = 0; field < 5; ++field) {
        const unsigned char* start = p;
        if (!header()) return nullptr;
        if (field == 0 && (cls != V_ASN1_CONTEXT_SPECIFIC || tag != 0)) {
            p = start;  // no version: the serial number comes first
            continue;
        }
        if (length > end - p) return nullptr;
        p += length;
    }
    ossl::x509_name_ptr subject(d2i_X509_NAME(nullptr, &p, end - p));
    return subject;
}

std::optional<unsigned long> name_hash(const X509_NAME* name) {
    int ok = 0;
    const unsigned long h = X509_NAME_hash_ex(name, nullptr, nullptr, &ok);
    if (ok == 0) return std::nullopt;
    return h;
}

}  // namespace

std::unique_ptr<lazy_bundle> lazy_bundle::open(const std::filesystem::path& file) {
    const ossl::bio_ptr in(BIO_new_file(file.c_str(), "r"));
    if (!in) {
        ERR_clear_error();
        return nullptr;
    }
    auto bundle = std::unique_ptr<lazy_bundle>(new lazy_bundle());
    for (;;) {
        char* name = nullptr;
        char* header = nullptr;
        unsigned char* data = nullptr;
        long length = 0;
        if (PEM_read_bio(in.get(), &name, &header, &data, &length) != 1) break;  // the end, or garbage after it
        const bool certificate = std::strcmp(name, PEM_STRING_X509) == 0 && header[0] == '\0';
        if (certificate) bundle->entries_.push_back(entry{bytes(data, data + length)});
        OPENSSL_free(name);
        OPENSSL_free(header);
        OPENSSL_free(data);
        if (!certificate) {
            ERR_clear_error();
            return nullptr;
        }
    }
    const unsigned long last = ERR_peek_last_error();
    ERR_clear_error();
    if (ERR_GET_REASON(last) != PEM_R_NO_START_LINE || bundle->entries_.empty()) return nullptr;
    for (std::size_t i = 0; i < bundle->entries_.size(); ++i) {
        const auto subject = subject_of(bundle->entries_[i].der);
        const auto h = subject ? name_hash(subject.get()) : std::nullopt;
        ERR_clear_error();
        if (!h) return nullptr;  // a certificate even its name cannot be read from: let OpenSSL say so
        bundle->by_name_hash_.emplace(*h, i);
    }
    return bundle;
}

X509_LOOKUP_METHOD* lazy_bundle::lookup_method() {
    // Created once and kept for the process: lookups made from it may live that long.
    static X509_LOOKUP_METHOD* const method = [] {
        X509_LOOKUP_METHOD* m = X509_LOOKUP_meth_new("tlsaudit: the system bundle, decoded on demand");
        if (m == nullptr || X509_LOOKUP_meth_set_get_by_subject(m, &lazy_bundle::get_by_subject) != 1)
            ossl::throw_failure("cannot create an X509_LOOKUP_METHOD");
        return m;
    }();
    return method;
}

void lazy_bundle::attach(X509_STORE* store) {
    X509_LOOKUP* lookup = X509_STORE_add_lookup(store, lookup_method());
    if (lookup == nullptr || X509_LOOKUP_set_method_data(lookup, this) != 1)
        ossl::throw_failure("cannot add the system bundle lookup");
}

void lazy_bundle::load(X509_STORE* store, const X509_NAME* name) {
    std::lock_guard lock(mutex_);
    load_locked(store, name);
}

void lazy_bundle::load_locked(X509_STORE* store, const X509_NAME* name) {
    const auto h = name_hash(name);
    ERR_clear_error();
    if (!h) return;
    const auto [first, last] = by_name_hash_.equal_range(*h);
    for (auto it = first; it != last; ++it) {
        entry& e = entries_[it->second];
        if (e.loaded) continue;  // in the store, where OpenSSL looks before asking us
        e.loaded = true;
        std::string error;
        const ossl::x509_ptr cert = ossl::decode_certificate(e.der, error);
        if (!cert) continue;  // unusable as an anchor, as when the whole file is loaded
        // Already in the store (the same root from --ca-file, say): not an error.
        if (X509_STORE_add_cert(store, cert.get()) != 1) ERR_clear_error();
    }
}

int lazy_bundle::get_by_subject(X509_LOOKUP* lookup, X509_LOOKUP_TYPE type, const X509_NAME* name, X509_OBJECT* ret) {
    if (type != X509_LU_X509 || name == nullptr) return 0;
    auto* self = static_cast<lazy_bundle*>(X509_LOOKUP_get_method_data(lookup));
    X509_STORE* store = X509_LOOKUP_get_store(lookup);
    try {
        self->load(store, name);
    } catch (...) {
        return 0;  // never through OpenSSL's C frames
    }
    // As OpenSSL's own lookups do, `ret` borrows the store's certificate: the caller takes
    // its own reference. X509_OBJECT_set1_X509 takes one, so it is given back at once.
    if (X509_STORE_lock(store) != 1) return 0;
    X509_OBJECT* found = X509_OBJECT_retrieve_by_subject(X509_STORE_get0_objects(store), X509_LU_X509, name);
    X509* cert = found != nullptr ? X509_OBJECT_get0_X509(found) : nullptr;
    const bool ok = cert != nullptr && X509_OBJECT_set1_X509(ret, cert) == 1;
    if (ok) X509_free(cert);
    X509_STORE_unlock(store);
    return ok ? 1 : 0;
}

std::size_t lazy_bundle::decoded() const {
    std::lock_guard lock(mutex_);
    std::size_t n = 0;
    for (const auto& e : entries_) n += e.loaded ? 1 : 0;
    return n;
}

}  // namespace tlsaudit::x509::detail
