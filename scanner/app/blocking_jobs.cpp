#include "blocking_jobs.hpp"

#include <boost/asio/post.hpp>

#include <utility>

namespace tlsaudit::app {

blocking_jobs::blocking_jobs(std::size_t threads, std::size_t max_pending)
    : max_pending_(max_pending), pool_(threads) {}

blocking_jobs::~blocking_jobs() {
    {
        std::unique_lock lock(mutex_);
        wait_idle(lock);
    }
    pool_.join();
}

void blocking_jobs::post(std::function<void()> job) {
    {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [this] { return pending_ < max_pending_; });
        ++pending_;
    }
    boost::asio::post(pool_, [this, job = std::move(job)] {
        std::exception_ptr failed;
        try {
            job();
        } catch (...) {
            failed = std::current_exception();
        }
        {
            std::lock_guard lock(mutex_);
            if (failed && !error_) error_ = failed;
            --pending_;
        }
        changed_.notify_all();
    });
}

void blocking_jobs::wait_idle(std::unique_lock<std::mutex>& lock) {
    changed_.wait(lock, [this] { return pending_ == 0; });
}

std::size_t blocking_jobs::pending() const {
    std::lock_guard lock(mutex_);
    return pending_;
}

bool blocking_jobs::failed() const {
    std::lock_guard lock(mutex_);
    return error_ != nullptr;
}

void blocking_jobs::rethrow_failure() const {
    std::exception_ptr error;
    {
        std::lock_guard lock(mutex_);
        error = error_;
    }
    if (error) std::rethrow_exception(error);
}

void blocking_jobs::drain() {
    std::unique_lock lock(mutex_);
    wait_idle(lock);
    if (auto error = std::exchange(error_, nullptr)) std::rethrow_exception(error);
}

}  // namespace tlsaudit::app
