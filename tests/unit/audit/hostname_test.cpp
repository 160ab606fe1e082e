// RFC 6125 name matching.

#include "test_support.hpp"

#include <gtest/gtest.h>

namespace tlsaudit::audit {
namespace {

cert_info with_sans(std::vector<std::string> dns, std::vector<std::string> ips = {}, std::string cn = "cn.example") {
    cert_info c = testing::cert(cn, "CA", "1");
    c.dns_names = std::move(dns);
    c.ip_addresses = std::move(ips);
    return c;
}

TEST(hostname, exact_and_case_insensitive) {
    const auto c = with_sans({"www.Example.com."});
    EXPECT_TRUE(hostname_matches(c, "www.example.com"));
    EXPECT_TRUE(hostname_matches(c, "WWW.EXAMPLE.COM."));
    EXPECT_FALSE(hostname_matches(c, "example.com"));
    EXPECT_FALSE(hostname_matches(c, ""));
}

TEST(hostname, wildcard_covers_exactly_one_leftmost_label) {
    const auto c = with_sans({"*.example.com"});
    EXPECT_TRUE(hostname_matches(c, "a.example.com"));
    EXPECT_TRUE(hostname_matches(c, "xn--bcher-kva.example.com"));
    EXPECT_FALSE(hostname_matches(c, "example.com"));
    EXPECT_FALSE(hostname_matches(c, "a.b.example.com"));
    EXPECT_FALSE(hostname_matches(c, ".example.com"));
}

TEST(hostname, refused_wildcard_forms) {
    EXPECT_FALSE(hostname_matches(with_sans({"*.com"}), "example.com"));
    EXPECT_FALSE(hostname_matches(with_sans({"w*.example.com"}), "www.example.com"));
    EXPECT_FALSE(hostname_matches(with_sans({"*.*.example.com"}), "a.b.example.com"));
    EXPECT_FALSE(hostname_matches(with_sans({"www.*.com"}), "www.example.com"));
    EXPECT_FALSE(hostname_matches(with_sans({"*"}), "localhost"));
    EXPECT_FALSE(hostname_matches(with_sans({std::string("good.example\0.evil.com", 22)}), "good.example"));
}

TEST(hostname, browsers_refuse_a_wildcard_over_a_public_suffix) {
    // The ICANN section of the Public Suffix List: co.uk, com.au, pvt.k12.ma.us.
    for (const auto* pattern : {"*.co.uk", "*.com.au", "*.pvt.k12.ma.us"}) {
        const auto c = with_sans({pattern}, {});
        const std::string name = std::string("shop") + (pattern + 1);
        EXPECT_FALSE(hostname_matches(c, name)) << pattern;
        EXPECT_TRUE(hostname_matches(c, name, validation_profile::openssl)) << pattern;
    }
    // One label further down, and a suffix of the list's private section, are ordinary.
    EXPECT_TRUE(hostname_matches(with_sans({"*.shop.co.uk"}, {}), "www.shop.co.uk"));
    EXPECT_TRUE(hostname_matches(with_sans({"*.appspot.com"}, {}), "app.appspot.com"));
    EXPECT_TRUE(hostname_matches(with_sans({"*.lab.test"}, {}), "a.lab.test"));
}

TEST(hostname, ip_literals_match_ip_sans_only) {
    const auto c = with_sans({"127.0.0.1"}, {"192.0.2.1", "2001:db8::1"});
    EXPECT_TRUE(hostname_matches(c, "192.0.2.1"));
    EXPECT_TRUE(hostname_matches(c, "2001:DB8:0:0::1"));
    EXPECT_TRUE(hostname_matches(c, "[2001:db8::1]"));
    EXPECT_FALSE(hostname_matches(c, "127.0.0.1"));  // a dNSName holding an IP is not an IP SAN
}

TEST(hostname, common_name_only_without_any_san) {
    constexpr auto openssl = validation_profile::openssl;
    EXPECT_TRUE(hostname_matches(with_sans({}, {}, "legacy.example"), "legacy.example", openssl));
    EXPECT_FALSE(hostname_matches(with_sans({"other.example"}, {}, "legacy.example"), "legacy.example", openssl));
    EXPECT_FALSE(hostname_matches(with_sans({}, {"192.0.2.1"}, "legacy.example"), "legacy.example", openssl));
    EXPECT_FALSE(hostname_matches(with_sans({}, {}, "192.0.2.1"), "192.0.2.1", openssl));
}

TEST(hostname, browsers_never_fall_back_to_the_common_name) {
    EXPECT_FALSE(hostname_matches(with_sans({}, {}, "legacy.example"), "legacy.example"));
    EXPECT_FALSE(hostname_matches(with_sans({}, {}, "legacy.example"), "legacy.example", validation_profile::browser));
    EXPECT_TRUE(hostname_matches(with_sans({"legacy.example"}, {}, "legacy.example"), "legacy.example"));
}

}  // namespace
}  // namespace tlsaudit::audit
