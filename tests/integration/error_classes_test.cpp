// Every failure is classified, within its deadline, and the scan goes on.

#include "scan_support.hpp"

#include <tlsaudit/lab/tls_server.hpp>

#include <gtest/gtest.h>

#include <fmt/format.h>

namespace tlsaudit::testing {
namespace {

using clock = std::chrono::steady_clock;

class error_classes : public ::testing::Test {
protected:
    lab::server_pool servers_{1};

    std::uint16_t start(lab::behaviour b) {
        lab::server_config config;
        config.b = b;
        return servers_.start(std::move(config));
    }

    static scan_result scan_one(std::uint16_t port, net::scan_config config = quick_config()) {
        auto out = scan_text(fmt::format("127.0.0.1:{} sni=broken.lab.test\n", port), config);
        EXPECT_EQ(out.results.size(), 1u);
        return out.results.empty() ? scan_result{} : std::move(out.results.front());
    }
};

TEST_F(error_classes, refused_port) {
    const lab::closed_port closed;
    const auto r = scan_one(closed.port());
    ASSERT_TRUE(r.cap.error);
    EXPECT_EQ(r.cap.error->code, "refused");
    EXPECT_EQ(r.cap.error->stage, "connect");
    EXPECT_EQ(r.cap.attempts, 1) << "a refusal is a definite answer: no retry";
}

TEST_F(error_classes, silent_server_times_out_within_the_deadline) {
    auto config = quick_config();
    config.handshake_timeout = std::chrono::milliseconds(300);
    const auto started = clock::now();
    const auto r = scan_one(start(lab::behaviour::silent), config);
    const auto elapsed = clock::now() - started;
    ASSERT_TRUE(r.cap.error);
    EXPECT_EQ(r.cap.error->code, "timeout-handshake");
    ASSERT_TRUE(r.cap.timings.handshake_ms);
    EXPECT_GE(*r.cap.timings.handshake_ms, 290.0);
    EXPECT_LT(elapsed, std::chrono::seconds(3));
}

TEST_F(error_classes, server_that_never_reads_times_out) {
    auto config = quick_config();
    config.handshake_timeout = std::chrono::milliseconds(300);
    const auto r = scan_one(start(lab::behaviour::accept_no_read), config);
    ASSERT_TRUE(r.cap.error);
    EXPECT_EQ(r.cap.error->code, "timeout-handshake");
}

TEST_F(error_classes, dripping_server_times_out) {
    auto config = quick_config();
    config.handshake_timeout = std::chrono::milliseconds(500);
    const auto r = scan_one(start(lab::behaviour::drip), config);
    ASSERT_TRUE(r.cap.error);
    EXPECT_EQ(r.cap.error->code, "timeout-handshake");
}

TEST_F(error_classes, reset_after_client_hello) {
    const auto r = scan_one(start(lab::behaviour::reset_after_hello));
    ASSERT_TRUE(r.cap.error);
    EXPECT_EQ(r.cap.error->code, "reset") << r.cap.error->detail;
}

TEST_F(error_classes, close_after_client_hello) {
    const auto r = scan_one(start(lab::behaviour::close_after_hello));
    ASSERT_TRUE(r.cap.error);
    EXPECT_EQ(r.cap.error->code, "closed") << r.cap.error->detail;
}

TEST_F(error_classes, plain_http_server_is_not_tls) {
    const auto r = scan_one(start(lab::behaviour::http));
    ASSERT_TRUE(r.cap.error);
    EXPECT_EQ(r.cap.error->code, "not-tls") << r.cap.error->detail;
}

TEST_F(error_classes, garbage_is_not_tls) {
    const auto r = scan_one(start(lab::behaviour::garbage));
    ASSERT_TRUE(r.cap.error);
    EXPECT_EQ(r.cap.error->code, "not-tls") << r.cap.error->detail;
}

TEST_F(error_classes, fatal_alert_carries_its_text) {
    const auto r = scan_one(start(lab::behaviour::alert));
    ASSERT_TRUE(r.cap.error);
    EXPECT_EQ(r.cap.error->code, "tls-alert");
    EXPECT_NE(r.cap.error->detail.find("handshake failure"), std::string::npos) << r.cap.error->detail;
    EXPECT_NE(r.cap.error->detail.find("40"), std::string::npos) << r.cap.error->detail;
}

TEST_F(error_classes, failures_do_not_stop_the_scan) {
    auto config = quick_config(4);
    config.handshake_timeout = std::chrono::milliseconds(300);
    std::string text;
    for (auto b : {lab::behaviour::silent, lab::behaviour::http, lab::behaviour::alert,
                   lab::behaviour::reset_after_hello, lab::behaviour::garbage})
        text += fmt::format("127.0.0.1:{}\n", start(b));
    const lab::closed_port closed;
    text += fmt::format("127.0.0.1:{}\n", closed.port());
    const auto out = scan_text(text, config);
    ASSERT_EQ(out.results.size(), 6u);
    for (const auto& r : out.results) EXPECT_TRUE(r.cap.error) << r.ep.tgt.input;
}

}  // namespace
}  // namespace tlsaudit::testing
