#include "sessions.hpp"
#include "starttls_session.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <openssl/bio.h>
#include <openssl/ssl.h>

#include <array>
#include <random>
#include <string_view>
#include <vector>

namespace tlsaudit::lab::detail {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

constexpr unsigned char tls_handshake = 0x16;
constexpr std::size_t record_header = 5;
constexpr std::size_t max_record = record_header + 16384 + 2048;

// Counts the connection as open for its whole life, including when its frame is
// destroyed by stop() without resuming.
class active_guard {
public:
    explicit active_guard(endpoint_state& ep) : ep_(ep) { ep_.bump(ep_.active); }
    ~active_guard() {
        --ep_.active;
        ep_.notify();
    }
    active_guard(const active_guard&) = delete;
    active_guard& operator=(const active_guard&) = delete;

private:
    endpoint_state& ep_;
};

// Reads and discards until the peer closes or fails.
asio::awaitable<void> drain(tcp::socket& socket) {
    std::array<unsigned char, 4096> buf{};
    for (;;) {
        auto [ec, n] = co_await socket.async_read_some(asio::buffer(buf), use_tuple);
        if (ec) co_return;
    }
}

}  // namespace

// (No co_await inside an if condition in this file: with g++ 12,
// `if (co_await a(s)) co_await b(s);` was seen to hand b a corrupted reference.)
asio::awaitable<bool> read_client_hello(tcp::socket& socket) {
    std::vector<unsigned char> buf(max_record);
    std::size_t have = 0;
    for (;;) {
        auto [ec, n] = co_await socket.async_read_some(asio::buffer(buf.data() + have, buf.size() - have), use_tuple);
        if (ec) co_return false;
        have += n;
        if (buf[0] != tls_handshake) co_return true;
        if (have < record_header) continue;
        const std::size_t want = record_header + (std::size_t{buf[3]} << 8 | buf[4]);
        if (have >= want) co_return true;
    }
}

asio::awaitable<void> close_cleanly(tcp::socket& socket) {
    boost::system::error_code ignored;
    socket.shutdown(tcp::socket::shutdown_send, ignored);
    co_await drain(socket);
    socket.close(ignored);
}

namespace {

asio::awaitable<void> send_then_close(tcp::socket& socket, asio::const_buffer data) {
    auto [ec, n] = co_await asio::async_write(socket, data, use_tuple);
    if (!ec) co_await close_cleanly(socket);
}

// Set by the message callback once the server wrote its Certificate message: a
// certificates-only client (tlsaudit's capture engine) stops there, so the handshake never
// completes but the server did serve its chain.
void note_certificate_sent(int write_p, int, int content_type, const void* buf, std::size_t len, SSL*, void* arg) {
    constexpr int handshake_certificate = 11;
    if (write_p == 1 && content_type == SSL3_RT_HANDSHAKE && len > 0 &&
        static_cast<const unsigned char*>(buf)[0] == handshake_certificate)
        *static_cast<bool*>(arg) = true;
}

// One server session on two memory BIOs: OpenSSL writes a whole flight into `out`, which
// leaves in one write as it did through asio::ssl::stream, but without that stream's two
// 17 KB buffers and BIO pair per connection (bench/RESULTS.md section 17: they were a
// tenth of the bench lab's CPU, allocating, zeroing and faulting in memory).
class server_session {
public:
    explicit server_session(SSL_CTX* ctx) : ssl_(SSL_new(ctx)) {
        if (!ssl_) return;
        BIO* in = BIO_new(BIO_s_mem());
        BIO* out = BIO_new(BIO_s_mem());
        if (in == nullptr || out == nullptr) {
            BIO_free(in);
            BIO_free(out);
            ssl_.reset();
            return;
        }
        SSL_set_bio(ssl_.get(), in, out);  // the SSL owns both from here
        SSL_set_accept_state(ssl_.get());
    }

    SSL* get() const noexcept { return ssl_.get(); }

    // Runs `step` (SSL_do_handshake, SSL_read) until it succeeds, sending what OpenSSL
    // wrote (a flight, an alert) after each attempt. False when it failed or the peer went.
    template <typename Step>
    asio::awaitable<bool> run(tcp::socket& socket, Step step) {
        for (;;) {
            const int r = step(ssl_.get());
            const int error = r > 0 ? SSL_ERROR_NONE : SSL_get_error(ssl_.get(), r);
            const bool sent = co_await flush(socket);
            if (error == SSL_ERROR_NONE) co_return sent;
            if (error != SSL_ERROR_WANT_READ || !sent) co_return false;
            const bool read = co_await feed(socket);
            if (!read) co_return false;
        }
    }

private:
    asio::awaitable<bool> flush(tcp::socket& socket) {
        BIO* out = SSL_get_wbio(ssl_.get());
        char* data = nullptr;
        const long pending = BIO_get_mem_data(out, &data);
        if (pending <= 0) co_return true;
        auto [ec, n] =
            co_await asio::async_write(socket, asio::buffer(data, static_cast<std::size_t>(pending)), use_tuple);
        (void)BIO_reset(out);
        co_return !ec;
    }

    asio::awaitable<bool> feed(tcp::socket& socket) {
        std::array<unsigned char, 4096> buf;  // NOLINT: only the bytes read are used
        auto [ec, n] = co_await socket.async_read_some(asio::buffer(buf), use_tuple);
        if (ec) co_return false;
        co_return BIO_write(SSL_get_rbio(ssl_.get()), buf.data(), static_cast<int>(n)) == static_cast<int>(n);
    }

    ossl::ssl_ptr ssl_;
};

asio::awaitable<void> serve_tls(endpoint_state& ep, tcp::socket socket) {
    if (!ep.config.starttls.protocol.empty()) {
        const bool go_on = co_await serve_starttls(socket, ep.config.starttls);
        if (!go_on) co_return;
    }
    if (ep.config.response_delay.count() > 0) {
        // Latency emulation for benchmarks: hold the ClientHello before answering it.
        auto [wait_ec] = co_await socket.async_wait(tcp::socket::wait_read, use_tuple);
        if (wait_ec) co_return;
        asio::steady_timer delay(socket.get_executor(), ep.config.response_delay);
        co_await delay.async_wait(use_tuple);
    }
    if (!ep.config.first_bytes.empty()) {
        auto [ec, n] = co_await asio::async_write(socket, asio::buffer(ep.config.first_bytes), use_tuple);
        if (ec) co_return;
    }
    server_session session(ep.tls->ctx.get());
    if (session.get() == nullptr) {
        ep.bump(ep.failed);
        co_return;
    }
    bool certificate_sent = false;
    SSL_set_msg_callback(session.get(), &note_certificate_sent);
    SSL_set_msg_callback_arg(session.get(), &certificate_sent);
    const bool done = co_await session.run(socket, [](SSL* ssl) { return SSL_do_handshake(ssl); });
    SSL_set_msg_callback(session.get(), nullptr);
    if (!done && !certificate_sent) {
        ep.bump(ep.failed);
        co_return;
    }
    if (const char* sni = SSL_get_servername(session.get(), TLSEXT_NAMETYPE_host_name)) {
        std::lock_guard lock(ep.sni_mutex);
        ep.last_sni = sni;
    }
    ep.bump(ep.handshakes);
    if (!done) co_return;  // the client stopped after the server's flight
    // Reads (and answers, e.g. a close_notify) until the client goes.
    std::array<unsigned char, 4096> plain;  // NOLINT: discarded
    const auto read = [&plain](SSL* ssl) { return SSL_read(ssl, plain.data(), static_cast<int>(plain.size())); };
    for (;;) {
        const bool more = co_await session.run(socket, read);
        if (!more) break;
    }
    // No close_notify: the client has gone already.
}

asio::awaitable<void> serve_reset(tcp::socket socket) {
    const bool got_hello = co_await read_client_hello(socket);
    if (!got_hello) co_return;
    boost::system::error_code ignored;
    socket.set_option(tcp::socket::linger(true, 0), ignored);
    socket.close(ignored);
}

asio::awaitable<void> serve_close(tcp::socket socket) {
    const bool got_hello = co_await read_client_hello(socket);
    if (!got_hello) co_return;
    co_await close_cleanly(socket);
}

asio::awaitable<void> serve_http(tcp::socket socket) {
    std::array<unsigned char, 4096> buf{};
    auto [ec, n] = co_await socket.async_read_some(asio::buffer(buf), use_tuple);
    if (ec) co_return;
    static constexpr std::string_view response =
        "HTTP/1.1 400 Bad Request\r\n"
        "Content-Type: text/plain\r\n"
        "Content-Length: 12\r\n"
        "Connection: close\r\n"
        "\r\n"
        "Bad Request\n";
    co_await send_then_close(socket, asio::buffer(response));
}

asio::awaitable<void> serve_alert(tcp::socket socket) {
    const bool got_hello = co_await read_client_hello(socket);
    if (!got_hello) co_return;
    // Alert record, TLS 1.2, length 2: level fatal (2), handshake_failure (40).
    static constexpr std::array<unsigned char, 7> alert{0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28};
    co_await send_then_close(socket, asio::buffer(alert));
}

std::vector<unsigned char> garbage_bytes() {
    std::mt19937 prng(0x7a5a1e);  // fixed: the same garbage every time
    std::uniform_int_distribution<int> byte(0, 255);
    std::vector<unsigned char> out(4096);
    for (auto& b : out) b = static_cast<unsigned char>(byte(prng));
    // Never a TLS content type (20..24) nor an SSLv2 length byte: unmistakably not TLS.
    out[0] = static_cast<unsigned char>(0x30 | (out[0] & 0x0F));
    return out;
}

asio::awaitable<void> serve_garbage(tcp::socket socket) {
    const bool got_hello = co_await read_client_hello(socket);
    if (!got_hello) co_return;
    static const std::vector<unsigned char> garbage = garbage_bytes();
    co_await send_then_close(socket, asio::buffer(garbage));
}

asio::awaitable<void> serve_drip(tcp::socket socket, std::chrono::milliseconds interval) {
    const bool got_hello = co_await read_client_hello(socket);
    if (!got_hello) co_return;
    // A handshake record of 16384 bytes that starts like a ServerHello, then zeros.
    static constexpr std::array<unsigned char, 11> start{0x16, 0x03, 0x03, 0x40, 0x00, 0x02,
                                                         0x00, 0x3f, 0xfc, 0x03, 0x03};
    constexpr std::size_t total = record_header + 0x4000;
    auto [ec, n] = co_await asio::async_write(socket, asio::buffer(start.data(), record_header), use_tuple);
    asio::steady_timer timer(co_await asio::this_coro::executor);
    for (std::size_t sent = record_header; !ec && sent < total; ++sent) {
        timer.expires_after(interval);
        co_await timer.async_wait(use_tuple);
        const unsigned char one = sent < start.size() ? start[sent] : 0;
        std::tie(ec, n) = co_await asio::async_write(socket, asio::buffer(&one, 1), use_tuple);
    }
}

asio::awaitable<void> hold_forever(tcp::socket socket) {
    asio::steady_timer timer(socket.get_executor(), asio::steady_timer::time_point::max());
    co_await timer.async_wait(use_tuple);  // ends only by stop()
}

asio::awaitable<void> serve_silent(tcp::socket socket) { co_await drain(socket); }

}  // namespace

endpoint_stats endpoint_state::snapshot() const {
    endpoint_stats s;
    s.accepted = accepted.load();
    s.handshakes = handshakes.load();
    s.failed = failed.load();
    s.active = active.load();
    std::lock_guard lock(sni_mutex);
    s.last_sni = last_sni;
    s.received = received;
    return s;
}

asio::awaitable<void> serve_connection(std::shared_ptr<endpoint_state> ep, tcp::socket socket) {
    active_guard guard(*ep);
    switch (ep->config.b) {
    case behaviour::tls: co_await serve_tls(*ep, std::move(socket)); break;
    case behaviour::silent: co_await serve_silent(std::move(socket)); break;
    case behaviour::accept_no_read: co_await hold_forever(std::move(socket)); break;
    case behaviour::reset_after_hello: co_await serve_reset(std::move(socket)); break;
    case behaviour::close_after_hello: co_await serve_close(std::move(socket)); break;
    case behaviour::http: co_await serve_http(std::move(socket)); break;
    case behaviour::alert: co_await serve_alert(std::move(socket)); break;
    case behaviour::garbage: co_await serve_garbage(std::move(socket)); break;
    case behaviour::drip: co_await serve_drip(std::move(socket), ep->config.drip_interval); break;
    case behaviour::bad_der:
    case behaviour::huge_certificate:
    case behaviour::undecodable_certificate:
    case behaviour::reset_mid_handshake:
    case behaviour::record: co_await serve_raw(*ep, std::move(socket)); break;
    }
}

}  // namespace tlsaudit::lab::detail
