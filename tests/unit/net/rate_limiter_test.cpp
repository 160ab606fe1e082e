// --rate's limiter: start times one interval apart, an endpoint's probes reserved together
// (they queued behind the first probes of every endpoint in flight, so no record was
// written until those had all started).

#include "tls_client.hpp"

#include <gtest/gtest.h>

namespace tlsaudit::net::detail {
namespace {

using namespace std::chrono_literals;
using clock = std::chrono::steady_clock;

TEST(rate_limiter, reserves_consecutive_start_times) {
    // One start every 4 s: the reservations follow one another whatever pause a loaded
    // machine makes between the calls (at 100 ms, a pause of 200 ms made `second` "now").
    rate_limiter limiter(0.25);
    EXPECT_EQ(limiter.interval(), 4s);
    const auto before = clock::now();
    const auto first = limiter.reserve(2);  // an endpoint with two probes
    EXPECT_GE(first, before);
    EXPECT_LE(first, clock::now());
    const auto second = limiter.reserve(3);
    EXPECT_EQ(second - first, 8s) << "after both of the first endpoint's start times";
    const auto third = limiter.reserve();
    EXPECT_EQ(third - second, 12s);
}

TEST(rate_limiter, without_a_rate_every_start_is_now) {
    rate_limiter limiter(0);
    EXPECT_EQ(limiter.interval(), 0ns);
    const auto before = clock::now();
    const auto start = limiter.reserve(5);
    EXPECT_GE(start, before);
    EXPECT_LE(start, clock::now());
    EXPECT_LE(limiter.reserve(5), clock::now());
}

}  // namespace
}  // namespace tlsaudit::net::detail
