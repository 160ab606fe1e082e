#pragma once
// Sans-I/O parsing of TLS handshake messages seen by the client's message callback.
// Pure functions on bytes: tested without sockets, fuzzable.

#include <tlsaudit/model.hpp>

#include <optional>
#include <span>
#include <vector>

namespace tlsaudit::net::detail {

// Parses a whole Certificate handshake message (type byte 11, 3-byte length, body) into
// the DER certificates in served order, byte for byte. `tls13` selects the TLS 1.3 layout
// (request context, per-entry extensions). Returns nullopt when the message is malformed.
std::optional<std::vector<bytes>> parse_certificate_message(std::span<const unsigned char> msg,
                                                            bool tls13);

}  // namespace tlsaudit::net::detail
