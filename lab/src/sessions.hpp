#pragma once
// Private to tlsaudit_lab: per-endpoint state and the per-connection coroutine of
// every behaviour. Only sessions.cpp and server_pool.cpp include this (Asio is heavy).

#include <tlsaudit/lab/tls_server.hpp>

#include "tls_context.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

namespace tlsaudit::lab::detail {

namespace asio = boost::asio;

// The TLS context of one start()/start_fleet() call, shared by its endpoints.
struct tls_state {
    explicit tls_state(tls_context c) : data(std::move(c.data)), ctx(std::move(c.ctx)) {}
    std::unique_ptr<tls_callback_data> data;  // outlives ctx (declared first)
    ossl::ssl_ctx_ptr ctx;
};

// One listening address:port. Holds no I/O object, so it may outlive the io_context
// (stats stay readable after stop()).
struct endpoint_state {
    server_config config;
    std::shared_ptr<tls_state> tls;  // set for behaviour::tls only
    std::function<void()> notify;    // wakes server_pool::wait_for; called after each change

    std::atomic<std::uint64_t> accepted{0};
    std::atomic<std::uint64_t> handshakes{0};
    std::atomic<std::uint64_t> failed{0};
    std::atomic<std::uint64_t> active{0};
    mutable std::mutex sni_mutex;
    std::string last_sni;
    bytes received;  // behaviour::record (guarded by sni_mutex)

    void bump(std::atomic<std::uint64_t>& counter) {
        ++counter;
        notify();
    }
    endpoint_stats snapshot() const;
};

// Shared by the behaviours of sessions.cpp and raw_sessions.cpp.
// One TLS record when the first byte is a handshake record, otherwise whatever came
// first. False when the peer closed or failed before that.
asio::awaitable<bool> read_client_hello(asio::ip::tcp::socket& socket);
// FIN first, then read until the peer's FIN so that no unread data turns the close
// into a RST.
asio::awaitable<void> close_cleanly(asio::ip::tcp::socket& socket);

// The hand-built behaviours (raw_sessions.cpp): bad_der, huge_certificate,
// reset_mid_handshake, record.
asio::awaitable<void> serve_raw(endpoint_state& ep, asio::ip::tcp::socket socket);

// Runs one accepted connection according to ep->config.b until it ends. Expected
// network errors end it quietly (counted in `failed` where they mean a failed
// handshake); it never throws for peer behaviour.
asio::awaitable<void> serve_connection(std::shared_ptr<endpoint_state> ep, asio::ip::tcp::socket socket);

}  // namespace tlsaudit::lab::detail
