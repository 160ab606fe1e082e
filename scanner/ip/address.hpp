#pragma once
// IP address text <-> bytes and the RFC 6890 special-purpose class of an address. Shared
// by targets (IP literals in target lines), net (the --resolver address), geo (address
// classes in records) and revocation (the fetch destination policy).
// Private to the build (included as "ip/address.hpp"). Pure functions, thread-safe.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tlsaudit::ip {

struct ip_address {
    bool v6 = false;
    std::array<std::uint8_t, 16> bytes{};  // network order; IPv4: the first 4 bytes

    std::size_t size() const { return v6 ? 16 : 4; }
    // Cache key: family and the bytes that matter.
    bool operator==(const ip_address&) const = default;
};

// Parses IPv4 dotted-quad or IPv6 text (a zone "%eth0" is ignored). An IPv4-mapped
// IPv6 address (::ffff:a.b.c.d) becomes the IPv4 address: a connection to it reaches
// the IPv4 host, so it must be judged as one. nullopt: not an address.
std::optional<ip_address> parse_ip(std::string_view text);

// Strict forms, as a target line is read: four decimal parts without leading zeros
// ("1.2.3", "010.0.0.1" and hexadecimal forms are refused, as inet_pton refuses them); any
// RFC 4291 text without brackets or zone, an IPv4-mapped address kept as IPv6.
std::optional<ip_address> parse_ipv4(std::string_view text);
std::optional<ip_address> parse_ipv6(std::string_view text);

// Canonical text: dotted quad, or RFC 5952 compressed lower-case IPv6.
std::string format_ip(const ip_address& address);

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
