// cert_cache: each distinct certificate parsed once, same answers as parse_certificate.

#include "test_support.hpp"

#include "ossl/encoding.hpp"

#include <tlsaudit/cert_cache.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace tlsaudit::x509 {
namespace {

using test::load_real_der;

TEST(cert_cache, second_parse_is_a_hit_with_the_same_result) {
    const bytes der = load_real_der("globalsign-rsa-dv-ssl-ca-2018.pem");
    cert_cache cache;
    const parsed_cert first = cache.parse(der);
    const parsed_cert second = cache.parse(der);
    ASSERT_TRUE(first.info && second.info);
    EXPECT_EQ(first.info->sha256, "9e898ed03fa46969690dad73c7296675045ff9b5a0100a399beb8435a98f5185");
    EXPECT_EQ(second.info->sha256, first.info->sha256);
    EXPECT_EQ(second.info->subject, first.info->subject);
    EXPECT_EQ(cache.misses(), 1u);
    EXPECT_EQ(cache.hits(), 1u);
}

TEST(cert_cache, garbage_is_cached_with_its_error) {
    const bytes garbage{0x30, 0x03, 0x01, 0x02, 0x03};
    cert_cache cache;
    const parsed_cert a = cache.parse(garbage);
    const parsed_cert b = cache.parse(garbage);
    EXPECT_FALSE(a.info);
    EXPECT_FALSE(a.error.empty());
    EXPECT_EQ(b.error, a.error);
    EXPECT_EQ(cache.hits(), 1u);
}

TEST(cert_cache, distinct_certificates_are_distinct_entries) {
    cert_cache cache;
    const auto dv2018 = cache.parse(load_real_der("globalsign-rsa-dv-ssl-ca-2018.pem"));
    const auto gcc2020 = cache.parse(load_real_der("globalsign-gcc-r3-dv-tls-ca-2020.pem"));
    ASSERT_TRUE(dv2018.info && gcc2020.info);
    EXPECT_NE(dv2018.info->sha256, gcc2020.info->sha256);
    EXPECT_EQ(cache.misses(), 2u);
    EXPECT_EQ(cache.hits(), 0u);
}

TEST(cert_cache, stays_bounded) {
    cert_cache cache(16);  // one entry per shard
    for (unsigned char i = 0; i < 200; ++i) cache.parse(bytes{0x30, 0x01, i});
    EXPECT_EQ(cache.misses(), 200u);
    EXPECT_EQ(cache.parse(bytes{0x30, 0x01, 0}).error.empty(), false);
}

TEST(cert_cache, concurrent_callers_get_consistent_answers) {
    const std::vector<bytes> ders{load_real_der("globalsign-rsa-dv-ssl-ca-2018.pem"),
                                  load_real_der("globalsign-root-ca-r3.pem"), load_real_der("entrust-ca-l1k.pem")};
    cert_cache cache;
    std::vector<std::thread> threads;
    std::atomic<int> mismatches{0};
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < 300; ++i) {
                const auto& der = ders[static_cast<std::size_t>(i) % ders.size()];
                const auto parsed = cache.parse(der);
                if (!parsed.info || parsed.info->sha256 != ossl::sha256_hex(der)) ++mismatches;
            }
        });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(mismatches.load(), 0);
    EXPECT_EQ(cache.hits() + cache.misses(), 1200u);
    EXPECT_LE(cache.misses(), 12u) << "at most one parse per certificate and thread";
}

}  // namespace
}  // namespace tlsaudit::x509
