// Sharding (--shard I/N, --shards N with JOB_COMPLETION_INDEX) and target_line.

#include "test_support.hpp"

#include <tlsaudit/targets.hpp>

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <vector>

namespace tlsaudit::targets {
namespace {

target make_target(std::string host, std::uint16_t port, std::string sni, bool ip = false) {
    target t;
    t.host = std::move(host);
    t.port = port;
    t.sni = std::move(sni);
    t.host_is_ip = ip;
    return t;
}

TEST(shard, fnv1a_64_matches_the_published_vectors) {
    EXPECT_EQ(fnv1a_64(""), 0xcbf29ce484222325ULL);
    EXPECT_EQ(fnv1a_64("a"), 0xaf63dc4c8601ec8cULL);
    EXPECT_EQ(fnv1a_64("foobar"), 0x85944171f73967e8ULL);
}

// Values computed from the documented definition by an independent implementation: a
// change here moves targets between shards for every user, so it must be deliberate.
TEST(shard, hash_is_pinned) {
    EXPECT_EQ(shard_hash("example.com|443|example.com"), 0x798d74e2d4de4ed9ULL);
    EXPECT_EQ(shard_hash("192.0.2.1|8443|"), 0xe189e498210bbe75ULL);
    EXPECT_EQ(shard_hash("2001:db8::1|443|www.example.com"), 0xbf9b9db665bdcb9fULL);
    // The key a target is hashed by, STARTTLS protocol included (empty for direct TLS).
    EXPECT_EQ(shard_hash("example.com|443|example.com|"), 0xe8ffbfb7c1f0bf81ULL);
    EXPECT_EQ(shard_hash("mx.example.com|25|mx.example.com|smtp"), 0x962b75670c79cad7ULL);
    const auto direct = make_target("example.com", 443, "example.com");
    ASSERT_EQ(direct.key(), "example.com|443|example.com|");
    EXPECT_EQ(shard_of(direct, 1000), 0xe8ffbfb7c1f0bf81ULL % 1000);
    auto smtp = make_target("mx.example.com", 25, "mx.example.com");
    smtp.starttls = "smtp";
    ASSERT_EQ(smtp.key(), "mx.example.com|25|mx.example.com|smtp");
    EXPECT_EQ(shard_of(smtp, 1000), 0x962b75670c79cad7ULL % 1000);
}

TEST(shard, every_target_is_in_exactly_one_shard_and_shards_are_balanced) {
    std::vector<target> all;
    for (int i = 0; i < 4000; ++i) {
        all.push_back(
            make_target("host" + std::to_string(i) + ".example.com", 443, "host" + std::to_string(i) + ".example.com"));
        all.push_back(make_target("192.0.2." + std::to_string(i % 256), static_cast<std::uint16_t>(1 + i), "", true));
    }
    for (std::uint64_t n = 1; n <= 16; ++n) {
        std::vector<std::size_t> sizes(n, 0);
        for (const auto& t : all) {
            int hits = 0;
            for (std::uint64_t i = 0; i < n; ++i) {
                if (in_shard(t, shard{i, n})) {
                    ++hits;
                    ++sizes[i];
                }
            }
            ASSERT_EQ(hits, 1) << t.key() << " with N=" << n;
        }
        // 8000 targets: each shard within 25% of its fair share (a skewed hash would not be).
        const double fair = static_cast<double>(all.size()) / static_cast<double>(n);
        for (std::uint64_t i = 0; i < n; ++i) {
            EXPECT_GT(static_cast<double>(sizes[i]), fair * 0.75) << i << "/" << n;
            EXPECT_LT(static_cast<double>(sizes[i]), fair * 1.25) << i << "/" << n;
        }
    }
}

TEST(shard, ports_and_sni_are_hashed_separately) {
    // The same host on different ports (or with different SNI) is a different key, and
    // over enough ports both shards of 2 get some.
    std::array<int, 2> seen{};
    for (std::uint16_t port = 1; port <= 64; ++port)
        ++seen[shard_of(make_target("example.com", port, "example.com"), 2)];
    EXPECT_GT(seen[0], 0);
    EXPECT_GT(seen[1], 0);
}

TEST(shard, input_errors_belong_to_shard_zero) {
    const input_error e{3, "example.com:0", "port 0 is out of range (1-65535)"};
    EXPECT_TRUE(in_shard(e, shard{0, 4}));
    EXPECT_FALSE(in_shard(e, shard{1, 4}));
    EXPECT_FALSE(in_shard(e, shard{3, 4}));
    EXPECT_TRUE(in_shard(e, shard{}));
}

TEST(shard, parse_accepts_i_of_n) {
    const auto s = parse_shard("3/16");
    ASSERT_TRUE(s.value) << s.error;
    EXPECT_EQ(s.value->index, 3u);
    EXPECT_EQ(s.value->count, 16u);
    EXPECT_TRUE(s.error.empty());
    ASSERT_TRUE(parse_shard("0/1").value);
    ASSERT_TRUE(parse_shard("999999/1000000").value);
}

TEST(shard, parse_rejects_with_a_precise_message) {
    EXPECT_EQ(parse_shard("4/4").error, "shard index 4 is not below the shard count 4 (shards are numbered 0 to 3)");
    EXPECT_EQ(parse_shard("1/1").error, "shard index 1 is not below the shard count 1 (the only shard is 0)");
    EXPECT_EQ(parse_shard("0/0").error, "shard count 0 is out of range (1 to 1000000)");
    EXPECT_EQ(parse_shard("0/1000001").error, "shard count 1000001 is out of range (1 to 1000000)");
    EXPECT_EQ(parse_shard("3").error, "'3' is not I/N (shard index I of N shards, e.g. 0/4)");
    for (const char* bad :
         {"-1/4", "+1/4", "1 /4", "1/4 ", "a/4", "1/", "/4", "1/4/5", "1.0/4", "99999999999999999999/4"}) {
        const auto s = parse_shard(bad);
        EXPECT_FALSE(s.value) << bad;
        EXPECT_NE(s.error.find("is not I/N"), std::string::npos) << bad << ": " << s.error;
    }
}

TEST(shard, index_from_the_environment) {
    const auto ok = shard_from_index(4, "2");
    ASSERT_TRUE(ok.value) << ok.error;
    EXPECT_EQ(ok.value->index, 2u);
    EXPECT_EQ(ok.value->count, 4u);
    EXPECT_EQ(shard_from_index(4, nullptr).error,
              "--shards 4: JOB_COMPLETION_INDEX is not set (a Kubernetes Indexed Job sets it to the pod's index; "
              "elsewhere use --shard I/N)");
    EXPECT_EQ(shard_from_index(4, "4").error,
              "--shards 4: JOB_COMPLETION_INDEX=4 is not below the shard count (shards are numbered 0 to 3)");
    EXPECT_EQ(shard_from_index(4, "two").error,
              "--shards 4: JOB_COMPLETION_INDEX='two' is not a shard index (a whole decimal number)");
    EXPECT_FALSE(shard_from_index(4, "").value);
    EXPECT_FALSE(shard_from_index(4, "-1").value);
    EXPECT_FALSE(shard_from_index(0, "0").value);
}

TEST(target_line, round_trips_through_the_parser) {
    const parse_options opts;
    const std::vector<std::string> lines = {"example.com",
                                            "Example.COM.:8443",
                                            "https://bücher.example/path",
                                            "192.0.2.1",
                                            "[2001:DB8::1]:8443",
                                            "2001:db8::2",
                                            "192.0.2.10:443 sni=www.example.com",
                                            "[2001:db8::3]:443 sni=api.example.com",
                                            "shop.example.com:443 sni=other.example.com",
                                            "192.0.2.0/30:8443",
                                            "smtp://mail.example.com",
                                            "imap://[2001:db8::5]:1143",
                                            "postgresql://db.example.com:5433"};
    for (const auto& line : lines) {
        for (const auto& first : test::targets_of(parse_line(line, 1, opts))) {
            const std::string written = target_line(first);
            const auto again = test::targets_of(parse_line(written, 1, opts));
            ASSERT_EQ(again.size(), 1u) << line << " -> " << written;
            EXPECT_EQ(again[0].key(), first.key()) << line << " -> " << written;
            EXPECT_EQ(again[0].host_is_ip, first.host_is_ip);
        }
    }
    EXPECT_EQ(target_line(make_target("example.com", 443, "example.com")), "example.com:443");
    EXPECT_EQ(target_line(make_target("2001:db8::1", 8443, "", true)), "[2001:db8::1]:8443");
    EXPECT_EQ(target_line(make_target("192.0.2.10", 443, "www.example.com", true)),
              "192.0.2.10:443 sni=www.example.com");
}

// Under --starttls a bare host:port is a STARTTLS target: a direct-TLS target is written
// with its https:// scheme, so the list reads back the same under the same options.
TEST(target_line, direct_tls_keeps_its_scheme_under_a_starttls_option) {
    parse_options smtp;
    smtp.starttls = "smtp";
    for (const auto* line : {"https://www.example.com:9443", "https://[2001:db8::7]:443", "smtp://mx.example.com",
                             "https://192.0.2.10:8443 sni=www.example.com", "mx.example.com:2525"}) {
        for (const auto& first : test::targets_of(parse_line(line, 1, smtp))) {
            const std::string written = target_line(first, true);
            const auto again = test::targets_of(parse_line(written, 1, smtp));
            ASSERT_EQ(again.size(), 1u) << line << " -> " << written;
            EXPECT_EQ(again[0].key(), first.key()) << line << " -> " << written;
        }
    }
    EXPECT_EQ(target_line(make_target("www.example.com", 9443, "www.example.com"), true),
              "https://www.example.com:9443");
}

}  // namespace
}  // namespace tlsaudit::targets
