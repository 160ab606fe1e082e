#pragma once
// --per-host-concurrency: at most N connections in flight to one IP address, across all
// ports, names and scan threads. A worker that finds its address full waits (without
// polling) until another worker hands its slot over.

#include "asio_fwd.hpp"

#include <array>
#include <cstddef>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>

namespace tlsaudit::net::detail {

class host_slots {
public:
    // 0: unlimited (acquire() returns at once and nothing is tracked).
    explicit host_slots(std::size_t per_host);
    host_slots(const host_slots&) = delete;
    host_slots& operator=(const host_slots&) = delete;

    // Holds one slot of an address until destroyed.
    class lease {
    public:
        lease() = default;
        lease(host_slots* owner, std::string address) : owner_(owner), address_(std::move(address)) {}
        lease(lease&& other) noexcept : owner_(other.owner_), address_(std::move(other.address_)) {
            other.owner_ = nullptr;
        }
        lease& operator=(lease&&) = delete;
        ~lease();

    private:
        host_slots* owner_ = nullptr;
        std::string address_;
    };

    // Waits for a free slot of `address` and takes it. Waiters are served in arrival order.
    asio::awaitable<lease> acquire(const std::string& address);

    std::size_t per_host() const { return per_host_; }

private:
    struct waiter;
    struct host {
        std::size_t active = 0;
        std::deque<waiter*> waiting;
    };
    // Striped so that threads scanning different addresses rarely meet on one mutex.
    struct stripe {
        std::mutex mutex;
        std::unordered_map<std::string, host> hosts;
    };
    static constexpr std::size_t stripe_count = 64;

    stripe& stripe_of(const std::string& address);
    void release(const std::string& address);

    std::size_t per_host_;
    std::array<stripe, stripe_count> stripes_;
};

}  // namespace tlsaudit::net::detail
