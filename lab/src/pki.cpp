#include <tlsaudit/lab/pki.hpp>

#include "ossl/der.hpp"
#include "ossl/encoding.hpp"
#include "ossl/error.hpp"
#include "ossl/ptr.hpp"
#include "pki_detail.hpp"

#include <openssl/pem.h>
#include <openssl/rand.h>

#include <fmt/format.h>

#include <chrono>
#include <limits>
#include <stdexcept>

namespace tlsaudit::lab {
namespace {

using namespace std::chrono_literals;

// Values are written verbatim (no UTF-8 validation, no upper bound such as
// ub-common-name): the lab needs oversized and hostile names too.
void add_name_entry(X509_NAME* name, const std::string& field, const std::string& value) {
    if (value.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
        throw std::invalid_argument("subject value too long");
    }
    const int type = field == "C" ? V_ASN1_PRINTABLESTRING : V_ASN1_UTF8STRING;
    const auto* data = reinterpret_cast<const unsigned char*>(value.data());
    if (X509_NAME_add_entry_by_txt(name, field.c_str(), type, data, static_cast<int>(value.size()), -1, 0) != 1) {
        ossl::throw_failure(fmt::format("subject field '{}'", field));
    }
}

ossl::x509_name_ptr make_subject(const cert_spec& spec) {
    if (!spec.raw_subject_der.empty()) {
        const unsigned char* p = spec.raw_subject_der.data();
        ossl::x509_name_ptr name(d2i_X509_NAME(nullptr, &p, static_cast<long>(spec.raw_subject_der.size())));
        if (!name) ossl::throw_failure("raw_subject_der is not a Name");
        return name;
    }
    ossl::x509_name_ptr name(ossl::check_ptr(X509_NAME_new(), "X509_NAME_new"));
    if (!spec.country.empty()) add_name_entry(name.get(), "C", spec.country);
    if (!spec.organization.empty()) add_name_entry(name.get(), "O", spec.organization);
    if (!spec.organizational_unit.empty()) add_name_entry(name.get(), "OU", spec.organizational_unit);
    if (!spec.common_name.empty()) add_name_entry(name.get(), "CN", spec.common_name);
    for (const auto& [field, value] : spec.extra_subject) add_name_entry(name.get(), field, value);
    return name;
}

bytes random_serial() {
    bytes serial(16);
    ossl::check(RAND_bytes(serial.data(), static_cast<int>(serial.size())), "RAND_bytes");
    serial[0] = static_cast<unsigned char>((serial[0] & 0x7F) | 0x01);  // positive, 16 bytes
    return serial;
}

void set_serial(X509* cert, const cert_spec& spec) {
    const bytes serial = spec.serial.empty() ? random_serial() : spec.serial;
    if (serial.size() > 1024) throw std::invalid_argument("serial too long");
    ossl::bignum_ptr bn(
        ossl::check_ptr(BN_bin2bn(serial.data(), static_cast<int>(serial.size()), nullptr), "BN_bin2bn"));
    ossl::check_ptr(BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert)), "BN_to_ASN1_INTEGER");
}

void set_validity(X509* cert, const cert_spec& spec) {
    const auto now = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
    const time_point not_before = spec.not_before.value_or(now - 24h);
    const time_point not_after = spec.not_after.value_or(now + 90 * 24h);
    ossl::check_ptr(ASN1_TIME_set(X509_getm_notBefore(cert), std::chrono::system_clock::to_time_t(not_before)),
                    "notBefore");
    ossl::check_ptr(ASN1_TIME_set(X509_getm_notAfter(cert), std::chrono::system_clock::to_time_t(not_after)),
                    "notAfter");
}

void sign(X509* cert, const key& signing_key, const std::string& digest) {
    if (!signing_key) throw std::invalid_argument("empty signing key");
    if (EVP_PKEY_get_base_id(signing_key.get()) != EVP_PKEY_RSA && (digest == "md5" || digest == "MD5")) {
        throw std::invalid_argument("md5 signatures need an RSA signing key");
    }
    ossl::evp_md_ptr md(EVP_MD_fetch(nullptr, digest.c_str(), nullptr));
    if (!md) ossl::throw_failure(fmt::format("unknown digest '{}'", digest));
    ossl::check(X509_sign(cert, signing_key.get(), md.get()), fmt::format("X509_sign with {}", digest));
}

// The common path of every certificate: `issuer` null means self-signed.
credential build(X509* issuer, const key& signing_key, const cert_spec& spec, key subject_key) {
    if (!subject_key) throw std::invalid_argument("empty subject key");
    ossl::x509_ptr cert(ossl::check_ptr(X509_new(), "X509_new"));
    ossl::check(X509_set_version(cert.get(), X509_VERSION_3), "X509_set_version");
    set_serial(cert.get(), spec);
    set_validity(cert.get(), spec);

    ossl::x509_name_ptr subject = make_subject(spec);
    ossl::check(X509_set_subject_name(cert.get(), subject.get()), "X509_set_subject_name");
    const X509_NAME* issuer_name = issuer ? X509_get_subject_name(issuer) : subject.get();
    ossl::check(X509_set_issuer_name(cert.get(), issuer_name), "X509_set_issuer_name");
    ossl::check(X509_set_pubkey(cert.get(), subject_key.get()), "X509_set_pubkey");

    detail::add_extensions(cert.get(), issuer, spec);
    sign(cert.get(), signing_key, spec.digest);
    return credential{ossl::encode_certificate(cert.get()), std::move(subject_key)};
}

}  // namespace

cert_spec leaf_spec(std::string dns_name) {
    cert_spec spec;
    spec.common_name = dns_name;
    spec.dns_names.push_back(std::move(dns_name));
    return spec;
}

cert_spec ca_spec(std::string common_name, int path_length) {
    cert_spec spec;
    spec.common_name = std::move(common_name);
    spec.is_ca = true;
    spec.path_length = path_length;
    return spec;
}

std::string credential::pem() const {
    ossl::decode_certificate(der);  // throws unless `der` is one certificate
    return ossl::der_to_pem(der);
}

credential make_self_signed(const cert_spec& spec, key k) {
    const key signer = k;
    return build(nullptr, signer, spec, std::move(k));
}

credential issue(const credential& issuer, const cert_spec& spec, key subject_key) {
    return issue_under_name(issuer.der, issuer.k, spec, std::move(subject_key));
}

credential issue_under_name(std::span<const unsigned char> issuer_der, const key& signing_key, const cert_spec& spec,
                            key subject_key) {
    ossl::x509_ptr issuer = ossl::decode_certificate(issuer_der);
    return build(issuer.get(), signing_key, spec, std::move(subject_key));
}

std::vector<bytes> hierarchy::served_chain() const {
    std::vector<bytes> chain{leaf.der};
    for (auto it = intermediates.rbegin(); it != intermediates.rend(); ++it) chain.push_back(it->der);
    return chain;
}

hierarchy make_hierarchy(const hierarchy_options& options) {
    if (options.intermediates < 0) throw std::invalid_argument("negative intermediate count");
    if (options.leaf_dns_names.empty() && options.leaf_ip_addresses.empty()) {
        throw std::invalid_argument("a leaf needs a DNS name or an IP address");
    }
    const auto n = static_cast<std::size_t>(options.intermediates);
    auto key_at = [&](std::size_t i) { return lab_key(options.kind, options.key_index + i); };
    auto ca = [&](std::string cn, int path_length) {
        cert_spec spec = ca_spec(std::move(cn), path_length);
        spec.organization = options.name;
        spec.country = "ZZ";
        spec.digest = options.digest;
        return spec;
    };

    hierarchy h;
    h.root = make_self_signed(ca(options.name + " Root CA", -1), key_at(0));
    h.intermediates.reserve(n);
    const credential* signer = &h.root;
    for (std::size_t i = 0; i < n; ++i) {
        const int below = static_cast<int>(n - i - 1);  // CAs still to come under this one
        h.intermediates.push_back(
            issue(*signer, ca(fmt::format("{} Intermediate CA {}", options.name, i + 1), below), key_at(i + 1)));
        signer = &h.intermediates.back();
    }

    cert_spec leaf;
    leaf.common_name =
        options.leaf_dns_names.empty() ? options.leaf_ip_addresses.front() : options.leaf_dns_names.front();
    leaf.dns_names = options.leaf_dns_names;
    leaf.ip_addresses = options.leaf_ip_addresses;
    leaf.ocsp_url = options.leaf_ocsp_url;
    leaf.crl_url = options.leaf_crl_url;
    leaf.digest = options.digest;
    h.leaf = issue(*signer, leaf, key_at(n + 1));
    return h;
}

hierarchy make_hierarchy(key_kind kind, int depth, std::vector<std::string> leaf_dns_names) {
    hierarchy_options options;
    options.kind = kind;
    options.intermediates = depth;
    options.leaf_dns_names = std::move(leaf_dns_names);
    return make_hierarchy(options);
}

}  // namespace tlsaudit::lab
