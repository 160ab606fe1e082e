#pragma once
// IP address text -> bytes, and the special-purpose class of an address (internal).

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include <sys/socket.h>

namespace tlsaudit::geo::detail {

struct ip_address {
    bool v6 = false;
    std::array<std::uint8_t, 16> bytes{};  // IPv4: the first 4 bytes

    // Cache key: family and the bytes that matter.
    bool operator==(const ip_address&) const = default;
};

// Parses IPv4 dotted-quad or IPv6 text (a zone "%eth0" is ignored). An IPv4-mapped
// IPv6 address (::ffff:a.b.c.d) becomes the IPv4 address. nullopt: not an address.
std::optional<ip_address> parse_ip(std::string_view text);

// The address as a sockaddr for MMDB_lookup_sockaddr.
sockaddr_storage to_sockaddr(const ip_address& address);

// The class per geo::special_purpose_class; "" for a global address.
std::string_view classify(const ip_address& address);

struct ip_address_hash {
    std::size_t operator()(const ip_address& a) const noexcept;
};

}  // namespace tlsaudit::geo::detail
