#include "ip/address.hpp"
#include "text/ascii.hpp"

#include <tlsaudit/fetch_policy.hpp>

#include <algorithm>
#include <charconv>
#include <optional>

namespace tlsaudit::ip {
namespace {

struct allow_entry {
    std::string host;  // a host name entry; empty for an address or network
    ip_address network;
    unsigned prefix = 0;
    std::optional<std::uint16_t> port;
};

std::optional<unsigned> parse_number(std::string_view text, unsigned max) {
    unsigned value = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (text.empty() || ec != std::errc{} || ptr != end || value > max) return std::nullopt;
    return value;
}

bool is_host_name(std::string_view text) {
    if (text.empty() || text.size() > 253) return false;
    return std::all_of(text.begin(), text.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
               c == '_';
    });
}

std::string normal_host(std::string_view host) {
    while (!host.empty() && host.back() == '.') host.remove_suffix(1);
    return text::ascii_lower(host);
}

// "" on success; else why `text` is not an entry.
std::string parse_entry(std::string_view text, allow_entry& out) {
    std::string_view where = text;
    std::string_view port;
    if (!text.empty() && text.front() == '[') {
        const auto close = text.find(']');
        if (close == std::string_view::npos) return "missing ']'";
        where = text.substr(1, close - 1);
        const auto rest = text.substr(close + 1);
        if (!rest.empty()) {
            if (rest.front() != ':') return "expected ':PORT' after ']'";
            port = rest.substr(1);
            if (port.empty()) return "empty port";
        }
    } else if (std::count(text.begin(), text.end(), ':') == 1) {
        const auto colon = text.find(':');
        where = text.substr(0, colon);
        port = text.substr(colon + 1);
        if (port.empty()) return "empty port";
    }
    if (!port.empty()) {
        const auto number = parse_number(port, 65535);
        if (!number || *number == 0) return "port must be 1 to 65535";
        out.port = static_cast<std::uint16_t>(*number);
    }
    const auto slash = where.find('/');
    if (const auto address = parse_ip(where.substr(0, slash))) {
        out.network = *address;
        const unsigned bits = address->v6 ? 128 : 32;
        out.prefix = bits;
        if (slash != std::string_view::npos) {
            const auto prefix = parse_number(where.substr(slash + 1), bits);
            if (!prefix) return "prefix length must be 0 to " + std::to_string(bits);
            out.prefix = *prefix;
        }
        return {};
    }
    if (slash != std::string_view::npos) return "not an IP network";
    if (!text.empty() && text.front() == '[') return "not an IP address inside []";
    if (!is_host_name(where)) return "expected CIDR, IP or host name, with an optional :PORT";
    out.host = normal_host(where);
    if (out.host.empty()) return "empty host name";
    return {};
}

struct address_rule {
    std::string rule;
    bool private_range = false;  // lifted by --fetch-allow-private
};

// Refused by every policy that does not name them: the cloud instance metadata services
// (AWS, GCP, Azure, OpenStack 169.254.169.254; AWS ECS 169.254.170.2; AWS IPv6
// fd00:ec2::254; Alibaba 100.100.100.200, which sits inside RFC 6598 space).
bool is_metadata(const ip_address& a) {
    static const ip_address known[] = {*parse_ip("169.254.169.254"), *parse_ip("169.254.170.2"),
                                       *parse_ip("100.100.100.200"), *parse_ip("fd00:ec2::254")};
    return std::find(std::begin(known), std::end(known), a) != std::end(known);
}

std::optional<address_rule> rule_for(const ip_address& a) {
    if (is_metadata(a)) return address_rule{"cloud metadata"};
    const std::string_view kind = classify(a);
    if (kind.empty() || kind == "6to4-relay") return std::nullopt;
    if (kind == "loopback") return address_rule{"loopback"};
    if (kind == "link-local") return address_rule{"link-local (metadata)"};
    if (kind == "private") return address_rule{"internal (RFC 1918)", true};
    if (kind == "cgnat") return address_rule{"internal (RFC 6598)", true};
    if (kind == "unique-local") return address_rule{"internal (unique-local)", true};
    if (kind == "unspecified" || kind == "this-network") return address_rule{"unspecified"};
    if (kind == "multicast") return address_rule{"multicast"};
    if (kind == "broadcast") return address_rule{"broadcast"};
    // Addresses that carry an IPv4 destination a relay or translator reaches: judge that one
    // (2002:a9fe:a9fe:: is 169.254.169.254 behind a 6to4 relay).
    const auto embedded = [&](std::size_t at, std::string_view via) {
        ip_address v4;
        std::copy_n(a.bytes.begin() + static_cast<std::ptrdiff_t>(at), 4, v4.bytes.begin());
        auto rule = rule_for(v4);
        if (rule) rule->rule += " via " + std::string(via);
        return rule;
    };
    if (kind == "6to4") return embedded(2, "6to4");
    if (kind == "ipv4-compatible") return embedded(12, "an IPv4-compatible address");
    // Teredo hides its IPv4 ends (one of them obfuscated): no certificate's responder lives
    // behind one, and where it leads cannot be judged.
    if (kind == "teredo") return address_rule{"a Teredo tunnel address"};
    if (kind == "nat64") {
        // 64:ff9b::/96 embeds the IPv4 destination in the last 32 bits: judge that one.
        static const ip_address well_known = *parse_ip("64:ff9b::");
        if (!in_network(a, well_known, 96)) return address_rule{"internal (local-use NAT64)", true};
        return embedded(12, "NAT64");
    }
    // reserved, documentation, benchmarking, discard, ietf-protocol, orchid: no public
    // server lives there, so a certificate naming one points inside some network.
    return address_rule{"not globally routable (" + std::string(kind) + ")"};
}

bool default_port(std::uint16_t port, std::string_view scheme) {
    const std::uint16_t scheme_port = text::ascii_lower(scheme) == "https" ? 443 : 80;
    return port == scheme_port || port == 80 || port == 443 || port == 8080;
}

std::string with_port(std::string_view address, std::uint16_t port) {
    const bool v6 = address.find(':') != std::string_view::npos;
    return (v6 ? "[" + std::string(address) + "]" : std::string(address)) + ":" + std::to_string(port);
}

fetch_decision refuse(std::string rule, std::string lifted_by) {
    return {false, std::move(rule), std::move(lifted_by)};
}

}  // namespace

fetch_decision judge_fetch(const fetch_destination& d, const fetch_policy& policy) {
    const auto address = parse_ip(d.address);
    if (!address) return refuse("not an IP address", "");
    const std::string host = normal_host(d.host);
    bool address_allowed = false;
    bool port_allowed = false;
    for (const auto& text : policy.allow) {
        allow_entry entry;
        if (!parse_entry(text, entry).empty()) continue;
        const bool match = entry.host.empty() ? in_network(*address, entry.network, entry.prefix) : entry.host == host;
        if (!match || (entry.port && *entry.port != d.port)) continue;
        address_allowed = true;
        port_allowed = port_allowed || entry.port.has_value();
    }
    if (!address_allowed) {
        if (auto rule = rule_for(*address); rule && !(rule->private_range && policy.allow_private))
            return refuse(std::move(rule->rule),
                          rule->private_range ? "--fetch-allow-private or --fetch-allow" : "--fetch-allow");
    }
    if (!port_allowed && !default_port(d.port, d.scheme))
        return refuse("port " + std::to_string(d.port) + " not allowed",
                      "--fetch-allow " + with_port(d.address, d.port));
    return {true, {}, {}};
}

std::string check_fetch_allow(std::string_view entry) {
    allow_entry parsed;
    if (entry.empty()) return "empty --fetch-allow entry";
    return parse_entry(entry, parsed);
}
}  // namespace tlsaudit::ip
