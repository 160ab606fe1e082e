#pragma once
// The STARTTLS exchange on a connected TCP socket, before the TLS handshake: drives a
// starttls::dialogue over the socket within one deadline.

#include "asio_fwd.hpp"

#include <tlsaudit/model.hpp>

#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace tlsaudit::net::detail {

// Speaks `protocol` ("smtp", ... see starttls.hpp) on `socket` until the server agrees to
// start TLS (nullopt: go on with the handshake on the same socket) or the exchange fails:
// refused, not understood, closed, reset, or no agreement within `timeout` (stage
// "starttls"). `domain` is the name an XMPP stream is opened to. Never throws for network
// failures; an unknown protocol name is a starttls-protocol error.
asio::awaitable<std::optional<scan_error>> run_starttls(asio::ip::tcp::socket& socket, const std::string& protocol,
                                                        const std::string& domain, std::chrono::milliseconds timeout);

// What a timeout-starttls adds on a port of TLS from the first byte (a protocol's
// `tls_port` in tlsaudit/starttls.hpp: 465 SMTPS, 993 IMAPS, ...): the server waits in
// silence for a ClientHello, and the target wants direct TLS. "" for any other port.
std::string direct_tls_hint(std::uint16_t port);

}  // namespace tlsaudit::net::detail
