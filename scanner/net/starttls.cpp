#include "starttls.hpp"

#include "socket_deadline.hpp"
#include "starttls_dialogue.hpp"

#include <tlsaudit/starttls.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <fmt/format.h>

#include <array>

namespace tlsaudit::net::detail {
namespace {

using asio::ip::tcp;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

scan_error socket_error(const boost::system::error_code& ec, const starttls::dialogue& d) {
    if (ec == asio::error::eof) return d.closed();
    if (ec == asio::error::connection_reset || ec == asio::error::broken_pipe)
        return scan_error{"starttls", error_codes::reset, ec.message()};
    return scan_error{"starttls", error_codes::closed, ec.message()};
}

asio::awaitable<std::optional<scan_error>> exchange(tcp::socket& socket, starttls::dialogue& d) {
    std::array<char, 4096> buf{};
    starttls::step next = d.start();
    // Every step either consumes server bytes (bounded by max_exchange_bytes) or ends the
    // exchange, so the loop is bounded; the caller's deadline bounds its time.
    for (;;) {
        switch (next.what) {
        case starttls::step::kind::start_tls: co_return std::nullopt;
        case starttls::step::kind::fail: co_return next.error;
        case starttls::step::kind::write: {
            auto [ec, n] = co_await asio::async_write(socket, asio::buffer(next.output), use_tuple);
            if (ec) co_return socket_error(ec, d);
            break;
        }
        case starttls::step::kind::read: break;
        }
        auto [ec, n] = co_await socket.async_read_some(asio::buffer(buf), use_tuple);
        if (ec) co_return socket_error(ec, d);
        next = d.received(std::string_view(buf.data(), n));
    }
}

}  // namespace

std::string direct_tls_hint(std::uint16_t port) {
    for (const auto& p : tlsaudit::starttls::protocols)
        if (p.tls_port != 0 && p.tls_port == port)
            return fmt::format(
                "; port {} is usually {}, TLS from the first byte: scan it as direct TLS (host:{}, without "
                "a STARTTLS scheme)",
                port, p.tls_name, port);
    return {};
}

asio::awaitable<std::optional<scan_error>> run_starttls(tcp::socket& socket, const std::string& protocol,
                                                        const std::string& domain, std::chrono::milliseconds timeout) {
    const auto p = starttls::parse_protocol(protocol);
    if (!p) co_return scan_error{"starttls", error_codes::starttls_protocol, "unknown STARTTLS protocol"};
    starttls::dialogue d(*p, domain);
    // Read now: a socket the server has reset has no peer any more.
    boost::system::error_code no_peer;
    const auto hint = direct_tls_hint(socket.remote_endpoint(no_peer).port());
    socket_deadline deadline(co_await asio::this_coro::executor);
    deadline.start(socket, timeout);
    auto failed = co_await exchange(socket, d);
    const bool expired = deadline.stop();
    if (!failed) co_return failed;
    // A direct-TLS server waits for a ClientHello where the server speaks first (SMTP, IMAP,
    // ...: a timeout) and closes or resets at the client's first words otherwise (LDAP,
    // XMPP, PostgreSQL): on a port usually direct TLS, say so.
    if (expired)
        co_return scan_error{"starttls", error_codes::timeout_starttls,
                             fmt::format("no STARTTLS agreement within {} ms{}", timeout.count(), hint)};
    if (failed->code == error_codes::closed || failed->code == error_codes::reset) failed->detail += hint;
    co_return failed;
}

}  // namespace tlsaudit::net::detail
