#pragma once
// Builds self-signed test certificates with the OpenSSL API (Ed25519 keys, so it
// is fast). Every OpenSSL failure throws std::runtime_error with the error text.

#include <tlsaudit/model.hpp>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tlsaudit::x509::test {

class cert_builder {
public:
    // Subject entries are added in order, most significant first (C, O, CN).
    // `field` is a short name ("CN"); the value is UTF-8 text OpenSSL checks.
    cert_builder& subject_text(std::string field, std::string_view utf8);
    // As is, with the given ASN.1 string type (V_ASN1_BMPSTRING, ...): no checks.
    cert_builder& subject_raw(std::string field, int asn1_type, std::string_view value);
    // An extension in openssl.cnf syntax, e.g. (NID_subject_alt_name, "IP:192.0.2.1").
    // Applied in call order after the key is set, so "keyid" AKIs see the SKI.
    cert_builder& extension(int nid, std::string value);
    // A subjectAltName of dNSNames holding exactly these bytes (may be invalid UTF-8).
    cert_builder& raw_dns_names(std::vector<std::string> names);
    // ASN.1 time strings: "YYMMDDHHMMSSZ" (UTCTime) or "YYYYMMDDHHMMSSZ".
    cert_builder& validity(std::string not_before, std::string not_after);
    cert_builder& serial(long value);

    // Self-signed (issuer = subject) DER.
    bytes build() const;

private:
    struct name_entry {
        std::string field;
        int type = 0;  // MBSTRING_UTF8 or a V_ASN1_* string type
        std::string value;
    };
    std::vector<name_entry> subject_;
    std::vector<std::pair<int, std::string>> extensions_;
    std::vector<std::string> raw_dns_names_;
    std::string not_before_ = "20200101000000Z";
    std::string not_after_ = "20300101000000Z";
    long serial_ = 0x1A2B;
};

}  // namespace tlsaudit::x509::test
