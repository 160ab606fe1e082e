// Every accepted line form, asserting each field of the targets it yields.

#include "test_support.hpp"

#include <ostream>

namespace tlsaudit::targets {
namespace {

struct expected_target {
    std::string host;
    std::uint16_t port;
    std::string sni;
    bool host_is_ip;
};

struct accepted_case {
    std::string name;
    std::string line;
    std::vector<expected_target> expected;
    std::vector<std::uint16_t> ports{443};
};

std::ostream& operator<<(std::ostream& os, const accepted_case& c) { return os << c.name; }

class accepted : public ::testing::TestWithParam<accepted_case> {};

TEST_P(accepted, yields_exact_targets) {
    const accepted_case& c = GetParam();
    parse_options opts;
    opts.ports = c.ports;
    const std::vector<item> items = parse_line(c.line, 7, opts);
    ASSERT_EQ(items.size(), c.expected.size()) << c.line;
    for (std::size_t i = 0; i < items.size(); ++i) {
        const auto* t = std::get_if<target>(&items[i]);
        ASSERT_NE(t, nullptr) << c.line << ": item " << i << " is not a target: "
                              << (std::holds_alternative<input_error>(items[i])
                                      ? std::get<input_error>(items[i]).message
                                      : std::string("end"));
        EXPECT_EQ(t->host, c.expected[i].host) << "item " << i;
        EXPECT_EQ(t->port, c.expected[i].port) << "item " << i;
        EXPECT_EQ(t->sni, c.expected[i].sni) << "item " << i;
        EXPECT_EQ(t->host_is_ip, c.expected[i].host_is_ip) << "item " << i;
        EXPECT_EQ(t->line_no, 7u);
    }
}

const std::string bucher = "xn--bcher-kva.example";

INSTANTIATE_TEST_SUITE_P(
    forms, accepted,
    ::testing::Values(
        accepted_case{"ipv4", "192.0.2.1", {{"192.0.2.1", 443, "", true}}},
        accepted_case{"ipv4_port", "192.0.2.1:8443", {{"192.0.2.1", 8443, "", true}}},
        accepted_case{"ipv6_bare", "2001:db8::1", {{"2001:db8::1", 443, "", true}}},
        accepted_case{"ipv6_bare_canonicalised", "2001:DB8:0:0:0:0:0:1", {{"2001:db8::1", 443, "", true}}},
        accepted_case{"ipv6_loopback", "::1", {{"::1", 443, "", true}}},
        accepted_case{"ipv6_bracketed", "[2001:db8::1]", {{"2001:db8::1", 443, "", true}}},
        accepted_case{"ipv6_bracketed_port", "[2001:db8:0::1]:8443", {{"2001:db8::1", 8443, "", true}}},
        accepted_case{"host", "example.com", {{"example.com", 443, "example.com", false}}},
        // Unicode spaces pasted from documents separate words as a space does.
        accepted_case{"no_break_space_before_an_option",
                      "192.0.2.1\xc2\xa0sni=a.example",
                      {{"192.0.2.1", 443, "a.example", true}}},
        accepted_case{
            "ideographic_space_after", "example.com:8443\xe3\x80\x80", {{"example.com", 8443, "example.com", false}}},
        accepted_case{"no_break_space_before_a_comment",
                      "example.com\xc2\xa0# comment",
                      {{"example.com", 443, "example.com", false}}},
        accepted_case{"ideographic_space_before_a_long_comment",
                      "example.com\xe3\x80\x80# " + std::string(5000, 'y'),
                      {{"example.com", 443, "example.com", false}}},
        accepted_case{"host_port", "example.com:8443", {{"example.com", 8443, "example.com", false}}},
        accepted_case{"host_port_leading_zero", "example.com:0443", {{"example.com", 443, "example.com", false}}},
        accepted_case{"port_65535", "example.com:65535", {{"example.com", 65535, "example.com", false}}},
        accepted_case{"port_1", "example.com:1", {{"example.com", 1, "example.com", false}}},
        accepted_case{"uppercase_host", "WWW.Example.COM", {{"www.example.com", 443, "www.example.com", false}}},
        accepted_case{"trailing_dot", "example.com.", {{"example.com", 443, "example.com", false}}},
        accepted_case{"trailing_dot_port", "Example.com.:8443", {{"example.com", 8443, "example.com", false}}},
        accepted_case{"idn", "bücher.example", {{bucher, 443, bucher, false}}},
        accepted_case{"idn_uppercase", "BÜCHER.Example", {{bucher, 443, bucher, false}}},
        accepted_case{"idn_nontransitional_sharp_s", "faß.de", {{"xn--fa-hia.de", 443, "xn--fa-hia.de", false}}},
        accepted_case{"idn_ideographic_full_stop", "bücher\u3002example", {{bucher, 443, bucher, false}}},
        accepted_case{"a_label_kept", "xn--bcher-kva.example", {{bucher, 443, bucher, false}}},
        accepted_case{"double_hyphen_ascii_label",
                      "r3---sn-abc.example",
                      {{"r3---sn-abc.example", 443, "r3---sn-abc.example", false}}},
        accepted_case{
            "underscore", "_acme.my_host.example", {{"_acme.my_host.example", 443, "_acme.my_host.example", false}}},
        accepted_case{"single_label", "localhost", {{"localhost", 443, "localhost", false}}},
        accepted_case{"label_63",
                      std::string(63, 'a') + ".example",
                      {{std::string(63, 'a') + ".example", 443, std::string(63, 'a') + ".example", false}}},
        accepted_case{"url", "https://example.com", {{"example.com", 443, "example.com", false}}},
        accepted_case{"url_slash", "https://example.com/", {{"example.com", 443, "example.com", false}}},
        accepted_case{"url_port_path_query",
                      "https://Example.com:8443/a/b?q=1&r=2#frag",
                      {{"example.com", 8443, "example.com", false}}},
        accepted_case{"url_query_only", "https://example.com?q=1", {{"example.com", 443, "example.com", false}}},
        accepted_case{"url_uppercase_scheme", "HTTPS://example.com", {{"example.com", 443, "example.com", false}}},
        accepted_case{"url_ipv6", "https://[2001:db8::1]:8443/x", {{"2001:db8::1", 8443, "", true}}},
        accepted_case{"url_ipv4", "https://192.0.2.1/", {{"192.0.2.1", 443, "", true}}},
        accepted_case{"url_idn", "https://bücher.example/", {{bucher, 443, bucher, false}}},
        accepted_case{"cidr_v4_30",
                      "192.0.2.0/30",
                      {{"192.0.2.0", 443, "", true},
                       {"192.0.2.1", 443, "", true},
                       {"192.0.2.2", 443, "", true},
                       {"192.0.2.3", 443, "", true}}},
        accepted_case{"cidr_v4_32", "192.0.2.7/32", {{"192.0.2.7", 443, "", true}}},
        accepted_case{
            "cidr_v4_port", "192.0.2.0/31:8443", {{"192.0.2.0", 8443, "", true}, {"192.0.2.1", 8443, "", true}}},
        accepted_case{
            "cidr_crosses_octet", "10.0.0.254/31", {{"10.0.0.254", 443, "", true}, {"10.0.0.255", 443, "", true}}},
        accepted_case{"cidr_v6_126",
                      "2001:db8::/126",
                      {{"2001:db8::", 443, "", true},
                       {"2001:db8::1", 443, "", true},
                       {"2001:db8::2", 443, "", true},
                       {"2001:db8::3", 443, "", true}}},
        accepted_case{
            "cidr_v6_port", "2001:db8::/127:8443", {{"2001:db8::", 8443, "", true}, {"2001:db8::1", 8443, "", true}}},
        accepted_case{"cidr_v6_bracketed_port",
                      "[2001:db8::]/127:8443",
                      {{"2001:db8::", 8443, "", true}, {"2001:db8::1", 8443, "", true}}},
        accepted_case{"cidr_v6_carry",
                      "2001:db8::fffe/127",
                      {{"2001:db8::fffe", 443, "", true}, {"2001:db8::ffff", 443, "", true}}},
        accepted_case{"ports_list",
                      "example.com",
                      {{"example.com", 443, "example.com", false}, {"example.com", 8443, "example.com", false}},
                      {443, 8443}},
        accepted_case{"ports_list_explicit_port_wins",
                      "example.com:9443",
                      {{"example.com", 9443, "example.com", false}},
                      {443, 8443}},
        accepted_case{"ports_list_cidr_address_major",
                      "192.0.2.0/31",
                      {{"192.0.2.0", 443, "", true},
                       {"192.0.2.0", 8443, "", true},
                       {"192.0.2.1", 443, "", true},
                       {"192.0.2.1", 8443, "", true}},
                      {443, 8443}},
        accepted_case{"sni_override", "example.com sni=Other.Example.", {{"example.com", 443, "other.example", false}}},
        accepted_case{"sni_override_idn", "192.0.2.1:8443 sni=bücher.example", {{"192.0.2.1", 8443, bucher, true}}},
        accepted_case{"sni_override_cidr",
                      "192.0.2.0/31 sni=a.example",
                      {{"192.0.2.0", 443, "a.example", true}, {"192.0.2.1", 443, "a.example", true}}},
        accepted_case{"sni_tab_separated", "example.com\tsni=a.example", {{"example.com", 443, "a.example", false}}},
        accepted_case{"trailing_comment", "example.com   # production", {{"example.com", 443, "example.com", false}}},
        accepted_case{
            "surrounding_whitespace_crlf", " \t example.com \r", {{"example.com", 443, "example.com", false}}},
        accepted_case{"bom",
                      "\xEF\xBB\xBF"
                      "example.com",
                      {{"example.com", 443, "example.com", false}}},
        accepted_case{"comment_line", "# just a comment", {}}, accepted_case{"indented_comment", "   # indented", {}},
        accepted_case{"blank", "", {}}, accepted_case{"whitespace_only", " \t \r", {}}),
    [](const ::testing::TestParamInfo<accepted_case>& case_info) { return case_info.param.name; });

TEST(accepted_fields, input_is_trimmed_line_with_comment) {
    const auto items = parse_line("  example.com sni=a.example  # note \r", 3, {});
    ASSERT_EQ(items.size(), 1u);
    const auto& t = std::get<target>(items[0]);
    EXPECT_EQ(t.input, "example.com sni=a.example  # note");
    EXPECT_EQ(t.line_no, 3u);
}

TEST(accepted_fields, key_distinguishes_sni) {
    const auto a = std::get<target>(parse_line("example.com", 1, {}).at(0));
    const auto b = std::get<target>(parse_line("example.com sni=b.example", 1, {}).at(0));
    EXPECT_NE(a.key(), b.key());
}

TEST(accepted_fields, largest_default_block_is_allowed) {
    parse_options opts;
    const auto items = parse_line("10.1.0.0/16", 1, opts);
    ASSERT_EQ(items.size(), 65536u);
    EXPECT_EQ(std::get<target>(items.front()).host, "10.1.0.0");
    EXPECT_EQ(std::get<target>(items.back()).host, "10.1.255.255");
}

}  // namespace
}  // namespace tlsaudit::targets
