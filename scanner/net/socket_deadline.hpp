#pragma once
// A deadline on the steps of one connection (connect, STARTTLS, handshake): when it
// passes, the socket's pending operations are cancelled, so the step ends with
// operation_aborted and stop() says the deadline did it. It does what
// `co_await (step() || timer.async_wait())` does for a step whose operations are all on
// one socket, without a parallel group and two spawned coroutines per step (about a
// quarter of the instructions). Cancellation from the caller (a scan's stop) still
// reaches the step's operations as before: they keep the coroutine's cancellation slot.

#include "asio_fwd.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <memory>

namespace tlsaudit::net::detail {

// Used by one coroutine at a time, on its executor's thread. Throws only what
// steady_timer throws (allocation).
class socket_deadline {
public:
    explicit socket_deadline(const asio::any_io_executor& executor);
    ~socket_deadline();
    socket_deadline(const socket_deadline&) = delete;
    socket_deadline& operator=(const socket_deadline&) = delete;

    // Starts the clock for a step whose operations are all on `socket`, which must
    // outlive the step (until stop() or the destructor).
    void start(asio::ip::tcp::socket& socket, std::chrono::steady_clock::duration timeout);
    // Ends the step; true when the deadline passed during it (its operations were
    // cancelled). A step that completed on its own as the deadline passed keeps its result:
    // callers call a step timed out only when it also failed.
    bool stop();

private:
    // Shared with the timer's handler, which may run after this object is gone (a
    // cancelled wait still completes): the step number tells it whether its step is
    // still the current one.
    struct state {
        std::uint64_t step = 0;
        bool expired = false;
        asio::ip::tcp::socket* socket = nullptr;
    };
    asio::steady_timer timer_;
    std::shared_ptr<state> state_;
};

}  // namespace tlsaudit::net::detail
