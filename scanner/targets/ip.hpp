#pragma once
// IP literals in target lines: the strict forms of ip/address.hpp (no zone, an IPv4-mapped
// address kept as written) and their canonical text. Pure functions, thread-safe.

#include "ip/address.hpp"

#include <optional>
#include <string_view>

namespace tlsaudit::targets::detail {

using ip::format_ip;
using ip::ip_address;
using ip::parse_ipv4;
using ip::parse_ipv6;

// parse_ipv4, else parse_ipv6.
inline std::optional<ip_address> parse_ip(std::string_view text) {
    if (auto v4 = parse_ipv4(text)) return v4;
    return parse_ipv6(text);
}

}  // namespace tlsaudit::targets::detail
