#include "http_fetch.hpp"
#include "http_url.hpp"

#include <tlsaudit/revocation.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <algorithm>
#include <limits>
#include <new>

namespace tlsaudit::revocation {

std::optional<bytes> http_get(const std::string& url, const get_limits& limits, std::string* why) {
    std::string error;
    const auto failed = [&] {
        if (why != nullptr) *why = error.empty() ? "no answer" : error;
        return std::nullopt;
    };
    const auto parsed = detail::parse_http_url(url, error);
    if (!parsed) return failed();
    detail::fetch_spec spec;
    spec.accept = limits.accept;
    spec.max_body = limits.max_body;
    spec.timeout = limits.timeout;
    std::optional<bytes> out;
    try {
        const auto budget =
            limits.budget ? limits.budget
                          : std::make_shared<fetch_budget>(std::max<std::size_t>(limits.policy.max_destinations, 1));
        boost::asio::io_context io(1);
        detail::host_gates gates(io.get_executor(), 1, 0, limits.timeout,
                                 limits.resolver);  // one request: no limit to keep
        auto get = [&]() -> boost::asio::awaitable<void> {
            auto result = co_await detail::fetch(*parsed, spec, gates, {limits.policy, *budget}, [] {});
            if (result.ok) out = std::move(result.body);
            else error = std::move(result.error);
        };
        boost::asio::co_spawn(io, get, boost::asio::detached);
        io.run();  // fetch() bounds every exchange by spec.timeout
    } catch (const std::bad_alloc&) {
        throw;
    } catch (const std::exception& e) {
        error = e.what();
        return failed();
    }
    if (!out) return failed();
    return out;
}

}  // namespace tlsaudit::revocation
