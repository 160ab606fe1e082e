#include <tlsaudit/lab/tls_server.hpp>

#include "test_support.hpp"

#include <gtest/gtest.h>

#include <cerrno>

namespace tlsaudit::lab {
namespace {

using namespace std::chrono_literals;
constexpr auto wait_limit = 10s;
constexpr auto quiet_period = 300ms;  // how long "says nothing" is observed

std::uint16_t start(server_pool& pool, behaviour b) {
    server_config config;
    config.b = b;
    config.drip_interval = 50ms;
    return pool.start(config);
}

// Connects and sends a real ClientHello.
test::socket_fd hello(std::uint16_t port) {
    test::socket_fd s = test::connect_tcp("127.0.0.1", port);
    test::send_all(s, test::client_hello());
    return s;
}

TEST(lab_hostile, silent_reads_but_never_answers) {
    server_pool pool;
    const std::uint16_t port = start(pool, behaviour::silent);
    const test::socket_fd s = hello(port);
    const test::read_result r = test::read_until(s, 1, quiet_period);
    EXPECT_TRUE(r.timed_out);
    EXPECT_TRUE(r.data.empty());
    EXPECT_TRUE(pool.wait_for(
        port, [](const endpoint_stats& st) { return st.active == 1; }, wait_limit));
}

TEST(lab_hostile, accept_no_read_accepts_and_stays_quiet) {
    server_pool pool;
    const std::uint16_t port = start(pool, behaviour::accept_no_read);
    const test::socket_fd s = hello(port);
    EXPECT_TRUE(pool.wait_for(
        port, [](const endpoint_stats& st) { return st.accepted == 1; }, wait_limit));
    const test::read_result r = test::read_until(s, 1, quiet_period);
    EXPECT_TRUE(r.timed_out);
    EXPECT_TRUE(r.data.empty());
}

TEST(lab_hostile, reset_after_hello_resets) {
    server_pool pool;
    const test::socket_fd s = hello(start(pool, behaviour::reset_after_hello));
    const test::read_result r = test::read_until(s, 1, wait_limit);
    EXPECT_EQ(r.error, ECONNRESET);
    EXPECT_TRUE(r.data.empty());
}

TEST(lab_hostile, close_after_hello_closes_cleanly) {
    server_pool pool;
    const test::socket_fd s = hello(start(pool, behaviour::close_after_hello));
    const test::read_result r = test::read_until(s, 1, wait_limit);
    EXPECT_TRUE(r.eof);
    EXPECT_EQ(r.error, 0);
    EXPECT_TRUE(r.data.empty());
}

TEST(lab_hostile, http_answers_with_a_400) {
    server_pool pool;
    const test::socket_fd s = hello(start(pool, behaviour::http));
    const test::read_result r = test::read_until(s, 4096, wait_limit);
    EXPECT_TRUE(r.eof);
    const std::string text(r.data.begin(), r.data.end());
    EXPECT_EQ(text.rfind("HTTP/1.1 400 ", 0), 0u) << text;
}

TEST(lab_hostile, alert_sends_a_fatal_handshake_failure) {
    server_pool pool;
    const test::socket_fd s = hello(start(pool, behaviour::alert));
    const test::read_result r = test::read_until(s, 64, wait_limit);
    EXPECT_EQ(r.data, (bytes{0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28}));
    EXPECT_TRUE(r.eof);
}

TEST(lab_hostile, garbage_is_not_tls) {
    server_pool pool;
    const test::socket_fd s = hello(start(pool, behaviour::garbage));
    const test::read_result r = test::read_until(s, 1 << 16, wait_limit);
    ASSERT_EQ(r.data.size(), 4096u);
    EXPECT_TRUE(r.data[0] < 0x14 || r.data[0] > 0x18);
    EXPECT_TRUE(r.eof);
}

TEST(lab_hostile, drip_sends_a_record_header_then_one_byte_at_a_time) {
    server_pool pool;
    const std::uint16_t port = start(pool, behaviour::drip);
    const auto t0 = std::chrono::steady_clock::now();  // before the hello: the drip starts when it is read
    const test::socket_fd s = hello(port);
    const test::read_result header = test::read_until(s, 5, wait_limit);
    EXPECT_EQ(header.data, (bytes{0x16, 0x03, 0x03, 0x40, 0x00}));
    const test::read_result more = test::read_until(s, 3, wait_limit);
    EXPECT_EQ(more.data, (bytes{0x02, 0x00, 0x3f}));
    EXPECT_GE(std::chrono::steady_clock::now() - t0, 140ms);  // three 50 ms intervals
}

TEST(lab_hostile, an_openssl_client_fails_against_every_hostile_endpoint) {
    server_pool pool;
    for (behaviour b : {behaviour::reset_after_hello, behaviour::close_after_hello, behaviour::http, behaviour::alert,
                        behaviour::garbage}) {
        const test::tls_result r = test::tls_handshake("127.0.0.1", start(pool, b));
        EXPECT_FALSE(r.ok) << to_string(b);
    }
}

TEST(lab_hostile, stop_cancels_stalled_connections_promptly) {
    server_pool pool(2);
    std::vector<test::socket_fd> clients;
    std::vector<std::uint16_t> ports;
    for (behaviour b : {behaviour::silent, behaviour::accept_no_read, behaviour::drip}) {
        ports.push_back(start(pool, b));
        clients.push_back(hello(ports.back()));
    }
    for (std::uint16_t port : ports) {
        ASSERT_TRUE(pool.wait_for(
            port, [](const endpoint_stats& s) { return s.active == 1; }, wait_limit));
    }
    const auto t0 = std::chrono::steady_clock::now();
    pool.stop();
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s);
    for (std::uint16_t port : ports) EXPECT_EQ(pool.stats(port).active, 0u);
    for (const auto& c : clients) {
        const test::read_result r = test::read_until(c, 1 << 16, wait_limit);
        EXPECT_TRUE(r.eof || r.error != 0);
    }
}

}  // namespace
}  // namespace tlsaudit::lab
