// Every kind of malformed line: one input_error with the line number, the trimmed line
// and a message that says what is wrong.

#include "test_support.hpp"

#include <ostream>

namespace tlsaudit::targets {
namespace {

struct malformed_case {
    std::string name;
    std::string line;
    std::string message_part;
};

std::ostream& operator<<(std::ostream& os, const malformed_case& c) { return os << c.name; }

class malformed : public ::testing::TestWithParam<malformed_case> {};

TEST_P(malformed, yields_one_precise_error) {
    const malformed_case& c = GetParam();
    const std::vector<item> items = parse_line(c.line, 12, {});
    ASSERT_EQ(items.size(), 1u);
    const auto* e = std::get_if<input_error>(&items[0]);
    ASSERT_NE(e, nullptr) << "accepted: " << std::get<target>(items[0]).host;
    EXPECT_EQ(e->line_no, 12u);
    EXPECT_NE(e->message.find(c.message_part), std::string::npos) << "message: " << e->message;
    EXPECT_LE(e->input.size(), 256u);
}

const std::string long_label(64, 'a');

INSTANTIATE_TEST_SUITE_P(
    kinds, malformed,
    ::testing::Values(
        malformed_case{"port_zero", "host.example:0", "port '0' is out of range (1-65535)"},
        malformed_case{"port_65536", "host.example:65536", "port '65536' is out of range (1-65535)"},
        malformed_case{"port_huge", "host.example:99999999999999999999", "out of range"},
        malformed_case{"port_not_numeric", "host.example:abc", "port 'abc' is not a number"},
        malformed_case{"port_negative", "host.example:-1", "is not a number"},
        malformed_case{"port_missing", "host.example:", "missing port after ':'"},
        malformed_case{"port_missing_v6", "[::1]:", "missing port"},
        malformed_case{"port_zero_v6", "[::1]:0", "out of range"},
        malformed_case{"port_zero_url", "https://example.com:0/", "out of range"},
        malformed_case{"port_zero_cidr", "192.0.2.0/30:0", "out of range"},
        malformed_case{"missing_host", ":443", "missing host"},
        malformed_case{"bracket_unclosed", "[::1", "missing ']'"},
        malformed_case{"bracket_not_v6", "[192.0.2.1]:443", "is not an IPv6 address"},
        malformed_case{"bracket_garbage_after", "[::1]x", "unexpected 'x' after ']'"},
        malformed_case{"zone_id", "fe80::1%eth0", "zone identifiers are not supported"},
        malformed_case{"bad_ipv6", "2001:db8::zz", "not a valid IPv6 address"},
        malformed_case{"v6_with_port_unbracketed", "2001:db8:::443", "not a valid IPv6 address"},
        malformed_case{"loopback_v6_with_port_unbracketed", "::1:8443",
                       "'::1:8443' is the IPv4-compatible address ::0.1.132.67 (deprecated by RFC 4291, never routed); "
                       "a bare IPv6 literal carries no port: write [::1]:8443 for that port"},
        malformed_case{"ipv4_compatible", "::192.0.2.1", "'::192.0.2.1' is an IPv4-compatible address (deprecated"},
        malformed_case{"ipv4_compatible_no_port_reading", "::2",
                       "'::2' is an IPv4-compatible address (deprecated by RFC 4291, never routed)"},
        malformed_case{"name_two_ports", "host.example:443:8443",
                       "'host.example:443:8443' holds more than one ':': a host takes one port (host:port)"},
        malformed_case{"ipv4_two_ports", "192.0.2.1:443:8443", "holds more than one ':'"},
        malformed_case{"url_two_ports", "https://a:443:443/",
                       "'a:443:443' holds more than one ':': a host takes one port (host:port), and an IPv6 "
                       "address in a URL goes in brackets: https://[addr]:port/"},
        malformed_case{"url_without_slashes", "https:a.example",
                       "'https:a.example' reads as a URL without '//' after its scheme: write https://a.example"},
        malformed_case{"starttls_url_without_slashes", "SMTP:mail.example", "write SMTP://mail.example"},
        malformed_case{"bad_ipv4", "192.0.2.256", "neither a valid IPv4 address nor a host name"},
        malformed_case{"short_ipv4", "192.0.2", "neither a valid IPv4 address"},
        malformed_case{"numeric_only", "443", "numeric"},
        malformed_case{"http_scheme", "http://x", "URL scheme 'http' is not supported"},
        malformed_case{"gopher_scheme", "gopher://x", "URL scheme 'gopher' is not supported"},
        malformed_case{"ldaps_scheme", "ldaps://x", "URL scheme 'ldaps' is not supported"},
        malformed_case{"bad_scheme", "1x://x", "invalid URL scheme"},
        malformed_case{"url_userinfo", "https://user:pw@example.com/", "user information"},
        malformed_case{"url_no_host", "https:///path", "URL has no host"},
        malformed_case{"url_unbracketed_v6", "https://2001:db8::1/", "must be in brackets"},
        malformed_case{"empty_label", "a..b", "empty label"},
        malformed_case{"leading_dot", ".example.com", "empty label"},
        malformed_case{"two_trailing_dots", "example.com..", "empty label"},
        malformed_case{"label_64", long_label + ".example", "is 64 bytes long; the limit is 63"},
        malformed_case{"name_254",
                       std::string(50, 'a') + "." + std::string(50, 'b') + "." + std::string(50, 'c') + "." +
                           std::string(50, 'd') + "." + std::string(51, 'e'),
                       "is 255 bytes long; the limit is 253"},
        malformed_case{"leading_hyphen", "-a.example", "hyphen"},
        malformed_case{"trailing_hyphen", "a-.example", "hyphen"},
        malformed_case{"bad_char", "exa$mple.com", "invalid character '$'"},
        malformed_case{"glued_hash", "example.com#frag", "invalid character '#'"},
        malformed_case{"idn_disallowed", "\u2603.example", "IDNA"},
        malformed_case{"idn_contextj", "a\u200db\u00fc.example", "IDNA"},
        malformed_case{"nul_byte", std::string("example.com\0x", 13), "NUL byte at offset 11"},
        malformed_case{"long_line", std::string(100 * 1024, 'a'), "line is 102400 bytes long; the limit is 4096"},
        malformed_case{"invalid_utf8",
                       "\xff"
                       "bad.example",
                       "not valid UTF-8 (byte \\xff at offset 0)"},
        malformed_case{"overlong_utf8", "ex\xc0\xafmple.com", "not valid UTF-8"},
        malformed_case{"surrogate_utf8", "ex\xed\xa0\x80.com", "not valid UTF-8"},
        malformed_case{"truncated_utf8", "example.com \xc3", "not valid UTF-8"},
        malformed_case{"unknown_option", "example.com unknown=opt", "unknown option 'unknown'"},
        malformed_case{"option_first", "unknown=opt", "the target comes first"},
        malformed_case{"option_without_value", "example.com extra", "options are key=value"},
        malformed_case{"sni_empty", "example.com sni=", "sni= needs a host name"},
        malformed_case{"sni_ipv4", "example.com sni=192.0.2.1", "not an IP address"},
        malformed_case{"sni_ipv6", "example.com sni=2001:db8::1", "not an IP address"},
        malformed_case{"sni_bracketed", "example.com sni=[::1]", "not an IP address"},
        malformed_case{"sni_invalid", "example.com sni=a..b", "invalid sni= name: empty label"},
        malformed_case{"sni_twice", "example.com sni=a.example sni=b.example", "more than once"},
        malformed_case{"cr_only_line_ends", "a.example\rb.example\rc.example", "carriage return at offset 9"},
        malformed_case{"cr_only_after_a_comment", "# list\ra.example", "CR-only line ends"},
        malformed_case{"unspecified_v4", "0.0.0.0", "'0.0.0.0' is the unspecified address: it names no host"},
        malformed_case{"unspecified_v4_port", "0.0.0.0:443", "is the unspecified address"},
        malformed_case{"unspecified_v6", "::", "'::' is the unspecified address"},
        malformed_case{"unspecified_v6_bracketed", "[::]:443", "'::' is the unspecified address"},
        malformed_case{"unspecified_url", "https://0.0.0.0/", "is the unspecified address"},
        malformed_case{"cidr_host_bits", "192.0.2.5/24", "has host bits set; the network is 192.0.2.0/24"},
        malformed_case{"cidr_v6_host_bits", "2001:db8::1/64", "the network is 2001:db8::/64"},
        malformed_case{"cidr_prefix_too_long", "192.0.2.0/33", "not a number from 0 to 32"},
        malformed_case{"cidr_v6_prefix_too_long", "2001:db8::/129", "not a number from 0 to 128"},
        malformed_case{"cidr_prefix_missing", "192.0.2.0/", "missing prefix length"},
        malformed_case{"cidr_prefix_garbage", "192.0.2.0/2x", "not a number"},
        malformed_case{"cidr_not_ip", "example.com/24", "'example.com' is not an IP address"},
        malformed_case{"path_without_scheme", "example.com/index.html", "a URL needs https://"},
        malformed_case{"cidr_v4_15", "10.0.0.0/15", "holds 131072 addresses"},
        malformed_case{"cidr_v4_0", "0.0.0.0/0", "holds 4294967296 addresses"},
        malformed_case{"cidr_v6_111", "2001:db8::/111", "holds 131072 addresses"},
        malformed_case{"cidr_v6_64", "2001:db8::/64", "holds 2^64 addresses"}),
    [](const ::testing::TestParamInfo<malformed_case>& case_info) { return case_info.param.name; });

TEST(malformed_fields, input_is_trimmed_line) {
    const auto items = parse_line("  host.example:0  # c\r", 4, {});
    const auto& e = std::get<input_error>(items.at(0));
    EXPECT_EQ(e.input, "host.example:0  # c");
    EXPECT_EQ(e.line_no, 4u);
}

TEST(malformed_fields, long_line_input_is_cut_to_256_bytes) {
    const auto items = parse_line(std::string(100 * 1024, 'a'), 1, {});
    const auto& e = std::get<input_error>(items.at(0));
    EXPECT_EQ(e.input, std::string(256, 'a'));
}

TEST(malformed_fields, long_line_cut_keeps_utf8_whole) {
    std::string line;
    while (line.size() < 5000) line += "\u00fc";  // two bytes each
    const auto items = parse_line(line, 1, {});
    const auto& e = std::get<input_error>(items.at(0));
    EXPECT_EQ(e.input.size(), 256u);
    EXPECT_EQ(e.input.substr(0, 4), "\u00fc\u00fc");
}

TEST(malformed_fields, input_escapes_control_and_invalid_bytes) {
    const auto items = parse_line(std::string("\x1b[31mx\0\xff", 8), 1, {});
    const auto& e = std::get<input_error>(items.at(0));
    EXPECT_EQ(e.input, "\\x1b[31mx\\x00\\xff");
}

TEST(malformed_fields, url_with_cidr_like_path_is_a_host) {
    // The authority ends at '/', so "/64" is a path: the URL names the address itself.
    const auto items = parse_line("https://[2001:db8::]/64", 1, {});
    ASSERT_EQ(items.size(), 1u);
    EXPECT_EQ(std::get<target>(items[0]).host, "2001:db8::");
}

TEST(malformed_fields, bad_parse_options_throw) {
    parse_options no_ports;
    no_ports.ports.clear();
    EXPECT_THROW(parse_line("example.com", 1, no_ports), std::invalid_argument);
    parse_options port_zero;
    port_zero.ports = {443, 0};
    EXPECT_THROW(parse_line("example.com", 1, port_zero), std::invalid_argument);
}

}  // namespace
}  // namespace tlsaudit::targets
