#pragma once
// A small HTTP/1.1 client for OCSP and CRL fetches (Boost.Beast over Asio), with the
// limits a scanner needs against hostile or broken servers: a deadline per exchange,
// a body size limit enforced while reading, at most N redirects (http:// only), and a
// per-host concurrency limit with a failure breaker; and the destination policy of
// fetch_policy.hpp, judged on every resolved address right before connecting, so that
// neither a name resolving inside nor a redirect gets around it. Private to
// scanner/revocation.

#include "http_url.hpp"

#include "dns/resolver.hpp"

#include <tlsaudit/fetch_policy.hpp>
#include <tlsaudit/model.hpp>
#include <tlsaudit/revocation.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/experimental/channel.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

namespace tlsaudit::revocation::detail {

namespace asio = boost::asio;

struct fetch_spec {
    std::string method = "GET";  // "GET" or "POST"
    bytes body;                  // POST only
    std::string content_type;    // POST only
    std::string accept;
    std::uint64_t max_body = 1u << 20;        // larger bodies are refused (Content-Length first)
    std::chrono::milliseconds timeout{5000};  // the whole fetch, redirects included
    int max_redirects = 3;
};

// Where a fetch may go, and the scan's count of destinations and bytes.
struct fetch_guard {
    const ip::fetch_policy& policy;
    fetch_budget& budget;
};

struct fetch_result {
    bool ok = false;  // status 200 and the whole body read
    bytes body;
    std::string error;  // when !ok: why ("timeout after 5000 ms", "HTTP 404", ...)
};

// Per host:port concurrency slots and consecutive-failure counts, and the resolver of
// the hosts' names (c-ares: a lookup ends at the fetch's deadline, and a silent name
// server holds up no other fetch). Not thread-safe: used from one thread (the checker's
// io_context thread) only.
class host_gates {
public:
    // `lookup_timeout`: the longest a name's lookup may take (each fetch's deadline also
    // ends its lookup); `resolver`: the DNS server to ask, empty for the system's. Throws
    // std::invalid_argument for a resolver that is not an address.
    host_gates(asio::any_io_executor executor, std::size_t per_host, int failure_limit,
               std::chrono::milliseconds lookup_timeout, const std::string& resolver);

    struct gate {
        asio::experimental::channel<void(boost::system::error_code)> slots;
        int consecutive_failures = 0;
        gate(asio::any_io_executor ex, std::size_t n) : slots(std::move(ex), n) {}
    };
    gate& at(const std::string& host_key);
    int failure_limit() const noexcept { return failure_limit_; }
    dns::resolver& names() noexcept { return names_; }

private:
    asio::any_io_executor executor_;
    dns::resolver names_;
    std::size_t per_host_;
    int failure_limit_;
    std::map<std::string, std::unique_ptr<gate>> gates_;
};

// Fetches `url`, following up to spec.max_redirects redirects (301, 302, 303, 307,
// 308; same method and body, except 303 which becomes GET). Each hop is a destination
// for `guard`: admitted by its budget (or refused past the cap), and connected only to
// resolved addresses its policy allows (a refusal names the rule in the error). Calls
// `on_exchange` before each HTTP exchange. Never throws for network or server failures
// or refusals (they are fetch_result::error); throws std::bad_alloc only. Must run on
// the thread that owns `gates`.
asio::awaitable<fetch_result> fetch(http_url url, fetch_spec spec, host_gates& gates, fetch_guard guard,
                                    std::function<void()> on_exchange);

}  // namespace tlsaudit::revocation::detail
