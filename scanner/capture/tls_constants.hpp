#pragma once
// TLS numbers the capture client uses (RFC 8446, RFC 5246 and the IANA registries), and
// the limits that bound what one server can make it buffer.

#include <cstddef>
#include <cstdint>

namespace tlsaudit::capture_engine::detail {

namespace content_type {
inline constexpr std::uint8_t change_cipher_spec = 20;
inline constexpr std::uint8_t alert = 21;
inline constexpr std::uint8_t handshake = 22;
inline constexpr std::uint8_t application_data = 23;
inline constexpr std::uint8_t heartbeat = 24;
}  // namespace content_type

namespace handshake_type {
inline constexpr std::uint8_t client_hello = 1;
inline constexpr std::uint8_t server_hello = 2;
inline constexpr std::uint8_t new_session_ticket = 4;
inline constexpr std::uint8_t encrypted_extensions = 8;
inline constexpr std::uint8_t certificate = 11;
inline constexpr std::uint8_t server_key_exchange = 12;
inline constexpr std::uint8_t certificate_request = 13;
inline constexpr std::uint8_t server_hello_done = 14;
inline constexpr std::uint8_t certificate_verify = 15;
inline constexpr std::uint8_t finished = 20;
inline constexpr std::uint8_t certificate_status = 22;
inline constexpr std::uint8_t compressed_certificate = 25;
inline constexpr std::uint8_t message_hash = 254;
}  // namespace handshake_type

namespace extension {
inline constexpr std::uint16_t server_name = 0x0000;
inline constexpr std::uint16_t status_request = 0x0005;
inline constexpr std::uint16_t supported_groups = 0x000a;
inline constexpr std::uint16_t ec_point_formats = 0x000b;
inline constexpr std::uint16_t signature_algorithms = 0x000d;
inline constexpr std::uint16_t alpn = 0x0010;
inline constexpr std::uint16_t signed_certificate_timestamp = 0x0012;
inline constexpr std::uint16_t padding = 0x0015;
inline constexpr std::uint16_t extended_master_secret = 0x0017;
inline constexpr std::uint16_t compress_certificate = 0x001b;
inline constexpr std::uint16_t session_ticket = 0x0023;
inline constexpr std::uint16_t pre_shared_key = 0x0029;
inline constexpr std::uint16_t early_data = 0x002a;
inline constexpr std::uint16_t supported_versions = 0x002b;
inline constexpr std::uint16_t cookie = 0x002c;
inline constexpr std::uint16_t psk_key_exchange_modes = 0x002d;
inline constexpr std::uint16_t key_share = 0x0033;
inline constexpr std::uint16_t renegotiation_info = 0xff01;
}  // namespace extension

namespace version {
inline constexpr std::uint16_t ssl3 = 0x0300;
inline constexpr std::uint16_t tls10 = 0x0301;
inline constexpr std::uint16_t tls11 = 0x0302;
inline constexpr std::uint16_t tls12 = 0x0303;
inline constexpr std::uint16_t tls13 = 0x0304;
}  // namespace version

namespace alert_description {
inline constexpr std::uint8_t close_notify = 0;
inline constexpr std::uint8_t handshake_failure = 40;
inline constexpr std::uint8_t insufficient_security = 71;
inline constexpr std::uint8_t user_canceled = 90;
}  // namespace alert_description
inline constexpr std::uint8_t alert_level_warning = 1;
inline constexpr std::uint8_t alert_level_fatal = 2;

inline constexpr std::size_t record_header_size = 5;
inline constexpr std::size_t handshake_header_size = 4;
inline constexpr std::size_t max_plaintext = 16384;
// RFC 8446 5.2: a protected record adds at most 256 bytes.
inline constexpr std::size_t max_tls13_ciphertext = max_plaintext + 256;
// RFC 5246 6.2.3: the largest record any version may send.
inline constexpr std::size_t max_record_payload = max_plaintext + 2048;
// Same limit as the libssl engine (net::max_certificate_message): a handshake message
// body longer than this is refused from its header, before it is buffered.
inline constexpr std::size_t max_handshake_message = 1024 * 1024;
// Plaintext ChangeCipherSpec records skipped before the flight is declared hostile (one
// is normal in middlebox-compatibility mode; rustls and BoringSSL cap them too).
inline constexpr int max_change_cipher_spec = 2;
// Warning alerts skipped in TLS 1.2 (unrecognized_name, ...).
inline constexpr int max_warning_alerts = 4;
// Empty plaintext handshake and ChangeCipherSpec records skipped before TLS 1.3 is chosen,
// as libssl skips them (its MAX_EMPTY_RECORDS); RFC 5246 6.2.1 forbids empty handshake
// records, but libssl's clients connect.
inline constexpr int max_empty_records = 32;

}  // namespace tlsaudit::capture_engine::detail
