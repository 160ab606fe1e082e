#pragma once
// Jobs that may wait on the network for seconds (the caIssuers downloads of
// --fetch-missing), run on a few threads of their own so that a scan thread never waits
// on them: while it did, the handshakes it drives stood still and their timings grew.
//
// Use: post() from any thread; drain() once the last job is posted, which rethrows the
// first exception a job threw. The destructor waits for the jobs and drops their errors.

#include <boost/asio/thread_pool.hpp>

#include <condition_variable>
#include <cstddef>
#include <exception>
#include <functional>
#include <mutex>

namespace tlsaudit::app {

class blocking_jobs {
public:
    // `threads` run the jobs; post() blocks while `max_pending` are queued or running.
    blocking_jobs(std::size_t threads, std::size_t max_pending);
    ~blocking_jobs();
    blocking_jobs(const blocking_jobs&) = delete;
    blocking_jobs& operator=(const blocking_jobs&) = delete;

    void post(std::function<void()> job);
    void drain();

    // Jobs queued or running: post() blocks while this is max_pending.
    std::size_t pending() const;

    // Whether a job threw (drain() has not taken the error yet); rethrow_failure() throws
    // that error, keeping it for drain(). For a caller that must stop early.
    bool failed() const;
    void rethrow_failure() const;

private:
    void wait_idle(std::unique_lock<std::mutex>& lock);

    const std::size_t max_pending_;
    mutable std::mutex mutex_;
    std::condition_variable changed_;
    std::size_t pending_ = 0;
    std::exception_ptr error_;       // the first exception a job threw
    boost::asio::thread_pool pool_;  // declared last: joined before the rest goes
};

}  // namespace tlsaudit::app
