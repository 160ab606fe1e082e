#include <tlsaudit/lab/http_server.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/vector_body.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <map>
#include <mutex>
#include <stdexcept>
#include <system_error>
#include <thread>

namespace tlsaudit::lab {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t chunk = 64 * 1024;

std::string path_of(std::string_view target) { return std::string(target.substr(0, target.find('?'))); }

std::string header_text(const http_reply& reply) {
    const auto reason = http::obsolete_reason(static_cast<http::status>(reply.status));
    std::string text = fmt::format("HTTP/1.1 {} {}\r\nConnection: close\r\nContent-Type: {}\r\n", reply.status,
                                   std::string(reason), reply.content_type);
    if (reply.send_content_length)
        text += fmt::format("Content-Length: {}\r\n", reply.body.size() + reply.filler_bytes);
    for (const auto& [name, value] : reply.headers) text += fmt::format("{}: {}\r\n", name, value);
    text += "\r\n";
    return text;
}

}  // namespace

struct http_server::impl {
    mutable std::mutex mutex;
    http_handler fallback;
    std::map<std::string, http_reply, std::less<>> routes;
    std::map<std::string, std::uint64_t, std::less<>> per_path;
    std::atomic<std::uint64_t> requests{0};
    std::atomic<std::uint64_t> sent{0};
    tcp::endpoint local;
    bool stopped = false;

    std::unique_ptr<asio::io_context> io = std::make_unique<asio::io_context>();
    std::thread thread;

    http_reply answer(const http_request& request) {
        const std::string path = path_of(request.target);
        {
            std::lock_guard lock(mutex);
            ++per_path[path];
            if (auto it = routes.find(path); it != routes.end()) return it->second;
        }
        if (fallback) return fallback(request);
        http_reply none;
        none.status = 404;
        none.content_type = "text/plain";
        return none;
    }

    asio::awaitable<void> serve(tcp::socket socket) {
        boost::beast::flat_buffer buffer;
        http::request_parser<http::vector_body<unsigned char>> parser;
        parser.body_limit(1 << 20);
        auto [read_ec, n] = co_await http::async_read(socket, buffer, parser, use_tuple);
        if (read_ec) co_return;
        const auto& message = parser.get();
        http_request request{std::string(message.method_string()), std::string(message.target()), message.body()};
        ++requests;
        const http_reply reply = answer(request);
        if (reply.stall) {
            // Keep the socket open without answering until stop() destroys this frame.
            asio::steady_timer forever(socket.get_executor(), asio::steady_timer::time_point::max());
            co_await forever.async_wait(use_tuple);
            co_return;
        }
        std::string head;
        for (const unsigned status : reply.interim) head += "HTTP/1.1 " + std::to_string(status) + " Interim\r\n\r\n";
        head += header_text(reply);
        auto [head_ec, h] = co_await asio::async_write(socket, asio::buffer(head), use_tuple);
        if (head_ec) co_return;
        auto [body_ec, b] = co_await asio::async_write(socket, asio::buffer(reply.body), use_tuple);
        if (body_ec) co_return;
        sent += b;
        const std::string filler(chunk, 'x');
        for (std::uint64_t left = reply.filler_bytes; left > 0;) {
            const std::size_t piece = static_cast<std::size_t>(std::min<std::uint64_t>(left, chunk));
            auto [ec, w] = co_await asio::async_write(socket, asio::buffer(filler.data(), piece), use_tuple);
            if (ec) co_return;  // the client gave up (e.g. a size limit): stop writing
            sent += w;
            left -= piece;
            if (reply.filler_interval.count() > 0) {
                asio::steady_timer pause(socket.get_executor(), reply.filler_interval);
                co_await pause.async_wait(use_tuple);
            }
        }
        boost::system::error_code ignored;
        socket.shutdown(tcp::socket::shutdown_send, ignored);
        // Wait for the client to close so the reply is not cut by an RST.
        std::array<char, 512> sink{};
        for (int i = 0; i < 64; ++i) {
            auto [ec, m] = co_await socket.async_read_some(asio::buffer(sink), use_tuple);
            if (ec) break;
        }
    }

    asio::awaitable<void> accept_loop(tcp::acceptor acceptor) {
        for (;;) {
            auto [ec, socket] = co_await acceptor.async_accept(use_tuple);
            if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
            if (ec) continue;
            asio::co_spawn(acceptor.get_executor(), serve(std::move(socket)), asio::detached);
        }
    }
};

http_server::http_server(http_handler fallback, const std::string& bind_address) : impl_(std::make_unique<impl>()) {
    impl_->fallback = std::move(fallback);
    boost::system::error_code ec;
    const auto address = asio::ip::make_address(bind_address, ec);
    if (ec || !address.is_loopback())
        throw std::invalid_argument(fmt::format("the lab HTTP server binds to loopback only, not '{}'", bind_address));
    tcp::acceptor acceptor(*impl_->io);
    const tcp::endpoint where(address, 0);
    acceptor.open(where.protocol(), ec);
    if (!ec) acceptor.bind(where, ec);
    if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) throw std::system_error(ec.value(), std::system_category(), fmt::format("HTTP bind {}", bind_address));
    impl_->local = acceptor.local_endpoint();
    asio::co_spawn(*impl_->io, impl_->accept_loop(std::move(acceptor)), asio::detached);
    impl_->thread = std::thread([io = impl_->io.get()] { io->run(); });
}

http_server::~http_server() { stop(); }

void http_server::route(std::string path, http_reply reply) {
    std::lock_guard lock(impl_->mutex);
    impl_->routes[std::move(path)] = std::move(reply);
}

std::uint16_t http_server::port() const noexcept { return impl_->local.port(); }

std::string http_server::url(std::string_view path) const {
    const auto address = impl_->local.address();
    const std::string host = address.is_v6() ? "[" + address.to_string() + "]" : address.to_string();
    return fmt::format("http://{}:{}{}", host, port(), path);
}

std::uint64_t http_server::request_count() const noexcept { return impl_->requests.load(); }

std::uint64_t http_server::request_count(std::string_view path) const {
    std::lock_guard lock(impl_->mutex);
    const auto it = impl_->per_path.find(path);
    return it == impl_->per_path.end() ? 0 : it->second;
}

std::uint64_t http_server::body_bytes_sent() const noexcept { return impl_->sent.load(); }

void http_server::stop() {
    {
        std::lock_guard lock(impl_->mutex);
        if (impl_->stopped) return;
        impl_->stopped = true;
    }
    impl_->io->stop();
    if (impl_->thread.joinable()) impl_->thread.join();
    impl_->io.reset();  // destroys every connection frame and socket
}

}  // namespace tlsaudit::lab
