#include "errors.hpp"

#include "tls_constants.hpp"

#include <fmt/format.h>

#include <array>
#include <utility>

namespace tlsaudit::capture_engine::detail {
namespace {

// SSL_alert_desc_string_long() of OpenSSL 3.0, code for code (a test holds them equal).
constexpr std::array<std::pair<std::uint8_t, std::string_view>, 31> alert_names{{
    {0, "close notify"},
    {10, "unexpected_message"},
    {20, "bad record mac"},
    {21, "decryption failed"},
    {22, "record overflow"},
    {30, "decompression failure"},
    {40, "handshake failure"},
    {41, "no certificate"},
    {42, "bad certificate"},
    {43, "unsupported certificate"},
    {44, "certificate revoked"},
    {45, "certificate expired"},
    {46, "certificate unknown"},
    {47, "illegal parameter"},
    {48, "unknown CA"},
    {49, "access denied"},
    {50, "decode error"},
    {51, "decrypt error"},
    {60, "export restriction"},
    {70, "protocol version"},
    {71, "insufficient security"},
    {80, "internal error"},
    {90, "user canceled"},
    {100, "no renegotiation"},
    {110, "unsupported extension"},
    {111, "certificate unobtainable"},
    {112, "unrecognized name"},
    {113, "bad certificate status response"},
    {114, "bad certificate hash value"},
    {115, "unknown PSK identity"},
    {120, "no application protocol"},
}};

struct known {
    std::string_view prefix, hint;
};

// What the first bytes of a server that speaks first in plain text say it is: a hint for the
// operator who scanned a mail or HTTP port as direct TLS (null when they say nothing known).
const known* plaintext_hint(std::string_view first) {
    static constexpr known greetings[] = {
        {"HTTP/", "the port serves plain HTTP"},
        {"220", "an SMTP or FTP greeting: scan it through STARTTLS (smtp:// or ftp://, or --starttls)"},
        {"+OK", "a POP3 greeting: scan it through STARTTLS (pop3://, or --starttls pop3)"},
        {"* OK", "an IMAP greeting: scan it through STARTTLS (imap://, or --starttls imap)"},
        {"SSH-", "an SSH server"},
    };
    for (const auto& greeting : greetings)
        if (first.starts_with(greeting.prefix)) return &greeting;
    return nullptr;
}

}  // namespace

std::string_view alert_text(std::uint8_t description) noexcept {
    for (const auto& [code, name] : alert_names)
        if (code == description) return name;
    return "unknown";
}

scan_error alert_error(std::uint8_t description) {
    return {"handshake", error_codes::tls_alert, fmt::format("{} ({})", alert_text(description), description)};
}

std::string not_tls_detail(std::span<const unsigned char> first_bytes) {
    auto detail = fmt::format("the server's first bytes are not a TLS record: {:02x}", fmt::join(first_bytes, ""));
    const std::string_view text(reinterpret_cast<const char*>(first_bytes.data()), first_bytes.size());
    if (const auto* known = plaintext_hint(text)) detail += fmt::format(" (\"{}\": {})", known->prefix, known->hint);
    return detail;
}

scan_error not_tls_error(std::span<const unsigned char> first_bytes) {
    return {"handshake", error_codes::not_tls, not_tls_detail(first_bytes)};
}

scan_error closed_error() {
    return {"handshake", error_codes::closed, "connection closed by the server during the handshake"};
}

scan_error chain_too_large_error() {
    return {"handshake", error_codes::chain_too_large,
            fmt::format("the server's certificate message exceeds the {} KiB limit", max_handshake_message / 1024)};
}

scan_error protocol_error(std::string detail) { return {"handshake", error_codes::protocol_error, std::move(detail)}; }

}  // namespace tlsaudit::capture_engine::detail
