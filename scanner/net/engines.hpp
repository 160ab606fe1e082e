#pragma once
// The two TLS clients, each run on a connected socket for one probe: the capture engine
// (ours: sends the probe's ClientHello, reads the server's flight, stops) and the openssl
// engine (a libssl handshake with verification off). Neither throws for network or TLS
// failures: they come back as probe_result::error.

#include "asio_fwd.hpp"
#include "probes.hpp"

#include <tlsaudit/model.hpp>

#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <optional>
#include <string>

namespace tlsaudit::net::detail {

struct probe_result {
    served_chain served;              // what the server sent (a partial chain on some failures)
    std::optional<scan_error> error;  // why no chain was received
    std::string fallback;             // capture engine: why libssl must take over ("" otherwise)
    std::string engine;               // which engine's answer this is: "capture" or "openssl"
};

// libssl handshake for `probe` on `socket`; `offer_alpn` false sends no ALPN (after
// STARTTLS), true the context's list. Throws std::runtime_error only when OpenSSL cannot
// make an SSL object (environment).
asio::awaitable<probe_result> openssl_handshake(asio::ssl::context& ctx, asio::ip::tcp::socket& socket,
                                                const std::string& sni, capture_engine::probe probe, bool offer_alpn,
                                                std::chrono::milliseconds timeout);

// The capture engine for `probe` on `socket`. When the result's `fallback` is set the
// connection is spent: the caller reconnects and runs openssl_handshake. The socket is
// closed on return, with SO_LINGER 0 once the server's flight is read (the connection is
// reset after the closing alert, so thousands of scans leave no TIME_WAIT sockets).
// `offer_alpn` as for openssl_handshake.
asio::awaitable<probe_result> capture_handshake(const probe_client& probe, asio::ip::tcp::socket& socket,
                                                const std::string& sni, bool offer_alpn, bool verify_handshake,
                                                std::chrono::milliseconds timeout);

}  // namespace tlsaudit::net::detail
