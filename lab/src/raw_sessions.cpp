// The hostile behaviours built from raw bytes (raw_handshake.hpp) rather than OpenSSL's
// server: a Certificate message OpenSSL would never send, a reset in the middle of a
// flight, and a recorder of what a client sends.

#include "sessions.hpp"

#include <tlsaudit/lab/pki.hpp>
#include <tlsaudit/lab/raw_handshake.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <linux/sockios.h>
#include <sys/ioctl.h>

#include <array>
#include <chrono>

namespace tlsaudit::lab::detail {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t record_limit = 64 * 1024;

// ServerHello then a Certificate message with `chain` (then the messages `after`), as TLS records.
bytes flight(const std::vector<bytes>& chain, const bytes& after = {}) {
    bytes messages = server_hello_message();
    const bytes certificate = certificate_message(chain);
    messages.insert(messages.end(), certificate.begin(), certificate.end());
    messages.insert(messages.end(), after.begin(), after.end());
    return handshake_records(messages);
}

const bytes& bad_der_flight() {
    static const bytes b = flight({invalid_der_certificate()});
    return b;
}

// A lab leaf, then a certificate only a full decode refuses, and the end of the flight:
// a client that checks only DER framing reads it to its end.
const bytes& undecodable_flight() {
    static const bytes b =
        flight({make_hierarchy(key_kind::ec_p256, 0, {"undecodable.lab.test"}).leaf.der, undecodable_certificate()},
               server_hello_done_message());
    return b;
}

const bytes& huge_flight() {
    static const bytes b = flight({huge_certificate()});
    return b;
}

// ServerHello and the first half of a Certificate message (a 2 KiB placeholder entry):
// the client has read the ServerHello and waits for the rest.
const bytes& half_flight() {
    static const bytes b = [] {
        bytes messages = server_hello_message();
        const bytes certificate = certificate_message({bytes(2048, 0x30)});
        messages.insert(messages.end(), certificate.begin(),
                        certificate.begin() + static_cast<std::ptrdiff_t>(certificate.size() / 2));
        return handshake_records(messages);
    }();
    return b;
}

// Waits (bounded, about a second) until the kernel has no unacknowledged bytes of ours:
// a RST sent with data still queued would discard that data.
asio::awaitable<void> wait_until_sent(tcp::socket& socket) {
    asio::steady_timer timer(socket.get_executor());
    for (int i = 0; i < 1000; ++i) {
        int queued = 0;
        if (::ioctl(socket.native_handle(), SIOCOUTQ, &queued) != 0 || queued == 0) co_return;
        timer.expires_after(1ms);
        co_await timer.async_wait(use_tuple);
    }
}

asio::awaitable<void> send_flight(tcp::socket& socket, const bytes& data) {
    const bool got_hello = co_await read_client_hello(socket);
    if (!got_hello) co_return;
    auto [ec, n] = co_await asio::async_write(socket, asio::buffer(data), use_tuple);
    // The client gives up mid-flight on huge_certificate: ec (EPIPE, ECONNRESET) is expected.
    if (!ec) co_await close_cleanly(socket);
}

asio::awaitable<void> reset_mid_flight(tcp::socket& socket) {
    const bool got_hello = co_await read_client_hello(socket);
    if (!got_hello) co_return;
    auto [ec, n] = co_await asio::async_write(socket, asio::buffer(half_flight()), use_tuple);
    if (ec) co_return;
    co_await wait_until_sent(socket);
    boost::system::error_code ignored;
    socket.set_option(tcp::socket::linger(true, 0), ignored);
    socket.close(ignored);
}

asio::awaitable<void> record_input(endpoint_state& ep, tcp::socket& socket) {
    bytes got;
    std::array<unsigned char, 4096> buf{};
    for (;;) {
        auto [ec, n] = co_await socket.async_read_some(asio::buffer(buf), use_tuple);
        if (ec) break;
        const std::size_t keep = std::min(n, record_limit - std::min(record_limit, got.size()));
        got.insert(got.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(keep));
    }
    {
        std::lock_guard lock(ep.sni_mutex);
        ep.received = std::move(got);
    }
    ep.notify();
}

}  // namespace

asio::awaitable<void> serve_raw(endpoint_state& ep, tcp::socket socket) {
    switch (ep.config.b) {
    case behaviour::bad_der: co_await send_flight(socket, bad_der_flight()); break;
    case behaviour::huge_certificate: co_await send_flight(socket, huge_flight()); break;
    case behaviour::undecodable_certificate: co_await send_flight(socket, undecodable_flight()); break;
    case behaviour::reset_mid_handshake: co_await reset_mid_flight(socket); break;
    case behaviour::record: co_await record_input(ep, socket); break;
    default: break;
    }
}

}  // namespace tlsaudit::lab::detail
