#pragma once
// What a server may answer the capture hello with, beyond the syntax messages.cpp checks:
// only extensions the hello offered, each in a message RFC 8446 4.2 allows it in (RFC
// 5246 7.4.1.4 for TLS 1.2, RFC 5746 for renegotiation_info), and no downgrade sentinel
// (RFC 8446 4.1.3). The engine falls back to libssl on a breach, so that a server every
// client refuses is recorded as libssl records it, never as a clean capture.

#include <cstdint>
#include <optional>
#include <span>

namespace tlsaudit::capture_engine::detail {

enum class answered_in {
    tls12_server_hello,
    tls13_server_hello,
    hello_retry_request,
    encrypted_extensions,
    certificate_entry,
};

// The first of `types` that `where` may not carry in answer to a hello that sent a server
// name (`sni_sent`) or not; nullopt when each may be there. ALPN passes where it may be
// answered: whether the protocol is one the hello offered is the caller's to check.
std::optional<std::uint16_t> unsolicited_extension(answered_in where, std::span<const std::uint16_t> types,
                                                   bool sni_sent) noexcept;

// True when a ServerHello `random` choosing `chosen` ends in the sentinel a server that
// supports a higher version offered (TLS 1.3 when `tls13_offered`, else TLS 1.2) writes
// when it answers lower: "DOWNGRD" then 01 (TLS 1.2 chosen) or 00 (TLS 1.1 or lower).
bool carries_downgrade_sentinel(std::span<const unsigned char> random, std::uint16_t chosen,
                                bool tls13_offered) noexcept;

}  // namespace tlsaudit::capture_engine::detail
