#include "cert_builder.hpp"

#include "ossl/der.hpp"
#include "ossl/error.hpp"
#include "ossl/ptr.hpp"

#include <stdexcept>

namespace tlsaudit::x509::test {

namespace {

void check(bool ok, std::string_view what) {
    if (!ok) {
        ossl::throw_failure(what);
    }
}

const unsigned char* as_uchar(std::string_view text) { return reinterpret_cast<const unsigned char*>(text.data()); }

ossl::evp_pkey_ptr make_ed25519_key() {
    ossl::evp_pkey_ptr key{EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519")};
    check(key != nullptr, "EVP_PKEY_Q_keygen");
    return key;
}

ossl::asn1_time_ptr make_time(const std::string& text) {
    ossl::asn1_time_ptr time{ASN1_TIME_new()};
    check(time != nullptr, "ASN1_TIME_new");
    check(ASN1_TIME_set_string(time.get(), text.c_str()) == 1, "ASN1_TIME_set_string " + text);
    return time;
}

void add_raw_dns_names(X509* cert, const std::vector<std::string>& names) {
    ossl::general_names_ptr list{GENERAL_NAMES_new()};
    check(list != nullptr, "GENERAL_NAMES_new");
    for (const std::string& name : names) {
        ossl::asn1_string_ptr text{ASN1_IA5STRING_new()};
        check(text != nullptr, "ASN1_IA5STRING_new");
        check(ASN1_STRING_set(text.get(), name.data(), static_cast<int>(name.size())) == 1, "ASN1_STRING_set");
        ossl::general_name_ptr entry{GENERAL_NAME_new()};
        check(entry != nullptr, "GENERAL_NAME_new");
        GENERAL_NAME_set0_value(entry.get(), GEN_DNS, text.release());
        check(sk_GENERAL_NAME_push(list.get(), entry.get()) > 0, "sk_GENERAL_NAME_push");
        static_cast<void>(entry.release());  // owned by `list` now
    }
    check(X509_add1_ext_i2d(cert, NID_subject_alt_name, list.get(), 0, X509V3_ADD_DEFAULT) == 1, "X509_add1_ext_i2d");
}

}  // namespace

cert_builder& cert_builder::subject_text(std::string field, std::string_view utf8) {
    subject_.push_back({std::move(field), MBSTRING_UTF8, std::string{utf8}});
    return *this;
}

cert_builder& cert_builder::subject_raw(std::string field, int asn1_type, std::string_view value) {
    subject_.push_back({std::move(field), asn1_type, std::string{value}});
    return *this;
}

cert_builder& cert_builder::extension(int nid, std::string value) {
    extensions_.emplace_back(nid, std::move(value));
    return *this;
}

cert_builder& cert_builder::raw_dns_names(std::vector<std::string> names) {
    raw_dns_names_ = std::move(names);
    return *this;
}

cert_builder& cert_builder::validity(std::string not_before, std::string not_after) {
    not_before_ = std::move(not_before);
    not_after_ = std::move(not_after);
    return *this;
}

cert_builder& cert_builder::serial(long value) {
    serial_ = value;
    return *this;
}

bytes cert_builder::build() const {
    const ossl::evp_pkey_ptr key = make_ed25519_key();
    ossl::x509_ptr cert{X509_new()};
    check(cert != nullptr, "X509_new");
    check(X509_set_version(cert.get(), X509_VERSION_3) == 1, "X509_set_version");
    check(ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial_) == 1, "ASN1_INTEGER_set");
    check(X509_set1_notBefore(cert.get(), make_time(not_before_).get()) == 1, "X509_set1_notBefore");
    check(X509_set1_notAfter(cert.get(), make_time(not_after_).get()) == 1, "X509_set1_notAfter");

    ossl::x509_name_ptr name{X509_NAME_new()};
    check(name != nullptr, "X509_NAME_new");
    for (const name_entry& entry : subject_) {
        check(X509_NAME_add_entry_by_txt(name.get(), entry.field.c_str(), entry.type, as_uchar(entry.value),
                                         static_cast<int>(entry.value.size()), -1, 0) == 1,
              "X509_NAME_add_entry_by_txt " + entry.field);
    }
    check(X509_set_subject_name(cert.get(), name.get()) == 1, "X509_set_subject_name");
    check(X509_set_issuer_name(cert.get(), name.get()) == 1, "X509_set_issuer_name");
    check(X509_set_pubkey(cert.get(), key.get()) == 1, "X509_set_pubkey");

    for (const auto& [nid, value] : extensions_) {
        X509V3_CTX context{};
        X509V3_set_ctx(&context, cert.get(), cert.get(), nullptr, nullptr, 0);
        X509V3_set_ctx_nodb(&context);
        const ossl::x509_extension_ptr extension{X509V3_EXT_nconf_nid(nullptr, &context, nid, value.c_str())};
        check(extension != nullptr, "X509V3_EXT_nconf_nid " + value);
        check(X509_add_ext(cert.get(), extension.get(), -1) == 1, "X509_add_ext");
    }
    if (!raw_dns_names_.empty()) {
        add_raw_dns_names(cert.get(), raw_dns_names_);
    }

    check(X509_sign(cert.get(), key.get(), nullptr) > 0, "X509_sign");  // Ed25519: no digest
    return ossl::encode_certificate(cert.get());
}

}  // namespace tlsaudit::x509::test
