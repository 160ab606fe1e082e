#pragma once
// CIDR blocks: parsing with size limits, and walking their addresses in order.
// Pure functions, thread-safe.

#include "ip.hpp"
#include "outcome.hpp"

#include <string_view>

namespace tlsaudit::targets::detail {

// Largest block expanded without parse_options::allow_large_cidr: a /16 for IPv4, the
// same number of addresses (a /112) for IPv6.
inline constexpr unsigned max_small_block_host_bits = 16;

struct cidr_block {
    ip_address network;
    unsigned prefix = 0;

    // First and last address of the block. Every address is scanned, the IPv4 network
    // and broadcast addresses included: a TLS service can sit on any of them (routed
    // /31 and /32 blocks have no broadcast at all), and skipping is the caller's choice.
    ip_address first() const { return network; }
    ip_address last() const;
};

// `prefix_text` is the decimal length after '/'. Refuses: a missing or non-numeric
// length, a length beyond 32/128, host bits set in `network` (192.0.2.5/24 is refused
// with the network it probably meant, rather than silently widened to 256 hosts), and
// blocks above the limit above unless `allow_large`.
outcome<cidr_block> make_cidr(const ip_address& network, std::string_view prefix_text, bool allow_large);

// Steps `address` to the next one in numeric order. Returns false when `address` was the
// last of its family (it then wraps to all zeros); expansion never steps past a block.
bool increment(ip_address& address);

}  // namespace tlsaudit::targets::detail
