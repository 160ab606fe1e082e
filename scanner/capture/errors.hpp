#pragma once
// The capture client's handshake errors, worded as the libssl engine words them
// (scanner/net/error_classify.cpp) so both engines' records read the same.

#include <tlsaudit/model.hpp>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace tlsaudit::capture_engine::detail {

// OpenSSL's SSL_alert_desc_string_long() text for an alert description ("handshake
// failure"; "unknown" for codes OpenSSL 3.0 does not name). libssl is not linked here.
std::string_view alert_text(std::uint8_t description) noexcept;

// "the server's first bytes are not a TLS record: 3232302073", and what they look like when
// they open a known plain-text protocol: ("220": an SMTP or FTP greeting: ...).
std::string not_tls_detail(std::span<const unsigned char> first_bytes);

scan_error alert_error(std::uint8_t description);                      // tls-alert "handshake failure (40)"
scan_error not_tls_error(std::span<const unsigned char> first_bytes);  // not-tls, hex of the first bytes
scan_error closed_error();                                             // closed
scan_error chain_too_large_error();                                    // chain-too-large
scan_error protocol_error(std::string detail);                         // protocol-error

}  // namespace tlsaudit::capture_engine::detail
