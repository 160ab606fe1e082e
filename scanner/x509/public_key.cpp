#include "x509/public_key.hpp"

#include "ossl/encoding.hpp"
#include "ossl/error.hpp"
#include "ossl/ptr.hpp"
#include "x509/asn1_text.hpp"

#include <tlsaudit/x509.hpp>

#include <openssl/objects.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <span>

namespace tlsaudit::x509::detail {

namespace {

std::string key_type_name(const EVP_PKEY* key) {
    switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_RSA: return "RSA";
    case EVP_PKEY_RSA_PSS: return "RSA-PSS";
    case EVP_PKEY_EC: return "EC";
    case EVP_PKEY_ED25519: return "Ed25519";
    case EVP_PKEY_ED448: return "Ed448";
    case EVP_PKEY_DSA: return "DSA";
    default: break;
    }
    const char* name = EVP_PKEY_get0_type_name(key);
    return name == nullptr ? std::string{"unknown"} : std::string{name};
}

std::string group_name(const EVP_PKEY* key) {
    std::array<char, 80> name{};
    std::size_t length = 0;
    if (EVP_PKEY_get_group_name(key, name.data(), name.size(), &length) != 1) {
        return {};  // explicit curve parameters: no name to report
    }
    return std::string(name.data(), length);
}

// The algorithm OID of a key OpenSSL could not load (unknown algorithm or bad
// key bytes): short name when OpenSSL knows it, dotted OID otherwise.
std::string algorithm_name(const X509_PUBKEY* spki) {
    ASN1_OBJECT* algorithm = nullptr;
    if (spki == nullptr || X509_PUBKEY_get0_param(&algorithm, nullptr, nullptr, nullptr, spki) != 1) {
        return "unknown";
    }
    const int nid = OBJ_obj2nid(algorithm);
    const char* short_name = nid == NID_undef ? nullptr : OBJ_nid2sn(nid);
    if (short_name != nullptr) {
        return short_name;
    }
    std::string oid = object_to_oid_text(algorithm);
    return oid.empty() ? std::string{"unknown"} : oid;
}

}  // namespace

bool read_public_key(const X509* cert, cert_info& info, std::string& error) {
    const X509_PUBKEY* spki = X509_get_X509_PUBKEY(cert);
    if (spki == nullptr) {
        error = ossl::describe_failure("certificate has no SubjectPublicKeyInfo");
        return false;
    }
    const int length = i2d_X509_PUBKEY(spki, nullptr);
    if (length <= 0) {
        error = ossl::describe_failure("cannot encode SubjectPublicKeyInfo");
        return false;
    }
    bytes der(static_cast<std::size_t>(length));
    unsigned char* out = der.data();
    if (i2d_X509_PUBKEY(spki, &out) != length) {
        error = ossl::describe_failure("cannot encode SubjectPublicKeyInfo");
        return false;
    }
    info.spki_sha256 = ossl::sha256_hex(der);

    // Not owned: X509_get0_pubkey returns the certificate's cached key.
    const EVP_PKEY* key = X509_get0_pubkey(cert);
    if (key == nullptr) {
        info.key_type = algorithm_name(spki);
        info.key_bits = 0;
        return true;
    }
    info.key_type = key_type_name(key);
    info.key_bits = std::max(EVP_PKEY_get_bits(key), 0);
    if (EVP_PKEY_get_base_id(key) == EVP_PKEY_EC) {
        info.curve = group_name(key);
    }
    return true;
}

}  // namespace tlsaudit::x509::detail
