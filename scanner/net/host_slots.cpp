#include "host_slots.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <functional>

namespace tlsaudit::net::detail {

// A worker parked on a full address: its timer never expires on its own; release()
// cancels it from the timer's own executor once the slot is handed over.
struct host_slots::waiter {
    asio::steady_timer timer;
    bool granted = false;
};

host_slots::lease::~lease() {
    if (owner_) owner_->release(address_);
}

host_slots::host_slots(std::size_t per_host) : per_host_(per_host) {}

host_slots::stripe& host_slots::stripe_of(const std::string& address) {
    return stripes_[std::hash<std::string>{}(address) % stripe_count];
}

asio::awaitable<host_slots::lease> host_slots::acquire(const std::string& address) {
    if (per_host_ == 0) co_return lease{};
    // A cancelled scan (an interrupted run cuts every worker) must not leave this waiter
    // queued, or a later hand-over would reach a destroyed frame: keep waiting for the
    // slot, which the cancelled holders give back as they unwind, and let the caller's
    // next operation see the cancellation.
    co_await asio::this_coro::throw_if_cancelled(false);
    waiter w{asio::steady_timer(co_await asio::this_coro::executor, asio::steady_timer::time_point::max())};
    {
        stripe& s = stripe_of(address);
        std::lock_guard lock(s.mutex);
        host& h = s.hosts[address];
        if (h.active < per_host_) {
            ++h.active;
            co_return lease{this, address};
        }
        h.waiting.push_back(&w);
    }
    // The hand-over is posted to this executor, so it cannot run before this wait starts.
    while (!w.granted) co_await w.timer.async_wait(asio::as_tuple(asio::use_awaitable));
    co_return lease{this, address};
}

void host_slots::release(const std::string& address) {
    stripe& s = stripe_of(address);
    waiter* next = nullptr;
    {
        std::lock_guard lock(s.mutex);
        auto it = s.hosts.find(address);
        if (it == s.hosts.end()) return;
        host& h = it->second;
        if (h.waiting.empty()) {
            if (--h.active == 0) s.hosts.erase(it);  // nothing kept for idle addresses
            return;
        }
        next = h.waiting.front();  // the slot passes straight to the next waiter
        h.waiting.pop_front();
    }
    asio::post(next->timer.get_executor(), [next] {
        next->granted = true;
        next->timer.cancel();
    });
}

}  // namespace tlsaudit::net::detail
