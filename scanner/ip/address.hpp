#pragma once
// IP address text -> bytes and the RFC 6890 special-purpose class of an address. Shared
// by geo (address classes in records) and revocation (the fetch destination policy).
// Private to the build (included as "ip/address.hpp"). Pure functions, thread-safe.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace tlsaudit::ip {

struct ip_address {
    bool v6 = false;
    std::array<std::uint8_t, 16> bytes{};  // IPv4: the first 4 bytes

    // Cache key: family and the bytes that matter.
    bool operator==(const ip_address&) const = default;
};

// Parses IPv4 dotted-quad or IPv6 text (a zone "%eth0" is ignored). An IPv4-mapped
// IPv6 address (::ffff:a.b.c.d) becomes the IPv4 address: a connection to it reaches
// the IPv4 host, so it must be judged as one. nullopt: not an address.
std::optional<ip_address> parse_ip(std::string_view text);

// The special-purpose class ("loopback", "private", "link-local", "unique-local",
// "cgnat", "nat64", ...; the list in docs/geoip.md); "" for a global address.
std::string_view classify(const ip_address& address);

// Whether `address` lies in network/prefix (same family; prefix in bits, at most 32 for
// IPv4 and 128 for IPv6).
bool in_network(const ip_address& address, const ip_address& network, unsigned prefix);

struct ip_address_hash {
    std::size_t operator()(const ip_address& a) const noexcept;
};

}  // namespace tlsaudit::ip
