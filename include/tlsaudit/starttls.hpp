#pragma once
// The STARTTLS protocols tlsaudit speaks before a TLS handshake, their names and their
// well-known ports. Plain data shared by the target parser, the scanner and the CLI.

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace tlsaudit::starttls {

struct protocol_info {
    std::string_view name;      // as written in target::starttls and after --starttls
    std::uint16_t port;         // well-known port (the URL scheme's default)
    std::uint16_t tls_port;     // the protocol's port of TLS from the first byte; 0: none
    std::string_view tls_name;  // what that service is called ("SMTPS")
};

inline constexpr std::array<protocol_info, 7> protocols{{
    {"smtp", 25, 465, "SMTPS"},
    {"imap", 143, 993, "IMAPS"},
    {"pop3", 110, 995, "POP3S"},
    {"ftp", 21, 990, "FTPS"},
    {"xmpp", 5222, 5223, "XMPP over TLS"},
    {"postgres", 5432, 0, ""},
    {"ldap", 389, 636, "LDAPS"},
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
