// The per-address cache: bounded, thread-safe.

#include "lookup_cache.hpp"

#include <gtest/gtest.h>

#include <fmt/format.h>

#include <thread>
#include <vector>

namespace tlsaudit::geo::detail {
namespace {

ip_address v4(unsigned n) { return *parse_ip(fmt::format("10.{}.{}.{}", (n >> 16) & 0xFF, (n >> 8) & 0xFF, n & 0xFF)); }

TEST(lookup_cache, finds_what_was_inserted) {
    lookup_cache cache(100);
    EXPECT_FALSE(cache.find(v4(1)));
    cache.insert(v4(1), geo_info{.country = "DE"});
    ASSERT_TRUE(cache.find(v4(1)));
    EXPECT_EQ(cache.find(v4(1))->country, "DE");
    cache.insert(v4(1), geo_info{.country = "FR"});  // replaced, not duplicated
    EXPECT_EQ(cache.find(v4(1))->country, "FR");
    EXPECT_EQ(cache.size(), 1u);
    cache.clear();
    EXPECT_FALSE(cache.find(v4(1)));
}

TEST(lookup_cache, stays_within_its_capacity) {
    lookup_cache cache(64);
    for (unsigned i = 0; i < 5000; ++i) cache.insert(v4(i), geo_info{.asn = i});
    EXPECT_LE(cache.size(), 64u);
    EXPECT_GT(cache.size(), 0u);
    EXPECT_TRUE(cache.find(v4(4999)));  // the latest one survives
}

TEST(lookup_cache, least_recently_used_goes_first) {
    // Three addresses of one shard (the cache picks the shard by the hash's top bits),
    // in a cache with two slots per shard.
    const auto shard = [](const ip_address& a) { return (ip_address_hash{}(a) >> 56) % 16; };
    std::vector<ip_address> same;
    for (unsigned i = 0; same.size() < 3; ++i)
        if (shard(v4(i)) == shard(v4(0))) same.push_back(v4(i));
    lookup_cache cache(32);
    cache.insert(same[0], geo_info{.country = "DE"});
    cache.insert(same[1], geo_info{.country = "FR"});
    ASSERT_TRUE(cache.find(same[0]));  // same[0] is now the most recently used
    cache.insert(same[2], geo_info{.country = "JP"});
    EXPECT_TRUE(cache.find(same[0]));
    EXPECT_FALSE(cache.find(same[1]));
    EXPECT_TRUE(cache.find(same[2]));
}

TEST(lookup_cache, zero_capacity_disables_it) {
    lookup_cache cache(0);
    cache.insert(v4(1), geo_info{.country = "DE"});
    EXPECT_FALSE(cache.find(v4(1)));
    EXPECT_EQ(cache.size(), 0u);
}

TEST(lookup_cache, concurrent_use) {
    lookup_cache cache(256);
    std::vector<std::thread> threads;
    for (unsigned t = 0; t < 8; ++t)
        threads.emplace_back([&cache, t] {
            for (unsigned i = 0; i < 20000; ++i) {
                const unsigned n = (i * 7 + t) % 1000;
                if (auto hit = cache.find(v4(n))) {
                    EXPECT_EQ(hit->asn, n);
                } else {
                    cache.insert(v4(n), geo_info{.asn = n});
                }
            }
        });
    for (auto& t : threads) t.join();
    EXPECT_LE(cache.size(), 256u);
}

}  // namespace
}  // namespace tlsaudit::geo::detail
