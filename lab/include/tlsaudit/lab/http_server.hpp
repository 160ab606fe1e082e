#pragma once
// A minimal HTTP/1.1 server on loopback for revocation tests and the demo: serves CRLs
// at fixed paths and hosts the lab OCSP responder. It runs its own io_context on one
// thread; each connection carries one request and is closed after the reply
// ("Connection: close"). Readiness by the bound port: clients may connect as soon as
// the constructor returns.
//
// Network rule: binds to loopback only; nothing here connects anywhere.

#include <tlsaudit/model.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tlsaudit::lab {

struct http_request {
    std::string method;  // "GET", "POST", ...
    std::string target;  // as sent: path and query
    bytes body;
};

struct http_reply {
    unsigned status = 200;
    std::string content_type = "application/octet-stream";
    bytes body;
    std::vector<std::pair<std::string, std::string>> headers;  // extra, e.g. {"Location", url}
    // Bytes ('x') sent after `body`, generated while writing (a huge body costs no
    // memory); counted in Content-Length.
    std::uint64_t filler_bytes = 0;
    // false: no Content-Length, the body ends when the server closes the connection.
    bool send_content_length = true;
    // Read the request and never answer (the connection stays open until stop()).
    bool stall = false;
    // > 0: the filler goes out one chunk (64 KiB) per interval, a steady stream.
    std::chrono::milliseconds filler_interval{0};
    // Interim responses sent before this one ("HTTP/1.1 100 Continue"), in order.
    std::vector<unsigned> interim{};
};

// Answers one request; called on the server thread, one request at a time. An
// exception ends that connection only (the client sees it closed).
using http_handler = std::function<http_reply(const http_request&)>;

class http_server {
public:
    // Binds <bind_address>:0 and serves before returning. Requests whose path has a
    // route get that route's reply; others go to `fallback` (404 when empty).
    // Throws std::invalid_argument for a non-loopback address, std::system_error when
    // the bind fails.
    explicit http_server(http_handler fallback = {}, const std::string& bind_address = "127.0.0.1");
    ~http_server();  // stop()
    http_server(const http_server&) = delete;
    http_server& operator=(const http_server&) = delete;

    // Serves `reply` for requests whose path (target without query) equals `path`.
    // Thread-safe; replaces an earlier route.
    void route(std::string path, http_reply reply);

    std::uint16_t port() const noexcept;
    // "http://127.0.0.1:<port>" + path ("[::1]" for IPv6).
    std::string url(std::string_view path = "/") const;

    // Requests received (complete headers), in total and for one exact path.
    std::uint64_t request_count() const noexcept;
    std::uint64_t request_count(std::string_view path) const;
    // Body bytes (body + filler) the server managed to write, over all replies.
    std::uint64_t body_bytes_sent() const noexcept;

    // Closes everything (stalled connections too) and joins the thread; idempotent.
    void stop();

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace tlsaudit::lab
