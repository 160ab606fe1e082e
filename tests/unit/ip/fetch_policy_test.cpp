// The destination policy for certificate-chosen fetches: one table over every address
// class (IPv4, IPv6, IPv4-mapped, NAT64) with the default policy, then what each option
// lifts and what it leaves in place.

#include "ip/address.hpp"

#include <tlsaudit/fetch_policy.hpp>

#include <gtest/gtest.h>

#include <string>

namespace tlsaudit::ip {
namespace {

struct policy_case {
    const char* address;
    std::uint16_t port;
    const char* rule;  // "" allowed
};

void PrintTo(const policy_case& c, std::ostream* os) { *os << c.address << " port " << c.port; }

fetch_decision judge(std::string_view address, std::uint16_t port, const fetch_policy& policy = {},
                     std::string_view host = "responder.example") {
    return judge_fetch({host, address, port, "http"}, policy);
}

class default_policy : public ::testing::TestWithParam<policy_case> {};

TEST_P(default_policy, refuses_by_rule) {
    const auto& c = GetParam();
    const auto decision = judge(c.address, c.port);
    EXPECT_EQ(decision.allowed, std::string(c.rule).empty());
    EXPECT_EQ(decision.rule, c.rule);
}

INSTANTIATE_TEST_SUITE_P(
    ipv4, default_policy,
    ::testing::Values(
        policy_case{"8.8.8.8", 80, ""}, policy_case{"8.8.8.8", 443, ""}, policy_case{"8.8.8.8", 8080, ""},
        policy_case{"8.8.8.8", 22, "port 22 not allowed"}, policy_case{"8.8.8.8", 8443, "port 8443 not allowed"},
        policy_case{"127.0.0.1", 80, "loopback"}, policy_case{"127.255.255.254", 80, "loopback"},
        policy_case{"10.0.0.5", 80, "internal (RFC 1918)"}, policy_case{"172.16.0.1", 80, "internal (RFC 1918)"},
        policy_case{"172.31.255.255", 80, "internal (RFC 1918)"}, policy_case{"172.32.0.1", 80, ""},
        policy_case{"192.168.1.1", 80, "internal (RFC 1918)"}, policy_case{"100.64.0.1", 80, "internal (RFC 6598)"},
        policy_case{"169.254.1.1", 80, "link-local (metadata)"}, policy_case{"169.254.169.254", 80, "cloud metadata"},
        policy_case{"169.254.170.2", 80, "cloud metadata"}, policy_case{"100.100.100.200", 80, "cloud metadata"},
        policy_case{"0.0.0.0", 80, "unspecified"}, policy_case{"0.1.2.3", 80, "unspecified"},
        policy_case{"224.0.0.1", 80, "multicast"}, policy_case{"239.255.255.250", 80, "multicast"},
        policy_case{"255.255.255.255", 80, "broadcast"},
        policy_case{"240.0.0.1", 80, "not globally routable (reserved)"},
        policy_case{"192.0.2.1", 80, "not globally routable (documentation)"},
        policy_case{"198.18.0.1", 80, "not globally routable (benchmarking)"},
        policy_case{"192.0.0.8", 80, "not globally routable (ietf-protocol)"}, policy_case{"192.88.99.1", 80, ""},
        // The address rule is the one reported when both refuse.
        policy_case{"10.0.0.5", 22, "internal (RFC 1918)"}));

INSTANTIATE_TEST_SUITE_P(
    ipv6, default_policy,
    ::testing::Values(
        policy_case{"2606:4700::1111", 80, ""}, policy_case{"2606:4700::1111", 25, "port 25 not allowed"},
        policy_case{"::", 80, "unspecified"}, policy_case{"::1", 80, "loopback"},
        policy_case{"::ffff:127.0.0.1", 80, "loopback"}, policy_case{"::ffff:10.0.0.1", 80, "internal (RFC 1918)"},
        policy_case{"::ffff:169.254.169.254", 80, "cloud metadata"}, policy_case{"::ffff:8.8.8.8", 80, ""},
        policy_case{"fe80::1", 80, "link-local (metadata)"}, policy_case{"fe80::1%eth0", 80, "link-local (metadata)"},
        policy_case{"fc00::1", 80, "internal (unique-local)"},
        policy_case{"fd12:3456::1", 80, "internal (unique-local)"}, policy_case{"fd00:ec2::254", 80, "cloud metadata"},
        policy_case{"ff02::1", 80, "multicast"}, policy_case{"64:ff9b::7f00:1", 80, "loopback via NAT64"},
        policy_case{"64:ff9b::a00:5", 80, "internal (RFC 1918) via NAT64"},
        policy_case{"64:ff9b::a9fe:a9fe", 80, "cloud metadata via NAT64"}, policy_case{"64:ff9b::808:808", 80, ""},
        policy_case{"64:ff9b:1::1", 80, "internal (local-use NAT64)"},
        policy_case{"2001:db8::1", 80, "not globally routable (documentation)"},
        policy_case{"100::1", 80, "not globally routable (discard)"},
        // 6to4 and IPv4-compatible addresses are judged by the IPv4 address they carry.
        policy_case{"2002:808:808::1", 80, ""},
        policy_case{"2002:c000:201::1", 80, "not globally routable (documentation) via 6to4"},
        policy_case{"2002:a9fe:a9fe::", 80, "cloud metadata via 6to4"},
        policy_case{"2002:a00:1::", 80, "internal (RFC 1918) via 6to4"},
        policy_case{"::a00:1", 80, "internal (RFC 1918) via an IPv4-compatible address"},
        policy_case{"::808:808", 80, ""}, policy_case{"2001::1", 80, "a Teredo tunnel address"},
        policy_case{"2001:0:4136:e378:8000:63bf:3fff:fdd2", 80, "a Teredo tunnel address"}));

TEST(fetch_policy, not_an_address_is_refused) {
    EXPECT_EQ(judge("responder.example", 80).rule, "not an IP address");
    EXPECT_EQ(judge("", 80).rule, "not an IP address");
}

TEST(fetch_policy, says_which_option_lifts_a_rule) {
    EXPECT_EQ(judge("10.0.0.5", 80).lifted_by, "--fetch-allow-private or --fetch-allow");
    EXPECT_EQ(judge("127.0.0.1", 80).lifted_by, "--fetch-allow");
    EXPECT_EQ(judge("169.254.169.254", 80).lifted_by, "--fetch-allow");
    EXPECT_EQ(judge("8.8.8.8", 22).lifted_by, "--fetch-allow 8.8.8.8:22");
    EXPECT_EQ(judge("2606:4700::1111", 22).lifted_by, "--fetch-allow [2606:4700::1111]:22");
}

TEST(fetch_policy, scheme_default_port) {
    EXPECT_TRUE(judge_fetch({"h", "8.8.8.8", 443, "https"}, {}).allowed);
    EXPECT_TRUE(judge_fetch({"h", "8.8.8.8", 80, "HTTP"}, {}).allowed);
    EXPECT_FALSE(judge_fetch({"h", "8.8.8.8", 8443, "https"}, {}).allowed);
}

TEST(fetch_policy, allow_private_lifts_private_ranges_only) {
    fetch_policy p;
    p.allow_private = true;
    for (const char* a : {"10.0.0.5", "172.16.0.1", "192.168.1.1", "100.64.0.1", "fd12::1", "::ffff:10.0.0.1"})
        EXPECT_TRUE(judge(a, 80, p).allowed) << a;
    EXPECT_EQ(judge("127.0.0.1", 80, p).rule, "loopback");
    EXPECT_EQ(judge("169.254.1.1", 80, p).rule, "link-local (metadata)");
    for (const char* a : {"169.254.169.254", "100.100.100.200", "fd00:ec2::254"})
        EXPECT_EQ(judge(a, 80, p).rule, "cloud metadata") << a;
    EXPECT_EQ(judge("10.0.0.5", 22, p).rule, "port 22 not allowed");
}

TEST(fetch_policy, allowed_network_keeps_the_port_rule) {
    fetch_policy p;
    p.allow = {"127.0.0.0/8"};
    EXPECT_TRUE(judge("127.0.0.1", 80, p).allowed);
    EXPECT_TRUE(judge("127.9.9.9", 8080, p).allowed);
    EXPECT_TRUE(judge("::ffff:127.0.0.1", 80, p).allowed);
    EXPECT_EQ(judge("127.0.0.1", 22, p).rule, "port 22 not allowed");
    EXPECT_EQ(judge("127.0.0.1", 41234, p).rule, "port 41234 not allowed");
    EXPECT_EQ(judge("::1", 80, p).rule, "loopback");  // another family, another entry
    EXPECT_EQ(judge("10.0.0.1", 80, p).rule, "internal (RFC 1918)");
}

TEST(fetch_policy, entry_with_a_port_allows_that_port_only) {
    fetch_policy p;
    p.allow = {"127.0.0.1:41234", "[::1]:8888", "[fd00::/8]:9000"};
    EXPECT_TRUE(judge("127.0.0.1", 41234, p).allowed);
    EXPECT_EQ(judge("127.0.0.1", 80, p).rule, "loopback");
    EXPECT_EQ(judge("127.0.0.2", 41234, p).rule, "loopback");
    EXPECT_TRUE(judge("::1", 8888, p).allowed);
    EXPECT_EQ(judge("::1", 8889, p).rule, "loopback");
    EXPECT_TRUE(judge("fd00:1::5", 9000, p).allowed);
    EXPECT_EQ(judge("fd00:1::5", 80, p).rule, "internal (unique-local)");
}

TEST(fetch_policy, host_entry_matches_the_url_host_whatever_it_resolves_to) {
    fetch_policy p;
    p.allow = {"OCSP.corp.example.", "crl.corp.example:8888"};
    EXPECT_TRUE(judge("10.1.2.3", 80, p, "ocsp.CORP.example").allowed);
    EXPECT_TRUE(judge("10.1.2.3", 80, p, "ocsp.corp.example.").allowed);
    EXPECT_EQ(judge("10.1.2.3", 80, p, "other.corp.example").rule, "internal (RFC 1918)");
    EXPECT_EQ(judge("10.1.2.3", 22, p, "ocsp.corp.example").rule, "port 22 not allowed");
    EXPECT_TRUE(judge("10.1.2.4", 8888, p, "crl.corp.example").allowed);
}

TEST(fetch_policy, explicit_entry_reaches_metadata) {
    fetch_policy p;
    p.allow = {"169.254.169.254"};
    EXPECT_TRUE(judge("169.254.169.254", 80, p).allowed);
    EXPECT_EQ(judge("169.254.169.253", 80, p).rule, "link-local (metadata)");
}

TEST(fetch_policy, malformed_entries_match_nothing) {
    fetch_policy p;
    p.allow = {"127.0.0.0/33", "127.0.0.1:0"};
    EXPECT_EQ(judge("127.0.0.1", 80, p).rule, "loopback");
}

TEST(check_fetch_allow, valid_entries) {
    for (const char* entry :
         {"10.0.0.0/8", "127.0.0.1", "127.0.0.1:8080", "10.0.0.0/8:8888", "[::1]:443", "[::1]", "[fd00::/8]:80",
          "fd00::/8", "::1", "0.0.0.0/0", "ocsp.example.com", "ocsp.example.com:8080", "ocsp_1.example"})
        EXPECT_EQ(check_fetch_allow(entry), "") << entry;
}

TEST(check_fetch_allow, invalid_entries) {
    for (const char* entry :
         {"", "10.0.0.0/33", "::1/129", "10.0.0.0/", "10.0.0.0/x", "host:0", "host:65536", "host:abc", "host:", "[::1",
          "[::1]x", "[::1]:", "[foo]:80", "exa mple", "a/b", "http://x", "10.0.0.0/8/9"})
        EXPECT_NE(check_fetch_allow(entry), "") << entry;
}

TEST(in_network, families_and_prefixes) {
    const auto a = *parse_ip("10.1.2.3");
    EXPECT_TRUE(in_network(a, *parse_ip("10.0.0.0"), 8));
    EXPECT_TRUE(in_network(a, *parse_ip("0.0.0.0"), 0));
    EXPECT_FALSE(in_network(a, *parse_ip("10.1.2.4"), 32));
    EXPECT_FALSE(in_network(a, *parse_ip("::"), 0));
    EXPECT_FALSE(in_network(a, *parse_ip("10.0.0.0"), 33));
}

}  // namespace
}  // namespace tlsaudit::ip
