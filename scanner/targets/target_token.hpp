#pragma once
// The first word of a target line: host, host:port, [v6], [v6]:port, bare IP literal,
// https:// URL, or CIDR block. Pure, thread-safe, never throws on bad input.

#include "cidr.hpp"
#include "outcome.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tlsaudit::targets::detail {

struct target_spec {
    std::string host;  // normalised host name, or canonical IP literal
    bool host_is_ip = false;
    std::optional<std::uint16_t> port;
    std::optional<cidr_block> cidr;  // set for ADDR/LEN; host is then the network
    // Set by a URL: "" for https://, the protocol for a STARTTLS scheme. A URL that names
    // no port has its scheme's in `port` (443, or the protocol's well-known port).
    std::optional<std::string> starttls;
};

// Syntax decisions (see targets.hpp for the user-facing list):
//  - A bare literal with two or more ':' is an IPv6 address, never host:port; a port needs
//    brackets ("[2001:db8::1]:443").
//  - CIDR is ADDR/LEN with an optional :PORT after the length, for both families:
//    "192.0.2.0/28:8443", "2001:db8::/124:8443" (unambiguous: the port follows the '/'),
//    or with brackets "[2001:db8::]/124:8443".
//  - URLs: "https" or a STARTTLS scheme (any case, see targets.hpp); the authority ends at '/', '?' or '#'; path, query and
//    fragment are ignored; "user@" is refused (credentials do not belong in a target
//    list); an IPv6 host needs brackets; no CIDR.
outcome<target_spec> parse_target_token(std::string_view token, bool allow_large_cidr);

// Decimal 1..65535 (leading zeros accepted).
outcome<std::uint16_t> parse_port(std::string_view text);

}  // namespace tlsaudit::targets::detail
