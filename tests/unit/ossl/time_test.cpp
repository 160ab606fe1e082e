// ossl::to_time_point, to_asn1_time, to_asn1_generalized_time.

#include "ossl/time.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <optional>

namespace tlsaudit::ossl {
namespace {

time_point utc(int y, unsigned mo, unsigned d, int h = 0, int mi = 0, int s = 0) {
    using namespace std::chrono;
    return time_point{sys_days{year{y} / month{mo} / day{d}}} + hours{h} + minutes{mi} + seconds{s};
}

std::optional<time_point> parse_time(const char* text) {
    const asn1_time_ptr time{ASN1_TIME_new()};
    if (!time || ASN1_TIME_set_string(time.get(), text) != 1) {
        ADD_FAILURE() << "cannot build ASN1_TIME " << text;
        return std::nullopt;
    }
    return to_time_point(time.get());
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

TEST(asn1_time, null_and_malformed_are_nullopt) {
    EXPECT_FALSE(to_time_point(nullptr).has_value());  // not "now", as ASN1_TIME_to_tm would say
    const asn1_time_ptr bad{ASN1_STRING_type_new(V_ASN1_UTCTIME)};
    ASSERT_TRUE(bad);
    ASSERT_EQ(ASN1_STRING_set(bad.get(), "not a time", -1), 1);
    EXPECT_FALSE(to_time_point(bad.get()).has_value());
}

TEST(asn1_time, rfc5280_time_switches_to_generalized_after_2049) {
    const asn1_time_ptr before = to_asn1_time(utc(2049, 12, 31, 23, 59, 59));
    EXPECT_EQ(ASN1_STRING_type(before.get()), V_ASN1_UTCTIME);
    EXPECT_EQ(to_time_point(before.get()), utc(2049, 12, 31, 23, 59, 59));
    const asn1_time_ptr after = to_asn1_time(utc(2050, 1, 1));
    EXPECT_EQ(ASN1_STRING_type(after.get()), V_ASN1_GENERALIZEDTIME);
    EXPECT_EQ(to_time_point(after.get()), utc(2050, 1, 1));
}

TEST(asn1_time, generalized_time_always) {
    const asn1_time_ptr t = to_asn1_generalized_time(utc(2024, 11, 11, 23, 59, 59));
    EXPECT_EQ(ASN1_STRING_type(t.get()), V_ASN1_GENERALIZEDTIME);
    EXPECT_EQ(to_time_point(t.get()), utc(2024, 11, 11, 23, 59, 59));
}

}  // namespace
}  // namespace tlsaudit::ossl
