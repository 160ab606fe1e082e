#pragma once
// Conversions of ASN.1 values found in certificates to model types. Private to
// scanner/x509. None of them throws except std::bad_alloc; every string they
// return is valid UTF-8 whatever bytes the certificate held.

#include <openssl/asn1.h>
#include <openssl/x509.h>

#include <string>

namespace tlsaudit::x509::detail {

// The characters of a string value as UTF-8, decoded by its ASN.1 type:
// BMPString as UTF-16BE, UniversalString as UCS-4BE, T61String as Latin-1 (as
// OpenSSL does), every other type as bytes that should already be UTF-8/ASCII.
// Undecodable units become U+FFFD; NUL and control characters are kept.
// Null gives "". (PrintableString/IA5String bytes >= 0x80 break their types'
// character sets; they follow the UTF-8 rule here, while name_to_rfc2253, which
// is OpenSSL's printer, reads them as Latin-1.)
std::string asn1_string_to_utf8(const ASN1_STRING* value);

// RFC 2253 one-line form of `name` (most significant RDN last, "CN=..,O=..")
// with non-ASCII characters as UTF-8 rather than \XX escapes; RFC 2253 specials
// (,+"\<>;) and control characters are backslash-escaped. A value OpenSSL
// cannot print as text (e.g. an odd-length BMPString; OpenSSL 3 already refuses
// most such names when decoding) makes the whole name fall back to RFC 2253
// "#hex" values. Null or unprintable gives "".
std::string name_to_rfc2253(const X509_NAME* name);

// The last commonName of `name` as UTF-8, "" when it has none.
std::string last_common_name(const X509_NAME* name);

// Upper-case hex of the magnitude of `value`, without leading zero bytes but at
// least one byte ("00" for zero), "-" prefixed when negative. Null gives "".
std::string asn1_integer_to_hex(const ASN1_INTEGER* value);

// Dotted-decimal text of `object` ("1.2.840.113549.1.1.11"), "" when null.
std::string object_to_oid_text(const ASN1_OBJECT* object);

}  // namespace tlsaudit::x509::detail
