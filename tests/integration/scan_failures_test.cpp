// run_scan when its target source or its result sink throws (a target list that cannot be
// read, records that cannot be written): the scan ends, run_scan rethrows the first
// exception, and it returns instead of waiting for a cut that never comes.

#include "scan_support.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>

namespace tlsaudit::testing {
namespace {

// A target on a loopback port nothing listens on: refused at once.
target refused_target(int i) {
    target t;
    t.input = "127.0.0.1:9 #" + std::to_string(i);
    t.line_no = static_cast<std::uint64_t>(i + 1);
    t.host = "127.0.0.1";
    t.host_is_ip = true;
    t.port = 9;
    return t;
}

// With and without an interrupt flag: with one, each worker races its targets against the
// interrupt's cut (stop_watch), the path on which a failed worker used to wait for ever.
class scan_failures : public ::testing::TestWithParam<bool> {
protected:
    std::atomic<bool> stop_{false};
    net::scan_config config() {
        auto c = quick_config(4);
        if (GetParam()) c.stop = &stop_;
        return c;
    }
};

TEST_P(scan_failures, a_source_that_throws_ends_the_scan_and_run_scan_rethrows_it) {
    int taken = 0;
    std::atomic<int> delivered{0};
    auto next = [&]() -> std::optional<target> {
        if (taken == 3) throw std::runtime_error("cannot read the target list: Input/output error");
        return refused_target(taken++);
    };
    try {
        net::run_scan(config(), next, [&](scan_result&&) { ++delivered; });
        FAIL() << "run_scan returned";
    } catch (const std::runtime_error& e) {
        EXPECT_STREQ(e.what(), "cannot read the target list: Input/output error");
    }
    EXPECT_EQ(taken, 3);  // nothing is taken after the failure
    EXPECT_EQ(delivered.load(), 3);
}

TEST_P(scan_failures, a_sink_that_throws_ends_the_scan_and_run_scan_rethrows_it) {
    std::atomic<int> taken{0};
    std::atomic<int> calls{0};
    auto next = [&]() -> std::optional<target> {
        const int i = taken++;
        if (i == 1000) return std::nullopt;
        return refused_target(i);
    };
    try {
        net::run_scan(config(), next, [&](scan_result&&) {
            ++calls;
            throw std::runtime_error("cannot write r.ndjson: No space left on device");
        });
        FAIL() << "run_scan returned";
    } catch (const std::runtime_error& e) {
        EXPECT_STREQ(e.what(), "cannot write r.ndjson: No space left on device");
    }
    // Nothing is taken after the first failure, so each of the 4 workers took one target
    // at most; results are dropped once it is recorded (two threads may each have been
    // inside the sink at that moment).
    EXPECT_GE(calls.load(), 1);
    EXPECT_LE(calls.load(), 2);
    EXPECT_LE(taken.load(), 4);
}

INSTANTIATE_TEST_SUITE_P(interrupt_flag, scan_failures, ::testing::Bool());

}  // namespace
}  // namespace tlsaudit::testing
