// text::rfc3339 and parse_rfc3339: every instant a certificate can name, written by civil
// date and read back.

#include "text/time_text.hpp"

#include <gtest/gtest.h>

#include <chrono>

namespace tlsaudit::text {
namespace {

time_point at(int y, unsigned m, unsigned d, int hh = 0, int mm = 0, int ss = 0) {
    using namespace std::chrono;
    return time_point{sys_days{year{y} / month{m} / day{d}}} + hours{hh} + minutes{mm} + seconds{ss};
}

TEST(rfc3339, writes_utc_seconds) {
    EXPECT_EQ(rfc3339(at(2024, 11, 11, 23, 59, 59)), "2024-11-11T23:59:59Z");
    EXPECT_EQ(rfc3339(at(2021, 1, 21)), "2021-01-21T00:00:00Z");
}

TEST(rfc3339, milliseconds_when_there_are_any) {
    using std::chrono::milliseconds;
    using ms_time = std::chrono::sys_time<milliseconds>;
    EXPECT_EQ(rfc3339(ms_time{at(2024, 11, 11, 23, 59, 59)} + milliseconds(500)), "2024-11-11T23:59:59.500Z");
    EXPECT_EQ(rfc3339(ms_time{at(2024, 11, 11, 23, 59, 59)} + milliseconds(7)), "2024-11-11T23:59:59.007Z");
    EXPECT_EQ(rfc3339(ms_time{at(2024, 11, 12)}), "2024-11-12T00:00:00Z");
    EXPECT_EQ(rfc3339(ms_time{at(1969, 12, 31, 23, 59, 59)} + milliseconds(999)), "1969-12-31T23:59:59.999Z");
}

TEST(rfc3339, years_beyond_the_nanosecond_clock) {
    EXPECT_EQ(rfc3339(at(9999, 12, 31, 23, 59, 59)), "9999-12-31T23:59:59Z");  // RFC 5280 "no expiry"
    EXPECT_EQ(rfc3339(at(1, 1, 1)), "0001-01-01T00:00:00Z");
    EXPECT_EQ(rfc3339(at(1029, 6, 1, 12)), "1029-06-01T12:00:00Z");
}

TEST(rfc3339, every_digit_in_its_place) {
    EXPECT_EQ(rfc3339(at(1999, 10, 9, 8, 7, 6)), "1999-10-09T08:07:06Z");
    EXPECT_EQ(rfc3339(at(2087, 2, 28, 19, 58, 49)), "2087-02-28T19:58:49Z");
    EXPECT_EQ(rfc3339(at(0, 3, 1)), "0000-03-01T00:00:00Z");
    // Every day of four years and every second of one day read back as written.
    for (int d = 0; d < 4 * 366; ++d) {
        const auto t = at(2024, 1, 1) + std::chrono::days(d) + std::chrono::seconds(d * 59 % 86400);
        ASSERT_EQ(parse_rfc3339(rfc3339(t)), t) << rfc3339(t);
    }
    for (int s = 0; s < 86400; ++s) {
        const auto t = at(2026, 12, 6) + std::chrono::seconds(s);
        ASSERT_EQ(parse_rfc3339(rfc3339(t)), t) << rfc3339(t);
    }
}

TEST(parse_rfc3339, reads_back_what_rfc3339_writes) {
    for (const auto t : {at(2024, 11, 11, 23, 59, 59), at(9999, 12, 31, 23, 59, 59), at(1, 1, 1), at(1970, 1, 1)})
        EXPECT_EQ(parse_rfc3339(rfc3339(t)), t) << rfc3339(t);
    EXPECT_EQ(parse_rfc3339("2021-01-20T12:00:00+08:00"), at(2021, 1, 20, 4));
    EXPECT_EQ(parse_rfc3339("2021-01-20"), at(2021, 1, 20));
}

TEST(parse_rfc3339, refuses_what_is_not_an_instant) {
    for (const char* text : {"", "2021-02-30T00:00:00Z", "2021-01-20T12:00:00", "2021-01-20T24:00:00Z", "not a date",
                             "2021-01-20T12:00:00Zjunk"})
        EXPECT_FALSE(parse_rfc3339(text)) << text;
}

}  // namespace
}  // namespace tlsaudit::text
