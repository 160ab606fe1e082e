#include "http_fetch.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/vector_body.hpp>
#include <boost/beast/http/write.hpp>

#include <fmt/format.h>

#include <memory>
#include <optional>
#include <vector>

#include <sys/socket.h>

namespace tlsaudit::revocation::detail {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
constexpr std::uint32_t header_limit = 16 * 1024;
constexpr std::size_t read_buffer_limit = 1024 * 1024;
constexpr int max_interim_responses = 4;

// One request/response on a fresh connection.
struct exchange_result {
    enum class kind { body, redirect, http_error, refused, network } what = kind::network;
    unsigned status = 0;
    bytes body;
    std::string location;
    std::string error;
};

exchange_result network_failure(std::string what, const boost::system::error_code& ec) {
    exchange_result r;
    r.what = exchange_result::kind::network;
    r.error = fmt::format("{}: {}", what, ec.message());
    return r;
}

bool is_redirect(unsigned status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

exchange_result refused(std::string why) {
    exchange_result r;
    r.what = exchange_result::kind::refused;
    r.error = std::move(why);
    return r;
}

// The resolved addresses the policy lets us connect to; `refusal` says why the first
// refused one was refused. Judged here, after resolution, so a name that resolves
// inside is caught whatever the URL said.
std::vector<tcp::endpoint> allowed_endpoints(const http_url& url, const std::vector<std::string>& resolved,
                                             const ip::fetch_policy& policy, std::string& refusal) {
    std::vector<tcp::endpoint> allowed;
    for (const auto& text : resolved) {
        boost::system::error_code ec;
        const auto parsed = asio::ip::make_address(text, ec);
        if (ec) continue;
        const tcp::endpoint endpoint(parsed, url.port);
        const std::string address = endpoint.address().to_string();
        const auto decision = ip::judge_fetch({url.host, address, url.port, "http"}, policy);
        if (decision.allowed) {
            allowed.push_back(endpoint);
        } else if (refusal.empty()) {
            const bool v6 = endpoint.address().is_v6();
            refusal = fmt::format("destination {}{}{}:{} refused: {}", v6 ? "[" : "", address, v6 ? "]" : "", url.port,
                                  decision.rule);
            if (!decision.lifted_by.empty()) refusal += fmt::format(" ({})", decision.lifted_by);
        }
    }
    return allowed;
}

// What the deadline closes: the exchange's socket, shared with the timer's handler, which
// may run after the exchange has returned. (The lookup ends at the deadline by itself.)
struct connection {
    explicit connection(const asio::any_io_executor& executor) : socket(executor) {}
    tcp::socket socket;
    bool expired = false;
    bool done = false;
};

asio::awaitable<exchange_result> exchange(const http_url& url, const fetch_spec& spec, fetch_guard guard,
                                          dns::resolver& names, asio::steady_timer::time_point until, connection& c) {
    const auto resolved = co_await names.resolve(url.host, AF_UNSPEC, until);
    if (!resolved.error.empty()) {
        if (resolved.expired) c.expired = true;  // the deadline's message
        exchange_result r;
        r.error = fmt::format("cannot resolve {}: {}", url.host, resolved.error);
        co_return r;
    }
    std::string refusal;
    const auto endpoints = allowed_endpoints(url, resolved.addresses, guard.policy, refusal);
    if (endpoints.empty()) {
        guard.budget.add_refusal();
        co_return refused(refusal.empty() ? fmt::format("{} resolved to no address", url.host) : refusal);
    }
    // Only destinations the policy lets through count against the scan's cap.
    if (!guard.budget.admit(url.host_key())) {
        guard.budget.add_refusal();
        co_return refused(
            fmt::format("destination {} refused: more than {} fetch destinations in this scan "
                        "(--fetch-max-destinations)",
                        url.host_key(), guard.budget.max_destinations()));
    }
    auto& socket = c.socket;
    auto [connect_ec, peer] = co_await asio::async_connect(socket, endpoints, use_tuple);
    if (connect_ec) co_return network_failure(fmt::format("cannot connect to {}", url.host_key()), connect_ec);

    http::request<http::vector_body<unsigned char>> request{spec.method == "POST" ? http::verb::post : http::verb::get,
                                                            url.target, 11};
    request.set(http::field::host, url.host_header);
    request.set(http::field::user_agent, "tlsaudit");
    request.set(http::field::connection, "close");
    if (!spec.accept.empty()) request.set(http::field::accept, spec.accept);
    if (spec.method == "POST") {
        request.set(http::field::content_type, spec.content_type);
        request.body() = spec.body;
    }
    request.prepare_payload();
    auto [write_ec, written] = co_await http::async_write(socket, request, use_tuple);
    if (write_ec) co_return network_failure("cannot send the request", write_ec);

    // Bounded whatever the server sends: a chunk extension that never ends fills it and fails
    // (the parser's header and body limits do not cover chunk lines).
    beast::flat_buffer buffer(read_buffer_limit);
    std::optional<http::response_parser<http::vector_body<unsigned char>>> parsed;
    boost::system::error_code header_ec;
    // Interim answers (100 Continue, 103 Early Hints) come before the real one and are
    // skipped (RFC 9110 15.2); a few at most.
    for (int interim = 0; interim <= max_interim_responses; ++interim) {
        parsed.emplace();
        parsed->header_limit(header_limit);
        parsed->body_limit(spec.max_body);
        auto [ec, header_bytes] = co_await http::async_read_header(socket, buffer, *parsed, use_tuple);
        guard.budget.add_bytes(header_bytes);
        header_ec = ec;
        const unsigned status = ec ? 0 : parsed->get().result_int();
        if (ec || status < 100 || status > 199 || status == 101) break;
    }
    auto& parser = *parsed;
    exchange_result r;
    if (header_ec == http::error::body_limit) {
        r.what = exchange_result::kind::refused;
        r.error = fmt::format("refused: Content-Length exceeds the limit of {} bytes", spec.max_body);
        co_return r;
    }
    if (header_ec) co_return network_failure("cannot read the response header", header_ec);
    r.status = parser.get().result_int();
    if (is_redirect(r.status)) {
        r.what = exchange_result::kind::redirect;
        r.location = std::string(parser.get()[http::field::location]);
        co_return r;
    }
    if (r.status != 200) {
        r.what = exchange_result::kind::http_error;
        r.error = fmt::format("HTTP {}", r.status);
        co_return r;
    }
    if (const auto length = parser.content_length(); length && *length > spec.max_body) {
        r.what = exchange_result::kind::refused;
        r.error = fmt::format("refused: Content-Length {} exceeds the limit of {} bytes", *length, spec.max_body);
        co_return r;
    }
    auto [body_ec, body_bytes] = co_await http::async_read(socket, buffer, parser, use_tuple);
    guard.budget.add_bytes(body_bytes);
    if (body_ec == http::error::body_limit) {
        r.what = exchange_result::kind::refused;
        r.error = fmt::format("refused: body exceeds the limit of {} bytes", spec.max_body);
        co_return r;
    }
    if (body_ec) co_return network_failure("cannot read the response body", body_ec);
    r.what = exchange_result::kind::body;
    r.body = std::move(parser.get().body());
    boost::system::error_code ignored;
    socket.shutdown(tcp::socket::shutdown_both, ignored);
    co_return r;
}

// The exchange until `until`: then the lookup ends, and the deadline closes the socket,
// which ends every operation in flight however steadily the server sends.
asio::awaitable<exchange_result> exchange_with_deadline(const http_url& url, const fetch_spec& spec, fetch_guard guard,
                                                        dns::resolver& names, asio::steady_timer::time_point until) {
    const auto executor = co_await asio::this_coro::executor;
    auto c = std::make_shared<connection>(executor);
    asio::steady_timer deadline(executor, until);
    deadline.async_wait([c](boost::system::error_code ec) {
        if (ec || c->done) return;
        c->expired = true;
        boost::system::error_code ignored;
        c->socket.close(ignored);
    });
    exchange_result r = co_await exchange(url, spec, guard, names, until, *c);
    c->done = true;
    deadline.cancel();
    if (c->expired) {
        r = exchange_result{};
        r.what = exchange_result::kind::network;
        r.error = fmt::format("timeout after {} ms", spec.timeout.count());
    }
    co_return r;
}

}  // namespace

host_gates::host_gates(asio::any_io_executor executor, std::size_t per_host, int failure_limit,
                       std::chrono::milliseconds lookup_timeout, const std::string& resolver)
    : executor_(executor),
      names_(executor, dns::resolver_options{lookup_timeout, resolver, "--revocation-timeout"}),
      per_host_(per_host),
      failure_limit_(failure_limit) {}

host_gates::gate& host_gates::at(const std::string& host_key) {
    auto& slot = gates_[host_key];
    if (!slot) slot = std::make_unique<gate>(executor_, per_host_);
    return *slot;
}

asio::awaitable<fetch_result> fetch(http_url url, fetch_spec spec, host_gates& gates, fetch_guard guard,
                                    std::function<void()> on_exchange) {
    fetch_result result;
    std::optional<asio::steady_timer::time_point> until;  // one deadline for the redirects too
    for (int redirects = 0;; ++redirects) {
        auto& gate = gates.at(url.host_key());
        if (gates.failure_limit() > 0 && gate.consecutive_failures >= gates.failure_limit()) {
            result.error =
                fmt::format("{} skipped after {} consecutive failures", url.host_key(), gate.consecutive_failures);
            co_return result;
        }
        // A slot is a message in the channel's buffer: send blocks while all are taken.
        auto [slot_ec] = co_await gate.slots.async_send(boost::system::error_code{}, use_tuple);
        if (slot_ec) {
            result.error = "cancelled";
            co_return result;
        }
        if (gates.failure_limit() > 0 && gate.consecutive_failures >= gates.failure_limit()) {
            gate.slots.try_receive([](boost::system::error_code) {});
            result.error =
                fmt::format("{} skipped after {} consecutive failures", url.host_key(), gate.consecutive_failures);
            co_return result;
        }
        if (on_exchange) on_exchange();
        if (!until) until = asio::steady_timer::clock_type::now() + spec.timeout;
        exchange_result r = co_await exchange_with_deadline(url, spec, guard, gates.names(), *until);
        gate.slots.try_receive([](boost::system::error_code) {});
        const bool host_failed = r.what == exchange_result::kind::network ||
                                 (r.what == exchange_result::kind::http_error && r.status >= 500);
        gate.consecutive_failures = host_failed ? gate.consecutive_failures + 1 : 0;

        switch (r.what) {
        case exchange_result::kind::body:
            result.ok = true;
            result.body = std::move(r.body);
            co_return result;
        case exchange_result::kind::redirect: {
            if (redirects >= spec.max_redirects) {
                result.error = fmt::format("more than {} redirects", spec.max_redirects);
                co_return result;
            }
            std::string error;
            auto next = resolve_location(url, r.location, error);
            if (!next) {
                result.error = fmt::format("redirect to '{}': {}", r.location.substr(0, 200), error);
                co_return result;
            }
            url = std::move(*next);
            if (r.status == 303) {
                spec.method = "GET";
                spec.body.clear();
            }
            continue;
        }
        default: result.error = std::move(r.error); co_return result;
        }
    }
}

}  // namespace tlsaudit::revocation::detail
