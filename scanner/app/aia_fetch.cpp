#include "aia_fetch.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/vector_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/url/parse.hpp>

namespace tlsaudit::app {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
constexpr auto use = asio::as_tuple(asio::use_awaitable);

struct request_target {
    std::string host;
    std::string port;
    std::string target;
};

std::optional<request_target> parse_http_url(const std::string& url) {
    auto parsed = boost::urls::parse_uri(url);
    if (!parsed || parsed->scheme() != "http" || parsed->host().empty()) return std::nullopt;
    request_target t;
    t.host = parsed->host();
    t.port = parsed->has_port() ? std::string(parsed->port()) : "80";
    t.target = parsed->encoded_target().empty() ? "/" : std::string(parsed->encoded_target());
    return t;
}

asio::awaitable<void> get(request_target t, std::uint64_t max_body, std::optional<bytes>& out) {
    auto ex = co_await asio::this_coro::executor;
    tcp::resolver resolver(ex);
    auto [rec, endpoints] = co_await resolver.async_resolve(t.host, t.port, use);
    if (rec) co_return;
    beast::tcp_stream stream(ex);
    auto [cec, connected] = co_await stream.async_connect(endpoints, use);
    if (cec) co_return;
    http::request<http::empty_body> req{http::verb::get, t.target, 11};
    req.set(http::field::host, t.host);
    req.set(http::field::user_agent, "tlsaudit");
    req.set(http::field::accept, "application/pkix-cert, application/x-x509-ca-cert, */*");
    auto [wec, written] = co_await http::async_write(stream, req, use);
    if (wec) co_return;
    beast::flat_buffer buffer;
    http::response_parser<http::vector_body<unsigned char>> parser;
    parser.body_limit(max_body);
    auto [ec, read] = co_await http::async_read(stream, buffer, parser, use);
    if (ec || parser.get().result() != http::status::ok) co_return;
    out = std::move(parser.get().body());
}

}  // namespace

std::optional<bytes> fetch_issuer(const std::string& url, const aia_fetch_limits& limits) {
    const auto target = parse_http_url(url);
    if (!target) return std::nullopt;
    std::optional<bytes> out;
    try {
        asio::io_context io(1);
        asio::co_spawn(io, get(*target, limits.max_body, out), asio::detached);
        // The deadline covers the whole exchange; whatever is still pending is destroyed
        // with the io_context.
        io.run_for(limits.timeout);
        if (!io.stopped()) return std::nullopt;
    } catch (const std::bad_alloc&) {
        throw;
    } catch (const std::exception&) {
        return std::nullopt;
    }
    return out;
}

issuer_fetcher make_issuer_fetcher(const aia_fetch_limits& limits) {
    return [limits](const std::string& url) { return fetch_issuer(url, limits); };
}

}  // namespace tlsaudit::app
