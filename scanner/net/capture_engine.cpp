// The capture engine's I/O: the sans-I/O client (scanner/capture) decides what to send and
// when it is done; this coroutine only moves bytes and runs the clock.

#include "engines.hpp"

#include "error_classify.hpp"
#include "socket_deadline.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/socket_base.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <array>

namespace tlsaudit::net::detail {
namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

scan_error socket_error(const boost::system::error_code& ec) {
    if (ec == asio::error::eof)
        return {"handshake", error_codes::closed, "connection closed by the server during the handshake"};
    if (ec == asio::error::connection_reset || ec == asio::error::broken_pipe)
        return {"handshake", error_codes::reset, ec.message()};
    return {"handshake", error_codes::protocol_error, ec.message()};
}

// Sends what the client has to send, then reads until it is done, failed or gives up.
// Returns a socket error, if one ended the exchange.
asio::awaitable<std::optional<scan_error>> exchange(capture_engine::client& client, asio::ip::tcp::socket& socket) {
    // One read buffer per connection, in the coroutine frame: the client copies what it
    // keeps, so a server's flight is never held twice.
    std::array<unsigned char, 8192> buffer;
    for (;;) {
        if (auto out = client.pending_output(); !out.empty()) {
            auto [ec, n] = co_await asio::async_write(socket, asio::buffer(out.data(), out.size()), use_tuple);
            if (ec) co_return socket_error(ec);
            client.consumed_output(n);
        }
        if (client.current() != capture_engine::status::want_io) co_return std::nullopt;
        auto [ec, n] = co_await socket.async_read_some(asio::buffer(buffer), use_tuple);
        if (ec == asio::error::eof) {
            if (client.receive_eof() == capture_engine::status::want_io) co_return socket_error(ec);
            continue;  // the client may still have something to send
        }
        if (ec) co_return socket_error(ec);
        client.receive(std::span<const unsigned char>(buffer.data(), n));
    }
}

}  // namespace

asio::awaitable<probe_result> capture_handshake(const probe_client& probe, asio::ip::tcp::socket& socket,
                                                const std::string& sni, bool offer_alpn, bool verify_handshake,
                                                std::chrono::milliseconds timeout) {
    probe_result out;
    capture_engine::options options;
    options.sni = sni;
    options.verify_handshake = verify_handshake;
    capture_engine::client client(offer_alpn ? probe.hello : probe.hello_without_alpn, options);

    socket_deadline deadline(co_await asio::this_coro::executor);
    deadline.start(socket, timeout);
    auto failed = co_await exchange(client, socket);
    const bool expired = deadline.stop();

    capture_engine::flight flight = client.take_result();
    out.served.chain = std::move(flight.chain);
    out.served.stapled_ocsp = std::move(flight.stapled_ocsp);
    out.served.protocol = std::move(flight.protocol);
    out.served.cipher = std::move(flight.cipher);
    out.served.alpn = std::move(flight.alpn);
    const auto state = client.current();
    if (failed && expired) {
        out.error = timeout_error("handshake", timeout);
    } else if (failed) {
        out.error = std::move(*failed);
    } else if (state == capture_engine::status::failed) {
        out.error = client.error().value_or(scan_error{"handshake", error_codes::protocol_error, "capture failed"});
    } else if (state == capture_engine::status::fallback) {
        out.fallback = client.fallback_reason();
    }
    // libssl decodes each certificate as it arrives and fails the handshake on one that is
    // not DER; the capture engine only carries the bytes, so the same verdict is made here.
    if (!out.served.chain.empty() && out.fallback.empty()) {
        if (auto bad = invalid_certificate_error(out.served.chain, out.error.has_value())) out.error = std::move(bad);
    }
    boost::system::error_code ignored;
    if (state == capture_engine::status::done) {
        // The flight is read and the closing alert is out: reset instead of a FIN
        // handshake, so the scanner keeps no TIME_WAIT socket per endpoint.
        socket.set_option(asio::socket_base::linger(true, 0), ignored);
    }
    socket.close(ignored);
    co_return out;
}

}  // namespace tlsaudit::net::detail
