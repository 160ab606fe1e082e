#pragma once
// The ClientHello: the per-probe template (client.hpp's hello_template) and the
// per-connection message built from it.

#include "client.hpp"

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace tlsaudit::capture_engine::detail {

// What changes from one connection to the next.
struct hello_fields {
    std::string_view sni;                       // sent as given when not empty (see server_name_to_send)
    std::span<const unsigned char> random;      // 32 bytes
    std::span<const unsigned char> session_id;  // 32 bytes (middlebox compatibility)
    std::uint16_t key_share_group = 0;          // 0: no key_share extension
    std::span<const unsigned char> key_share;   // the public key, encoded for the group
    std::span<const unsigned char> cookie;      // HelloRetryRequest's cookie; empty: none
};

inline constexpr std::size_t max_server_name = 1024;

// The name to put in server_name: `requested` without a trailing dot, or empty when it
// must not be sent (empty, an IP literal, longer than max_server_name).
std::string_view server_name_to_send(std::string_view requested) noexcept;

// The ClientHello handshake message, its 4-byte header included. Padded so that neither
// the message nor its record is 256-511 bytes long; the last extension is never empty.
bytes build_client_hello(const hello_template& hello, const hello_fields& fields);

// Appends `payload` to `out` as records of `type` with `record_version`, each at most
// 16384 bytes long.
void append_records(bytes& out, std::uint8_t type, std::uint16_t record_version,
                    std::span<const unsigned char> payload);

}  // namespace tlsaudit::capture_engine::detail
