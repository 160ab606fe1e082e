// blocking_jobs: the threads of --fetch-missing's chases.

#include "blocking_jobs.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <stdexcept>
#include <thread>

namespace tlsaudit::app {
namespace {

TEST(blocking_jobs, runs_every_job_and_drain_waits_for_them) {
    std::atomic<int> done{0};
    blocking_jobs jobs(4, 8);
    for (int i = 0; i < 100; ++i) jobs.post([&] { ++done; });
    jobs.drain();
    EXPECT_EQ(done.load(), 100);
}

TEST(blocking_jobs, drain_rethrows_the_first_error_once_and_the_other_jobs_still_run) {
    std::atomic<int> done{0};
    blocking_jobs jobs(1, 8);
    jobs.post([] { throw std::runtime_error("first"); });
    jobs.post([] { throw std::runtime_error("second"); });
    jobs.post([&] { ++done; });
    try {
        jobs.drain();
        FAIL() << "no exception";
    } catch (const std::runtime_error& e) {
        EXPECT_STREQ(e.what(), "first");
    }
    EXPECT_EQ(done.load(), 1);
    EXPECT_NO_THROW(jobs.drain());
}

// A caller that must stop early (the scan's next target) sees the failure without waiting,
// and drain() still reports it.
TEST(blocking_jobs, a_failure_is_seen_at_once_and_kept_for_drain) {
    blocking_jobs jobs(1, 8);
    EXPECT_FALSE(jobs.failed());
    EXPECT_NO_THROW(jobs.rethrow_failure());
    std::promise<void> thrown;
    jobs.post([&] {
        thrown.set_value();
        throw std::runtime_error("cannot write scan.ndjson");
    });
    thrown.get_future().wait();
    for (int i = 0; i < 2000 && !jobs.failed(); ++i)  // up to 10 s on a starved machine
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    EXPECT_TRUE(jobs.failed());
    EXPECT_THROW(jobs.rethrow_failure(), std::runtime_error);
    EXPECT_THROW(jobs.rethrow_failure(), std::runtime_error);  // kept
    EXPECT_THROW(jobs.drain(), std::runtime_error);
    EXPECT_FALSE(jobs.failed());  // drain() took it
}

// With max_pending jobs waiting, post() returns only once one of them ends.
TEST(blocking_jobs, post_waits_while_the_queue_is_full) {
    std::promise<void> release;
    std::shared_future<void> released = release.get_future().share();
    blocking_jobs jobs(1, 2);
    jobs.post([released] { released.wait(); });
    jobs.post([released] { released.wait(); });
    std::atomic<bool> posted{false};
    std::thread poster([&] {
        jobs.post([] {});
        posted = true;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    EXPECT_FALSE(posted.load());
    release.set_value();
    poster.join();
    EXPECT_TRUE(posted.load());
    jobs.drain();
}

TEST(blocking_jobs, the_destructor_waits_for_the_jobs) {
    std::atomic<int> done{0};
    {
        blocking_jobs jobs(2, 4);
        for (int i = 0; i < 4; ++i)
            jobs.post([&] {
                std::this_thread::sleep_for(std::chrono::milliseconds(20));
                ++done;
            });
    }
    EXPECT_EQ(done.load(), 4);
}

}  // namespace
}  // namespace tlsaudit::app
