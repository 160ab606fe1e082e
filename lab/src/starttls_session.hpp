#pragma once
// Private to tlsaudit_lab: the server side of each STARTTLS exchange, run by serve_tls
// (sessions.cpp) on the accepted socket before the TLS handshake.

#include <tlsaudit/lab/starttls_server.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

namespace tlsaudit::lab::detail {

// Throws std::invalid_argument for an unknown protocol name (server_pool::start).
void check_starttls(const starttls_config& config);

// True when the client asked for TLS and was told to go ahead: the TLS handshake comes
// next on `socket`. False when the exchange ended otherwise (refusal, other protocol,
// unexpected command, peer gone); the connection is then closed. Never throws for peer
// behaviour.
boost::asio::awaitable<bool> serve_starttls(boost::asio::ip::tcp::socket& socket, const starttls_config& config);

}  // namespace tlsaudit::lab::detail
