#pragma once
// Where an endpoint's address is, and whose network it is on (scanner/geo fills it in;
// report/ reads it). Plain data; every member has a default initializer (designated
// initializers). The strings come from local MaxMind DB files, never from the scanned
// server; writers still make them valid UTF-8 like every other string.

#include <cstdint>
#include <optional>
#include <string>

namespace tlsaudit {

struct geo_info {
    // ISO 3166-1 alpha-2 country code in upper case ("DE"); empty: no country database
    // in use, or the address is not in it.
    std::string country{};
    // Autonomous system number and its organisation; nullopt / empty: not known.
    std::optional<std::uint32_t> asn{};
    std::string organisation{};
    // Special-purpose class of the address per the IANA registries of RFC 6890
    // ("loopback", "private", "link-local", "documentation", "cgnat", "multicast",
    // "unique-local", ...; see geo::special_purpose_class); empty for a global address.
    // Set whether or not a database covers the address, so an address no database
    // knows is still labelled.
    std::string address_class{};

    // True when a database knew something about the address.
    bool covered() const { return !country.empty() || asn.has_value() || !organisation.empty(); }

    bool operator==(const geo_info&) const = default;
};

}  // namespace tlsaudit
