// text::rfc3339: every instant a certificate can name, written by civil date.

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

TEST(rfc3339, years_beyond_the_nanosecond_clock) {
    EXPECT_EQ(rfc3339(at(9999, 12, 31, 23, 59, 59)), "9999-12-31T23:59:59Z");  // RFC 5280 "no expiry"
    EXPECT_EQ(rfc3339(at(1, 1, 1)), "0001-01-01T00:00:00Z");
    EXPECT_EQ(rfc3339(at(1029, 6, 1, 12)), "1029-06-01T12:00:00Z");
}

}  // namespace
}  // namespace tlsaudit::text
