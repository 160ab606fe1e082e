// detail::asn1_integer_to_hex, asn1_string_to_utf8.

#include "test_support.hpp"

#include "ossl/ptr.hpp"
#include "x509/asn1_text.hpp"

#include <gtest/gtest.h>

#include <string>

namespace tlsaudit::x509::detail {
namespace {

std::string string_as_utf8(int type, std::string_view value) {
    const ossl::asn1_string_ptr text{ASN1_STRING_type_new(type)};
    if (!text || ASN1_STRING_set(text.get(), value.data(), static_cast<int>(value.size())) != 1) {
        ADD_FAILURE() << "cannot build ASN1_STRING";
        return {};
    }
    return asn1_string_to_utf8(text.get());
}

TEST(asn1_integer, hex_forms) {
    const ossl::asn1_integer_ptr value{ASN1_INTEGER_new()};
    ASSERT_TRUE(value);
    ASSERT_EQ(ASN1_INTEGER_set(value.get(), 0), 1);
    EXPECT_EQ(asn1_integer_to_hex(value.get()), "00");
    ASSERT_EQ(ASN1_INTEGER_set(value.get(), 0xAB), 1);
    EXPECT_EQ(asn1_integer_to_hex(value.get()), "ab");  // DER 00 AB: sign byte dropped
    ASSERT_EQ(ASN1_INTEGER_set(value.get(), 0x0102), 1);
    EXPECT_EQ(asn1_integer_to_hex(value.get()), "0102");
    ASSERT_EQ(ASN1_INTEGER_set(value.get(), -5), 1);
    EXPECT_EQ(asn1_integer_to_hex(value.get()), "-05");
    EXPECT_EQ(asn1_integer_to_hex(nullptr), "");
}

TEST(asn1_string, decodes_by_type) {
    EXPECT_EQ(string_as_utf8(V_ASN1_UTF8STRING, "Z\xC3\xBCrich"), "Z\xC3\xBCrich");
    EXPECT_EQ(string_as_utf8(V_ASN1_UTF8STRING, "bad\xFF"), "bad\xEF\xBF\xBD");
    EXPECT_EQ(string_as_utf8(V_ASN1_PRINTABLESTRING, "Printable"), "Printable");
    EXPECT_EQ(string_as_utf8(V_ASN1_T61STRING, "Caf\xE9"), "Caf\xC3\xA9");  // Latin-1
    EXPECT_EQ(string_as_utf8(V_ASN1_BMPSTRING, std::string_view{"\x67\x71\x4E\xAC", 4}), "\xE6\x9D\xB1\xE4\xBA\xAC");
    EXPECT_EQ(string_as_utf8(V_ASN1_BMPSTRING, std::string_view{"\xD8\x3D\xDE\x00", 4}), "\xF0\x9F\x98\x80");
    EXPECT_EQ(string_as_utf8(V_ASN1_BMPSTRING, std::string_view{"\x00"
                                                                "A\x00",
                                                                3}),
              "A\xEF\xBF\xBD");                                                                    // odd length
    EXPECT_EQ(string_as_utf8(V_ASN1_BMPSTRING, std::string_view{"\xDC\x00", 2}), "\xEF\xBF\xBD");  // lone surrogate
    EXPECT_EQ(string_as_utf8(V_ASN1_UNIVERSALSTRING, std::string_view{"\x00\x01\xF6\x00", 4}), "\xF0\x9F\x98\x80");
    EXPECT_EQ(string_as_utf8(V_ASN1_UNIVERSALSTRING, std::string_view{"\x7F\x00\x00\x00", 4}), "\xEF\xBF\xBD");
    EXPECT_EQ(string_as_utf8(V_ASN1_IA5STRING, std::string_view{"a\0b", 3}), std::string("a\0b", 3));
    EXPECT_EQ(asn1_string_to_utf8(nullptr), "");
}

}  // namespace
}  // namespace tlsaudit::x509::detail
