#include "x509/profile_facts.hpp"

#include "ossl/ptr.hpp"

#include <openssl/objects.h>
#include <openssl/x509v3.h>

namespace tlsaudit::x509::detail {
namespace {

// The names public_key.cpp gives key types, so that signature_key compares with key_type.
std::string key_name(int pknid) {
    switch (pknid) {
    case NID_rsaEncryption: return "RSA";
    case NID_rsassaPss: return "RSA-PSS";
    case NID_X9_62_id_ecPublicKey: return "EC";
    case NID_dsa: return "DSA";
    case NID_ED25519: return "Ed25519";
    case NID_ED448: return "Ed448";
    default: break;
    }
    const char* name = pknid == NID_undef ? nullptr : OBJ_nid2sn(pknid);
    return name == nullptr ? std::string() : std::string(name);
}

void read_signature(const X509* cert, cert_info& info) {
    int mdnid = NID_undef;
    int pknid = NID_undef;
    // X509_get_signature_info also reads the RSASSA-PSS parameters (the hash is there, not
    // in the OID). It takes a non-const X509 only to fill OpenSSL's own extension cache,
    // which it does under the certificate's lock.
    if (X509_get_signature_info(const_cast<X509*>(cert), &mdnid, &pknid, nullptr, nullptr) != 1) {
        const X509_ALGOR* algorithm = nullptr;
        X509_get0_signature(nullptr, &algorithm, cert);
        const ASN1_OBJECT* object = nullptr;
        if (algorithm != nullptr) X509_ALGOR_get0(&object, nullptr, nullptr, algorithm);
        if (object == nullptr || OBJ_find_sigid_algs(OBJ_obj2nid(object), &mdnid, &pknid) != 1) return;
    }
    info.signature_key = key_name(pknid);
    const char* digest = mdnid == NID_undef ? nullptr : OBJ_nid2sn(mdnid);
    info.signature_digest = digest == nullptr ? std::string() : std::string(digest);
}

// OpenSSL keeps the magnitude; DER adds a leading zero octet when its top bit is set.
int serial_octets(const ASN1_INTEGER* serial) {
    if (serial == nullptr) return 0;
    const unsigned char* data = ASN1_STRING_get0_data(serial);
    const int length = ASN1_STRING_length(serial);
    if (data == nullptr || length <= 0) return 1;  // zero is one octet
    const bool pad = ASN1_STRING_type(serial) != V_ASN1_NEG_INTEGER && (data[0] & 0x80) != 0;
    return length + (pad ? 1 : 0);
}

bool extension_critical(const X509* cert, int nid) {
    const int index = X509_get_ext_by_NID(cert, nid, -1);
    return index >= 0 && X509_EXTENSION_get_critical(X509_get_ext(cert, index)) == 1;
}

bool aia_malformed(const X509* cert) {
    if (X509_get_ext_by_NID(cert, NID_info_access, -1) < 0) return false;
    int critical = 0;
    const ossl::authority_info_access_ptr access(
        static_cast<AUTHORITY_INFO_ACCESS*>(X509_get_ext_d2i(cert, NID_info_access, &critical, nullptr)));
    return !access || sk_ACCESS_DESCRIPTION_num(access.get()) <= 0;
}

}  // namespace

void read_profile_facts(const X509* cert, cert_info& info) {
    info.version = static_cast<int>(X509_get_version(cert)) + 1;
    info.serial_octets = serial_octets(X509_get0_serialNumber(cert));
    read_signature(cert, info);
    info.aia_malformed = aia_malformed(cert);
    info.san_critical = extension_critical(cert, NID_subject_alt_name);
}

}  // namespace tlsaudit::x509::detail
