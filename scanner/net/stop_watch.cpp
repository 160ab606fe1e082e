#include "stop_watch.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace tlsaudit::net::detail {
namespace {

using clock = std::chrono::steady_clock;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
constexpr std::chrono::milliseconds poll_interval{20};

std::int64_t now_ns() { return clock::now().time_since_epoch().count(); }

}  // namespace

stop_watch::stop_watch(asio::any_io_executor executor, stop_state& state, std::size_t workers)
    : state_(state), active_(workers), poll_(executor), cut_(executor, clock::time_point::max()) {}

void stop_watch::worker_done() {
    if (active_ > 0 && --active_ == 0) poll_.cancel();
}

asio::awaitable<void> stop_watch::run() {
    while (active_ > 0 && !state_.stopping()) {
        poll_.expires_after(poll_interval);
        co_await poll_.async_wait(use_tuple);
    }
    if (active_ == 0) co_return;
    // The first thread to see the stop fixes the moment the grace started for all.
    std::int64_t expected = 0;
    state_.seen_ns.compare_exchange_strong(expected, now_ns());
    const auto deadline = clock::time_point(clock::duration(state_.seen_ns.load())) + state_.grace;
    while (active_ > 0 && clock::now() < deadline && !state_.cut.load()) {
        poll_.expires_at(std::min(deadline, clock::now() + poll_interval));
        co_await poll_.async_wait(use_tuple);
    }
    if (active_ == 0) co_return;
    state_.cut.store(true);
    cut_.cancel();
}

}  // namespace tlsaudit::net::detail
