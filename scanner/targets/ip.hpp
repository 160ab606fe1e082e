#pragma once
// IP literals: strict parsing (inet_pton) and canonical text (inet_ntop: dotted quad for
// IPv4, RFC 5952 compressed lower case for IPv6). Pure functions, thread-safe.

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace tlsaudit::targets::detail {

struct ip_address {
    bool v6 = false;
    std::array<unsigned char, 16> bytes{};  // network order; IPv4 uses the first 4

    std::size_t size() const { return v6 ? 16 : 4; }
    friend bool operator==(const ip_address&, const ip_address&) = default;
};

// Four decimal parts without leading zeros ("192.0.2.1"); "1.2.3", "010.0.0.1" and
// hexadecimal forms are refused, as inet_pton refuses them.
std::optional<ip_address> parse_ipv4(std::string_view text);

// Any RFC 4291 text form without brackets and without a zone ("fe80::1%eth0" is refused).
std::optional<ip_address> parse_ipv6(std::string_view text);

// parse_ipv4, else parse_ipv6.
std::optional<ip_address> parse_ip(std::string_view text);

std::string format_ip(const ip_address& address);

}  // namespace tlsaudit::targets::detail
