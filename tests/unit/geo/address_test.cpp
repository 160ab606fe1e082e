// Special-purpose classes (RFC 6890 registries) and address parsing.

#include "address.hpp"

#include <tlsaudit/geo.hpp>

#include <gtest/gtest.h>

#include <string>

namespace tlsaudit::geo {
namespace {

struct class_case {
    const char* address;
    const char* expected;  // "" global
};

class special_purpose : public ::testing::TestWithParam<class_case> {};

TEST_P(special_purpose, class_of_address) {
    const auto& c = GetParam();
    const auto got = special_purpose_class(c.address);
    ASSERT_TRUE(got.has_value()) << c.address;
    EXPECT_EQ(*got, c.expected) << c.address;
}

INSTANTIATE_TEST_SUITE_P(
    ipv4, special_purpose,
    ::testing::Values(class_case{"0.0.0.0", "this-network"}, class_case{"0.255.1.2", "this-network"},
                      class_case{"10.0.0.1", "private"}, class_case{"10.255.255.255", "private"},
                      class_case{"172.16.0.1", "private"}, class_case{"172.31.255.254", "private"},
                      class_case{"172.32.0.1", ""}, class_case{"172.15.255.255", ""},
                      class_case{"192.168.1.1", "private"}, class_case{"100.64.0.1", "cgnat"},
                      class_case{"100.127.255.255", "cgnat"}, class_case{"100.128.0.0", ""},
                      class_case{"127.0.0.1", "loopback"}, class_case{"127.255.0.9", "loopback"},
                      class_case{"169.254.10.10", "link-local"}, class_case{"192.0.0.8", "ietf-protocol"},
                      class_case{"192.0.2.1", "documentation"}, class_case{"198.51.100.200", "documentation"},
                      class_case{"203.0.113.5", "documentation"}, class_case{"192.88.99.1", "6to4-relay"},
                      class_case{"198.18.0.1", "benchmarking"}, class_case{"198.19.255.255", "benchmarking"},
                      class_case{"198.20.0.0", ""}, class_case{"224.0.0.251", "multicast"},
                      class_case{"239.255.255.250", "multicast"}, class_case{"240.0.0.1", "reserved"},
                      class_case{"255.255.255.255", "broadcast"}, class_case{"255.255.255.254", "reserved"},
                      class_case{"8.8.8.8", ""}, class_case{"1.1.1.1", ""}, class_case{"192.0.3.1", ""}));

INSTANTIATE_TEST_SUITE_P(
    ipv6, special_purpose,
    ::testing::Values(
        class_case{"::", "unspecified"}, class_case{"::1", "loopback"}, class_case{"::ffff:127.0.0.1", "loopback"},
        class_case{"::ffff:10.1.1.1", "private"}, class_case{"::ffff:8.8.8.8", ""},
        class_case{"64:ff9b::808:808", "nat64"}, class_case{"64:ff9b:1::1", "nat64"}, class_case{"100::1", "discard"},
        class_case{"100:0:0:1::1", ""}, class_case{"2001::1", "teredo"}, class_case{"2001:2::1", "benchmarking"},
        class_case{"2001:20::1", "orchid"}, class_case{"2001:1ff::1", "ietf-protocol"}, class_case{"2001:200::1", ""},
        class_case{"2001:db8::1", "documentation"}, class_case{"2001:DB8:ffff::1", "documentation"},
        class_case{"3fff::1", "documentation"}, class_case{"3fff:fff::1", "documentation"},
        class_case{"3fff:1000::1", ""}, class_case{"2002:c000:201::1", "6to4"}, class_case{"fc00::1", "unique-local"},
        class_case{"fdff:ffff::1", "unique-local"}, class_case{"fe80::1", "link-local"},
        class_case{"fe80::1%eth0", "link-local"}, class_case{"febf::1", "link-local"}, class_case{"fec0::1", ""},
        class_case{"ff02::1", "multicast"}, class_case{"2a00:1450:4001::1", ""}, class_case{"2606:4700::1111", ""}));

TEST(special_purpose_class, not_an_address) {
    for (const char* text :
         {"", "example.com", "1.2.3", "1.2.3.4.5", "256.1.1.1", "::g", "[::1]", "1.2.3.4:443", " 1.2.3.4", "01.2.3.4x"})
        EXPECT_FALSE(special_purpose_class(text).has_value()) << text;
}

TEST(parse_ip, mapped_ipv4_becomes_ipv4) {
    const auto mapped = detail::parse_ip("::ffff:192.0.2.1");
    const auto plain = detail::parse_ip("192.0.2.1");
    ASSERT_TRUE(mapped && plain);
    EXPECT_FALSE(mapped->v6);
    EXPECT_EQ(*mapped, *plain);
    EXPECT_EQ(detail::ip_address_hash{}(*mapped), detail::ip_address_hash{}(*plain));
}

TEST(parse_ip, same_address_in_other_spellings_is_equal) {
    EXPECT_EQ(*detail::parse_ip("2001:DB8::1"), *detail::parse_ip("2001:0db8:0:0:0:0:0:1"));
    EXPECT_EQ(*detail::parse_ip("fe80::1%eth0"), *detail::parse_ip("fe80::1"));
    EXPECT_NE(*detail::parse_ip("::1"), *detail::parse_ip("0.0.0.1"));  // families differ
}

TEST(kind_of_type, known_database_types) {
    EXPECT_EQ(kind_of_type("GeoLite2-Country"), database_kind::country);
    EXPECT_EQ(kind_of_type("GeoIP2-City"), database_kind::country);
    EXPECT_EQ(kind_of_type("DBIP-Country-Lite"), database_kind::country);
    EXPECT_EQ(kind_of_type("DBIP-City-Lite"), database_kind::country);
    EXPECT_EQ(kind_of_type("country ipvAll"), database_kind::country);  // ip-location-db
    EXPECT_EQ(kind_of_type("GeoLite2-ASN"), database_kind::asn);
    EXPECT_EQ(kind_of_type("DBIP-ASN-Lite"), database_kind::asn);
    EXPECT_EQ(kind_of_type("GeoIP2-ISP"), database_kind::asn);
    EXPECT_EQ(kind_of_type("ip-location-db-ASN"), database_kind::asn);
    EXPECT_EQ(kind_of_type("GeoIP2-Enterprise"), database_kind::country_and_asn);
    EXPECT_FALSE(kind_of_type("GeoIP2-Anonymous-IP").has_value());
    EXPECT_FALSE(kind_of_type("GeoIP2-Domain").has_value());
    EXPECT_FALSE(kind_of_type("").has_value());
}

}  // namespace
}  // namespace tlsaudit::geo
