#include "pki_detail.hpp"

#include "ossl/error.hpp"
#include "ossl/ptr.hpp"

#include <openssl/err.h>

#include <fmt/format.h>

#include <limits>
#include <stdexcept>

namespace tlsaudit::lab::detail {
namespace {

// keyUsage bit numbers (RFC 5280 4.2.1.3).
constexpr int ku_digital_signature = 0;
constexpr int ku_key_encipherment = 2;
constexpr int ku_key_cert_sign = 5;
constexpr int ku_crl_sign = 6;

int checked_int(std::size_t n, std::string_view what) {
    if (n > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
        throw std::invalid_argument(fmt::format("{} too long", what));
    }
    return static_cast<int>(n);
}

// Takes ownership of nothing: OpenSSL encodes `value` (i2d) into a new extension.
template <typename T>
void add_ext_i2d(X509* cert, int nid, T* value, bool critical, std::string_view what) {
    ossl::check(X509_add1_ext_i2d(cert, nid, value, critical ? 1 : 0, X509V3_ADD_DEFAULT), what);
}

ossl::asn1_ia5string_ptr make_ia5(const std::string& text) {
    ossl::asn1_ia5string_ptr s(ossl::check_ptr(ASN1_IA5STRING_new(), "ASN1_IA5STRING_new"));
    ossl::check(ASN1_STRING_set(s.get(), text.data(), checked_int(text.size(), "name")), "ASN1_STRING_set");
    return s;
}

ossl::general_name_ptr make_uri(const std::string& uri) {
    ossl::general_name_ptr gn(ossl::check_ptr(GENERAL_NAME_new(), "GENERAL_NAME_new"));
    GENERAL_NAME_set0_value(gn.get(), GEN_URI, make_ia5(uri).release());
    return gn;
}

void push_name(GENERAL_NAMES* names, ossl::general_name_ptr gn) {
    ossl::check(sk_GENERAL_NAME_push(names, gn.get()), "sk_GENERAL_NAME_push");
    gn.release();
}

ossl::general_names_ptr make_general_names() {
    return ossl::general_names_ptr(ossl::check_ptr(sk_GENERAL_NAME_new_null(), "sk_GENERAL_NAME_new_null"));
}

void add_basic_constraints(X509* cert, const cert_spec& spec) {
    ossl::basic_constraints_ptr bc(ossl::check_ptr(BASIC_CONSTRAINTS_new(), "BASIC_CONSTRAINTS_new"));
    bc->ca = spec.is_ca ? 0xFF : 0;
    if (spec.is_ca && spec.path_length >= 0) {
        bc->pathlen = ossl::check_ptr(ASN1_INTEGER_new(), "ASN1_INTEGER_new");
        ossl::check(ASN1_INTEGER_set(bc->pathlen, spec.path_length), "ASN1_INTEGER_set");
    }
    add_ext_i2d(cert, NID_basic_constraints, bc.get(), true, "basicConstraints");
}

void add_key_usage(X509* cert, const cert_spec& spec) {
    ossl::asn1_bit_string_ptr ku(ossl::check_ptr(ASN1_BIT_STRING_new(), "ASN1_BIT_STRING_new"));
    auto set = [&](int bit) { ossl::check(ASN1_BIT_STRING_set_bit(ku.get(), bit, 1), "keyUsage bit"); };
    set(ku_digital_signature);
    if (spec.is_ca) {
        set(ku_key_cert_sign);
        set(ku_crl_sign);
    } else if (EVP_PKEY_get_base_id(X509_get0_pubkey(cert)) == EVP_PKEY_RSA) {
        set(ku_key_encipherment);
    }
    add_ext_i2d(cert, NID_key_usage, ku.get(), true, "keyUsage");
}

void add_ext_key_usage(X509* cert) {
    ossl::extended_key_usage_ptr eku(ossl::check_ptr(sk_ASN1_OBJECT_new_null(), "sk_ASN1_OBJECT_new_null"));
    for (int nid : {NID_server_auth, NID_client_auth}) {
        // OBJ_nid2obj returns a static object: the stack's free leaves it alone.
        ossl::check(sk_ASN1_OBJECT_push(eku.get(), OBJ_nid2obj(nid)), "sk_ASN1_OBJECT_push");
    }
    add_ext_i2d(cert, NID_ext_key_usage, eku.get(), false, "extKeyUsage");
}

// RFC 5280 method 1: SHA-1 of the subjectPublicKey BIT STRING.
ossl::asn1_octet_string_ptr key_id_of(const X509* cert) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    ossl::check(X509_pubkey_digest(cert, EVP_sha1(), md, &len), "X509_pubkey_digest");
    ossl::asn1_octet_string_ptr id(ossl::check_ptr(ASN1_OCTET_STRING_new(), "ASN1_OCTET_STRING_new"));
    ossl::check(ASN1_OCTET_STRING_set(id.get(), md, static_cast<int>(len)), "ASN1_OCTET_STRING_set");
    return id;
}

void add_key_identifiers(X509* cert, X509* issuer) {
    ossl::asn1_octet_string_ptr ski = key_id_of(cert);
    add_ext_i2d(cert, NID_subject_key_identifier, ski.get(), false, "subjectKeyIdentifier");

    const ASN1_OCTET_STRING* issuer_id = issuer ? X509_get0_subject_key_id(issuer) : ski.get();
    if (issuer_id == nullptr) return;  // an issuer without SKI: no AKI keyid to copy
    ossl::authority_keyid_ptr akid(ossl::check_ptr(AUTHORITY_KEYID_new(), "AUTHORITY_KEYID_new"));
    akid->keyid = ossl::check_ptr(ASN1_OCTET_STRING_dup(issuer_id), "ASN1_OCTET_STRING_dup");
    add_ext_i2d(cert, NID_authority_key_identifier, akid.get(), false, "authorityKeyIdentifier");
}

void add_subject_alt_names(X509* cert, const cert_spec& spec) {
    if (spec.dns_names.empty() && spec.ip_addresses.empty()) return;
    ossl::general_names_ptr names = make_general_names();
    for (const auto& dns : spec.dns_names) {
        ossl::general_name_ptr gn(ossl::check_ptr(GENERAL_NAME_new(), "GENERAL_NAME_new"));
        GENERAL_NAME_set0_value(gn.get(), GEN_DNS, make_ia5(dns).release());
        push_name(names.get(), std::move(gn));
    }
    for (const auto& ip : spec.ip_addresses) {
        ossl::asn1_octet_string_ptr octets(a2i_IPADDRESS(ip.c_str()));
        if (!octets) {
            ERR_clear_error();
            throw std::invalid_argument(fmt::format("not an IP address: '{}'", ip));
        }
        ossl::general_name_ptr gn(ossl::check_ptr(GENERAL_NAME_new(), "GENERAL_NAME_new"));
        GENERAL_NAME_set0_value(gn.get(), GEN_IPADD, octets.release());
        push_name(names.get(), std::move(gn));
    }
    add_ext_i2d(cert, NID_subject_alt_name, names.get(), false, "subjectAltName");
}

void add_authority_info_access(X509* cert, const cert_spec& spec) {
    if (spec.ocsp_url.empty() && spec.ca_issuers_url.empty()) return;
    ossl::authority_info_access_ptr aia(
        ossl::check_ptr(sk_ACCESS_DESCRIPTION_new_null(), "sk_ACCESS_DESCRIPTION_new_null"));
    auto add = [&](int method, const std::string& url) {
        if (url.empty()) return;
        ossl::access_description_ptr ad(ossl::check_ptr(ACCESS_DESCRIPTION_new(), "ACCESS_DESCRIPTION_new"));
        ASN1_OBJECT_free(ad->method);
        ad->method = OBJ_nid2obj(method);
        GENERAL_NAME_free(ad->location);
        ad->location = make_uri(url).release();
        ossl::check(sk_ACCESS_DESCRIPTION_push(aia.get(), ad.get()), "sk_ACCESS_DESCRIPTION_push");
        ad.release();
    };
    add(NID_ad_OCSP, spec.ocsp_url);
    add(NID_ad_ca_issuers, spec.ca_issuers_url);
    add_ext_i2d(cert, NID_info_access, aia.get(), false, "authorityInfoAccess");
}

void add_crl_distribution_point(X509* cert, const cert_spec& spec) {
    if (spec.crl_url.empty()) return;
    ossl::general_names_ptr full_name = make_general_names();
    push_name(full_name.get(), make_uri(spec.crl_url));

    ossl::dist_point_ptr dp(ossl::check_ptr(DIST_POINT_new(), "DIST_POINT_new"));
    dp->distpoint = ossl::check_ptr(DIST_POINT_NAME_new(), "DIST_POINT_NAME_new");
    dp->distpoint->type = 0;  // fullName
    dp->distpoint->name.fullname = full_name.release();

    ossl::crl_dist_points_ptr points(ossl::check_ptr(sk_DIST_POINT_new_null(), "sk_DIST_POINT_new_null"));
    ossl::check(sk_DIST_POINT_push(points.get(), dp.get()), "sk_DIST_POINT_push");
    dp.release();
    add_ext_i2d(cert, NID_crl_distribution_points, points.get(), false, "crlDistributionPoints");
}

void add_raw_extension(X509* cert, const raw_extension& raw) {
    ossl::asn1_object_ptr oid(OBJ_txt2obj(raw.oid.c_str(), 0));
    if (!oid) {
        ERR_clear_error();
        throw std::invalid_argument(fmt::format("not an OID: '{}'", raw.oid));
    }
    ossl::asn1_octet_string_ptr value(ossl::check_ptr(ASN1_OCTET_STRING_new(), "ASN1_OCTET_STRING_new"));
    ossl::check(ASN1_OCTET_STRING_set(value.get(), raw.value.data(), checked_int(raw.value.size(), "extension value")),
                "ASN1_OCTET_STRING_set");
    ossl::x509_extension_ptr ext(
        ossl::check_ptr(X509_EXTENSION_create_by_OBJ(nullptr, oid.get(), raw.critical ? 1 : 0, value.get()),
                        "X509_EXTENSION_create_by_OBJ"));
    ossl::check(X509_add_ext(cert, ext.get(), -1), "X509_add_ext");
}

}  // namespace

void add_extensions(X509* cert, X509* issuer, const cert_spec& spec) {
    if (spec.standard_extensions) {
        add_basic_constraints(cert, spec);
        add_key_usage(cert, spec);
        if (!spec.is_ca) add_ext_key_usage(cert);
    }
    if (spec.key_identifiers) add_key_identifiers(cert, issuer);
    add_subject_alt_names(cert, spec);
    add_authority_info_access(cert, spec);
    add_crl_distribution_point(cert, spec);
    for (const auto& raw : spec.extra_extensions) add_raw_extension(cert, raw);
}

}  // namespace tlsaudit::lab::detail
