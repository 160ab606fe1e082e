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

}  // namespace

std::string_view alert_text(std::uint8_t description) noexcept {
    for (const auto& [code, name] : alert_names)
        if (code == description) return name;
    return "unknown";
}

scan_error alert_error(std::uint8_t description) {
    return {"handshake", error_codes::tls_alert, fmt::format("{} ({})", alert_text(description), description)};
}

scan_error not_tls_error(std::span<const unsigned char> first_bytes) {
    return {"handshake", error_codes::not_tls,
            fmt::format("the server's first bytes are not a TLS record: {:02x}", fmt::join(first_bytes, ""))};
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
