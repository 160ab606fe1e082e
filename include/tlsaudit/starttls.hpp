#pragma once
// The STARTTLS protocols tlsaudit speaks before a TLS handshake, their names and their
// well-known ports. Plain data shared by the target parser, the scanner and the CLI.

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace tlsaudit::starttls {

struct protocol_info {
    std::string_view name;  // as written in target::starttls and after --starttls
    std::uint16_t port;     // well-known port (the URL scheme's default)
};

inline constexpr std::array<protocol_info, 7> protocols{{
    {"smtp", 25},
    {"imap", 143},
    {"pop3", 110},
    {"ftp", 21},
    {"xmpp", 5222},
    {"postgres", 5432},
    {"ldap", 389},
}};

// The protocol named `name` (lower case as listed; "postgresql" means "postgres"), or
// nullopt for any other name.
inline std::optional<protocol_info> find_protocol(std::string_view name) {
    if (name == "postgresql") name = "postgres";
    for (const auto& p : protocols)
        if (p.name == name) return p;
    return std::nullopt;
}

// `--starttls auto`: the protocol usually spoken on `port` (587, mail submission, is
// SMTP too); empty for every other port (direct TLS).
inline std::string_view protocol_for_port(std::uint16_t port) {
    if (port == 587) return "smtp";
    for (const auto& p : protocols)
        if (p.port == port) return p.name;
    return {};
}

}  // namespace tlsaudit::starttls
