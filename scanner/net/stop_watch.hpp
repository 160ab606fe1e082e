#pragma once
// Interruption of a scan (scan_config::stop): one watcher per scan thread polls the
// stop flag; once it is set, the thread's workers get `grace` to finish, then the
// `cut` timer is cancelled, which cancels every endpoint still in flight on that thread
// (each worker races its target against cut). Results that arrive after the cut are not
// delivered: a record in the stream always reflects a finished endpoint.

#include "asio_fwd.hpp"

#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>

namespace tlsaudit::net::detail {

// Shared by all scan threads of one run_scan.
struct stop_state {
    const std::atomic<bool>* stop = nullptr;  // null: the scan cannot be interrupted
    std::chrono::milliseconds grace{2000};
    std::atomic<std::int64_t> seen_ns{0};  // steady_clock time the stop was first seen; 0: not yet
    std::atomic<bool> cut{false};          // the grace is over: deliver nothing more

    bool stopping() const { return stop && stop->load(std::memory_order_relaxed); }
};

// One per scan thread, used only on that thread.
class stop_watch {
public:
    stop_watch(asio::any_io_executor executor, stop_state& state, std::size_t workers);

    // Runs until every worker of the thread called worker_done(), cancelling `cut`
    // when the grace is over.
    asio::awaitable<void> run();
    void worker_done();

    asio::steady_timer& cut() { return cut_; }

private:
    stop_state& state_;
    std::size_t active_;
    asio::steady_timer poll_;
    asio::steady_timer cut_;
};

}  // namespace tlsaudit::net::detail
