#pragma once
// Parsers of the server's handshake messages the capture client reads. Pure functions on
// bytes (the message body, without its 4-byte header); each returns nullopt when the
// body is malformed. Views point into the body.

#include <tlsaudit/model.hpp>

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace tlsaudit::capture_engine::detail {

struct server_hello {
    std::uint16_t legacy_version = 0;
    std::span<const unsigned char> random;
    std::span<const unsigned char> session_id;
    std::uint16_t cipher_suite = 0;
    std::uint8_t compression = 0;
    bool hello_retry = false;            // the random is HelloRetryRequest's
    std::uint16_t selected_version = 0;  // supported_versions; 0 when absent
    std::uint16_t key_share_group = 0;   // key_share (a HelloRetryRequest names the group only)
    std::span<const unsigned char> key_share;
    std::span<const unsigned char> cookie;
    bool status_request = false;                // TLS 1.2: the server will send CertificateStatus
    std::span<const unsigned char> alpn;        // TLS 1.2: the protocol selected
    bool renegotiation_info_not_empty = false;  // RFC 5746: it must be empty on a first handshake
    std::vector<std::uint16_t> extensions;      // the types, in order (no type twice: else malformed)
};
std::optional<server_hello> parse_server_hello(std::span<const unsigned char> body);

struct encrypted_extensions {
    std::span<const unsigned char> alpn;    // empty when the server selected none
    std::vector<std::uint16_t> extensions;  // the types, in order (no type twice: else malformed)
};
std::optional<encrypted_extensions> parse_encrypted_extensions(std::span<const unsigned char> body);

struct certificate_list {
    std::vector<bytes> chain;  // DER as served, leaf first; may be empty
    bytes ocsp;                // TLS 1.3: the leaf entry's status_request response
    // TLS 1.3: the extension types the entries carry, each once (no entry carries a type twice:
    // else malformed).
    std::vector<std::uint16_t> entry_extensions;
};
// `tls13` selects the TLS 1.3 layout (request context, per-entry extensions).
std::optional<certificate_list> parse_certificate(std::span<const unsigned char> body, bool tls13);

// A whole Certificate handshake message (type 11, its 3-byte length, the body), as
// libssl's message callback hands it to the openssl engine: the same parser for both.
std::optional<certificate_list> parse_certificate_message(std::span<const unsigned char> message, bool tls13);

// TLS 1.2 CertificateStatus: the OCSP response.
std::optional<std::span<const unsigned char>> parse_certificate_status(std::span<const unsigned char> body);

struct certificate_verify {
    std::uint16_t scheme = 0;
    std::span<const unsigned char> signature;
};
std::optional<certificate_verify> parse_certificate_verify(std::span<const unsigned char> body);

}  // namespace tlsaudit::capture_engine::detail
