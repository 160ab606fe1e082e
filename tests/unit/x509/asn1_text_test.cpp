// detail::asn1_time_to_time_point, asn1_integer_to_hex, asn1_string_to_utf8.

#include "test_support.hpp"

#include "x509/asn1_text.hpp"
#include "x509/openssl_ptr.hpp"

#include <gtest/gtest.h>

#include <string>

namespace tlsaudit::x509::detail {
namespace {

using test::utc;

std::optional<time_point> parse_time(const char* text) {
    const asn1_time_ptr time{ASN1_TIME_new()};
    if (!time || ASN1_TIME_set_string(time.get(), text) != 1) {
        ADD_FAILURE() << "cannot build ASN1_TIME " << text;
        return std::nullopt;
    }
    return asn1_time_to_time_point(time.get());
}

std::string string_as_utf8(int type, std::string_view value) {
    const asn1_string_ptr text{ASN1_STRING_type_new(type)};
    if (!text || ASN1_STRING_set(text.get(), value.data(), static_cast<int>(value.size())) != 1) {
        ADD_FAILURE() << "cannot build ASN1_STRING";
        return {};
    }
    return asn1_string_to_utf8(text.get());
}

TEST(asn1_time, utc_time_pivot_years) {
    EXPECT_EQ(parse_time("491231235959Z"), utc(2049, 12, 31, 23, 59, 59));
    EXPECT_EQ(parse_time("500101000000Z"), utc(1950, 1, 1));
    EXPECT_EQ(parse_time("240229120000Z"), utc(2024, 2, 29, 12, 0, 0));
}

TEST(asn1_time, generalized_time_outside_utc_time_range) {
    EXPECT_EQ(parse_time("19400101000000Z"), utc(1940, 1, 1));
    EXPECT_EQ(parse_time("20500101000000Z"), utc(2050, 1, 1));
    EXPECT_EQ(parse_time("21060207062816Z"), utc(2106, 2, 7, 6, 28, 16));  // past 32-bit unsigned time_t
    EXPECT_EQ(parse_time("99991231235959Z"), utc(9999, 12, 31, 23, 59, 59));
}

TEST(asn1_time, null_is_not_now) {
    EXPECT_FALSE(asn1_time_to_time_point(nullptr).has_value());
}

TEST(asn1_integer, hex_forms) {
    const asn1_integer_ptr value{ASN1_INTEGER_new()};
    ASSERT_TRUE(value);
    ASSERT_EQ(ASN1_INTEGER_set(value.get(), 0), 1);
    EXPECT_EQ(asn1_integer_to_hex(value.get()), "00");
    ASSERT_EQ(ASN1_INTEGER_set(value.get(), 0xAB), 1);
    EXPECT_EQ(asn1_integer_to_hex(value.get()), "AB");  // DER 00 AB: sign byte dropped
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
    EXPECT_EQ(string_as_utf8(V_ASN1_BMPSTRING, std::string_view{"\x00" "A\x00", 3}), "A\xEF\xBF\xBD");  // odd length
    EXPECT_EQ(string_as_utf8(V_ASN1_BMPSTRING, std::string_view{"\xDC\x00", 2}), "\xEF\xBF\xBD");  // lone surrogate
    EXPECT_EQ(string_as_utf8(V_ASN1_UNIVERSALSTRING, std::string_view{"\x00\x01\xF6\x00", 4}), "\xF0\x9F\x98\x80");
    EXPECT_EQ(string_as_utf8(V_ASN1_UNIVERSALSTRING, std::string_view{"\x7F\x00\x00\x00", 4}), "\xEF\xBF\xBD");
    EXPECT_EQ(string_as_utf8(V_ASN1_IA5STRING, std::string_view{"a\0b", 3}), std::string("a\0b", 3));
    EXPECT_EQ(asn1_string_to_utf8(nullptr), "");
}

}  // namespace
}  // namespace tlsaudit::x509::detail
