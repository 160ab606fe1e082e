// scan_config::sink_ready: while the sink says it has no room, no target is taken, and the
// endpoints in flight on the same thread go on (a sink that blocked instead held them up).

#include "scan_support.hpp"

#include <tlsaudit/lab/pki.hpp>
#include <tlsaudit/lab/tls_server.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace tlsaudit::testing {
namespace {

using namespace std::chrono_literals;

target loopback_target(std::uint16_t port, int line) {
    target t;
    t.input = "127.0.0.1:" + std::to_string(port);
    t.line_no = static_cast<std::uint64_t>(line);
    t.host = "127.0.0.1";
    t.host_is_ip = true;
    t.port = port;
    return t;
}

struct ready_lab {
    lab::hierarchy h = lab::make_hierarchy(lab::key_kind::ec_p256, 1, {"ready.lab.test"});
    lab::server_pool servers{1};

    std::uint16_t start(std::chrono::milliseconds delay) {
        return servers.start({.chain = h.served_chain(), .leaf_key = h.leaf.k, .response_delay = delay});
    }
};

// One thread, two workers. The first target's server answers after 800 ms; the sink has
// no room for a second target until the first result is in. The second worker waits on
// its timer meanwhile, so the first handshake goes on on the same thread.
TEST(sink_ready, no_target_is_taken_while_the_sink_has_no_room) {
    ready_lab lab;
    const auto slow = lab.start(800ms);
    const auto fast = lab.start(0ms);
    const std::vector<target> list{loopback_target(slow, 1), loopback_target(fast, 2), loopback_target(fast, 3)};
    std::size_t taken = 0;
    std::atomic<bool> first_in{false};
    std::atomic<int> asked{0};
    std::mutex mutex;
    std::vector<std::uint64_t> order;
    std::vector<bool> first_in_when_taken;
    auto config = quick_config(2);
    config.threads = 1;
    config.handshake_timeout = 3s;
    config.sink_ready = [&] {
        ++asked;
        return first_in.load() || taken == 0;
    };
    net::run_scan(
        config,
        [&]() -> std::optional<target> {
            if (taken == list.size()) return std::nullopt;
            first_in_when_taken.push_back(first_in.load());
            return list[taken++];
        },
        [&](scan_result&& r) {
            std::lock_guard lock(mutex);
            EXPECT_FALSE(r.cap.error) << r.ep.tgt.input << ": " << r.cap.error->detail;
            order.push_back(r.ep.tgt.line_no);
            first_in = true;
        });
    ASSERT_EQ(order.size(), 3u);
    EXPECT_EQ(order[0], 1u);  // without the wait, the fast second target came in first
    EXPECT_EQ(first_in_when_taken, (std::vector<bool>{false, true, true}));
    EXPECT_GT(asked.load(), 2);  // the waiting worker asked again on its timer
}

// A stop while the workers wait for room ends the scan; nothing more is taken.
TEST(sink_ready, a_stop_ends_the_wait) {
    ready_lab lab;
    const auto port = lab.start(0ms);
    std::atomic<bool> stop{false};
    std::atomic<int> taken{0}, delivered{0};
    auto config = quick_config(4);
    config.stop = &stop;
    config.stop_grace = 500ms;
    config.sink_ready = [&] { return taken.load() == 0; };
    std::thread stopper([&] {
        for (int i = 0; i < 500 && delivered.load() == 0; ++i) std::this_thread::sleep_for(10ms);
        std::this_thread::sleep_for(200ms);
        stop = true;
    });
    net::run_scan(
        config,
        [&]() -> std::optional<target> {
            const int i = taken++;
            if (i == 100) return std::nullopt;
            return loopback_target(port, i + 1);
        },
        [&](scan_result&&) { ++delivered; });
    stopper.join();
    EXPECT_EQ(taken.load(), 1);
    EXPECT_EQ(delivered.load(), 1);
}

}  // namespace
}  // namespace tlsaudit::testing
