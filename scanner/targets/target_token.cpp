#include "target_token.hpp"

#include "hostname.hpp"
#include "text.hpp"

#include <tlsaudit/starttls.hpp>

#include <algorithm>
#include <utility>

namespace tlsaudit::targets::detail {

namespace {

constexpr std::string_view scheme_separator = "://";

enum class context { line, url };

outcome<target_spec> with_port(target_spec spec, std::string_view port_text) {
    auto port = parse_port(port_text);
    if (auto* f = std::get_if<failure>(&port)) return std::move(*f);
    spec.port = std::get<std::uint16_t>(port);
    return spec;
}

target_spec ip_spec(const ip_address& address) {
    return target_spec{format_ip(address), true, std::nullopt, std::nullopt, std::nullopt};
}

// 0.0.0.0 and :: name no host: a connection to them reaches this machine, so a record of
// "0.0.0.0" (a listen address pasted from a server's configuration) would describe the
// scanner's own host.
bool unspecified(const ip_address& a) {
    return std::all_of(a.bytes.begin(), a.bytes.begin() + static_cast<long>(a.size()),
                       [](unsigned char b) { return b == 0; });
}

failure refuse_unspecified(const ip_address& a) {
    return failure{quote(format_ip(a)) +
                   " is the unspecified address: it names no host (a connection to it reaches this machine)"};
}

// "LEN" or "LEN:PORT" after the '/' of a CIDR block.
outcome<target_spec> cidr_spec(const ip_address& network, std::string_view after_slash, bool allow_large) {
    const std::size_t colon = after_slash.find(':');
    auto block = make_cidr(network, after_slash.substr(0, colon), allow_large);
    if (auto* f = std::get_if<failure>(&block)) return std::move(*f);
    target_spec spec{format_ip(network), true, std::nullopt, std::get<cidr_block>(block), std::nullopt};
    if (colon == std::string_view::npos) return spec;
    return with_port(std::move(spec), after_slash.substr(colon + 1));
}

outcome<target_spec> bracketed(std::string_view text, context where, bool allow_large) {
    const std::size_t close = text.find(']');
    if (close == std::string_view::npos) return failure{"missing ']' after bracketed IPv6 address " + quote(text)};
    const std::string_view inside = text.substr(1, close - 1);
    if (inside.find('%') != std::string_view::npos) {
        return failure{"IPv6 zone identifiers are not supported: " + quote(inside)};
    }
    const auto address = parse_ipv6(inside);
    if (!address) return failure{quote(inside) + " is not an IPv6 address"};

    const std::string_view after = text.substr(close + 1);
    const bool block = !after.empty() && after.front() == '/';
    if (!block && unspecified(*address)) return refuse_unspecified(*address);
    if (after.empty()) return ip_spec(*address);
    if (after.front() == ':') return with_port(ip_spec(*address), after.substr(1));
    if (after.front() == '/' && where == context::line) return cidr_spec(*address, after.substr(1), allow_large);
    return failure{"unexpected " + quote(after) + " after ']'"};
}

// ::/96 but :: and ::1: IPv4-compatible addresses, deprecated by RFC 4291 and never routed.
// "::1:8443" is one of them (::0.1.132.67): almost certainly port 8443 of ::1.
bool ipv4_compatible(const ip_address& a) { return ip::classify(a) == "ipv4-compatible"; }

failure refuse_ipv4_compatible(std::string_view text, const ip_address& address) {
    const std::string formatted = format_ip(address);
    std::string message =
        quote(text) +
        (formatted == text ? " is an IPv4-compatible address" : " is the IPv4-compatible address " + formatted) +
        " (deprecated by RFC 4291, never routed)";
    // Only a text that reads as address:port gets the advice; "::2" has no such reading.
    const std::size_t last = text.rfind(':');
    const auto prefix = parse_ipv6(text.substr(0, last));
    const auto port = parse_port(text.substr(last + 1));
    if (prefix && std::holds_alternative<std::uint16_t>(port))
        return failure{message + "; a bare IPv6 literal carries no port: write [" + format_ip(*prefix) +
                       "]:" + std::string(text.substr(last + 1)) + " for that port"};
    return failure{std::move(message)};
}

// "name:443:8443": a host name or IPv4 address before the first of several ':' is not the
// start of an IPv6 address (those are hex digits), so the text is a host with two ports.
bool host_before_colons(std::string_view text) {
    const std::string_view first = text.substr(0, text.find(':'));
    return !first.empty() && first.find_first_not_of("0123456789abcdefABCDEF") != std::string_view::npos;
}

failure too_many_colons(std::string_view text, context where) {
    return failure{quote(text) + " holds more than one ':': a host takes one port (host:port), and an IPv6 " +
                   (where == context::url ? "address in a URL goes in brackets: https://[addr]:port/"
                                          : "address with a port goes in brackets: [addr]:port")};
}

// The URL schemes a target may have: https, or a STARTTLS protocol's (lower case).
bool supported_scheme(const std::string& lower) { return lower == "https" || starttls::find_protocol(lower); }

// "https:a.example": a scheme name before one ':' is a URL that lost its "//".
bool names_a_scheme(std::string_view host) { return supported_scheme(to_lower_ascii(host)); }

outcome<target_spec> host_spec(std::string_view host) {
    if (host.empty()) return failure{"missing host"};
    if (const auto v4 = parse_ipv4(host)) {
        if (unspecified(*v4)) return refuse_unspecified(*v4);
        return ip_spec(*v4);
    }
    auto name = normalise_hostname(host);
    if (auto* f = std::get_if<failure>(&name)) return std::move(*f);
    return target_spec{std::move(std::get<std::string>(name)), false, std::nullopt, std::nullopt, std::nullopt};
}

outcome<target_spec> authority(std::string_view text, context where, bool allow_large) {
    if (text.empty()) return failure{"missing host"};
    if (text.front() == '[') return bracketed(text, where, allow_large);

    if (const std::size_t slash = text.find('/'); slash != std::string_view::npos) {
        const std::string_view address_text = text.substr(0, slash);
        const auto address = parse_ip(address_text);
        if (!address) {
            return failure{quote(text) + " is not a CIDR block: " + quote(address_text) +
                           " is not an IP address (a URL needs https://)"};
        }
        return cidr_spec(*address, text.substr(slash + 1), allow_large);
    }

    const auto colons = std::count(text.begin(), text.end(), ':');
    if (colons >= 2) {
        if (host_before_colons(text)) return too_many_colons(text, where);
        if (text.find('%') != std::string_view::npos) {
            return failure{"IPv6 zone identifiers are not supported: " + quote(text)};
        }
        const auto address = parse_ipv6(text);
        if (where == context::url) {
            if (!address) return too_many_colons(text, where);
            return failure{"an IPv6 address in a URL must be in brackets: https://[addr]:port/"};
        }
        if (!address) {
            return failure{quote(text) + " is not a valid IPv6 address (write [addr]:port to give a port)"};
        }
        if (ipv4_compatible(*address)) return refuse_ipv4_compatible(text, *address);
        if (unspecified(*address)) return refuse_unspecified(*address);
        return ip_spec(*address);
    }
    if (colons == 1) {
        const std::size_t colon = text.find(':');
        auto spec = host_spec(text.substr(0, colon));
        if (auto* f = std::get_if<failure>(&spec)) return std::move(*f);
        auto with = with_port(std::move(std::get<target_spec>(spec)), text.substr(colon + 1));
        if (std::holds_alternative<failure>(with) && where == context::line && colon + 1 < text.size() &&
            names_a_scheme(text.substr(0, colon)))
            return failure{quote(text) + " reads as a URL without '//' after its scheme: write " +
                           std::string(text.substr(0, colon)) + "://" + std::string(text.substr(colon + 1))};
        return with;
    }
    return host_spec(text);
}

bool is_scheme(std::string_view scheme) {
    const auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
    if (scheme.empty() || !alpha(scheme.front())) return false;
    return std::all_of(scheme.begin(), scheme.end(),
                       [&](char c) { return alpha(c) || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'; });
}

outcome<target_spec> url(std::string_view token, std::size_t separator) {
    const std::string_view scheme = token.substr(0, separator);
    if (!is_scheme(scheme)) return failure{"invalid URL scheme " + quote(scheme)};
    const std::string lower = to_lower_ascii(scheme);
    const auto scheme_protocol = starttls::find_protocol(lower);
    if (!supported_scheme(lower)) {
        return failure{"URL scheme " + quote(lower) +
                       " is not supported (https, smtp, imap, pop3, ftp, xmpp, postgres, ldap are)"};
    }
    const std::string_view rest = token.substr(separator + scheme_separator.size());
    const std::string_view host_port = rest.substr(0, rest.find_first_of("/?#"));
    if (host_port.find('@') != std::string_view::npos) {
        return failure{"user information ('user@') is not allowed in a URL"};
    }
    if (host_port.empty()) return failure{"URL has no host"};
    auto spec = authority(host_port, context::url, false);
    if (auto* s = std::get_if<target_spec>(&spec)) {
        s->starttls = scheme_protocol ? std::string(scheme_protocol->name) : std::string();
        // A URL without a port names its scheme's: 443, or the STARTTLS protocol's (not --port).
        if (!s->port) s->port = scheme_protocol ? scheme_protocol->port : std::uint16_t{443};
    }
    return spec;
}

}  // namespace

outcome<std::uint16_t> parse_port(std::string_view text) {
    if (text.empty()) return failure{"missing port after ':'"};
    if (text.find_first_not_of("0123456789") != std::string_view::npos) {
        return failure{"port " + quote(text) + " is not a number"};
    }
    const std::string_view digits = text.substr(std::min(text.find_first_not_of('0'), text.size()));
    unsigned long value = 0;
    for (const char c : digits.substr(0, 6)) value = value * 10 + static_cast<unsigned long>(c - '0');
    if (digits.size() > 5 || value == 0 || value > 65535) {
        return failure{"port " + quote(text) + " is out of range (1-65535)"};
    }
    return static_cast<std::uint16_t>(value);
}

outcome<target_spec> parse_target_token(std::string_view token, bool allow_large_cidr) {
    if (const std::size_t separator = token.find(scheme_separator); separator != std::string_view::npos) {
        return url(token, separator);
    }
    return authority(token, context::line, allow_large_cidr);
}

}  // namespace tlsaudit::targets::detail
