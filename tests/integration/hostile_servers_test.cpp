// The hostile lab endpoints one by one: each is classified within its deadline, what
// can be kept is kept, and the scanner sends nothing but its ClientHello.

#include "hostile_support.hpp"
#include "scan_support.hpp"

#include <tlsaudit/lab/raw_handshake.hpp>

#include <gtest/gtest.h>

namespace tlsaudit::testing {
namespace {

using namespace std::chrono_literals;

class hostile_servers : public ::testing::Test {
protected:
    lab::server_pool servers_{1};

    std::uint16_t start(lab::behaviour b) {
        lab::server_config config;
        config.b = b;
        config.drip_interval = 20ms;
        return servers_.start(std::move(config));
    }

    static scan_result scan_one(std::uint16_t port, net::scan_config config = quick_config()) {
        auto out = scan_text(fmt::format("127.0.0.1:{} sni=hostile.lab.test\n", port), config);
        EXPECT_EQ(out.results.size(), 1u);
        return out.results.empty() ? scan_result{} : std::move(out.results.front());
    }
};

TEST_F(hostile_servers, invalid_der_is_kept_and_classified) {
    const auto r = scan_one(start(lab::behaviour::bad_der));
    ASSERT_TRUE(r.cap.error);
    EXPECT_EQ(r.cap.error->code, "bad-certificate") << r.cap.error->detail;
    EXPECT_EQ(r.cap.error->stage, "handshake");
    EXPECT_NE(r.cap.error->detail.find("certificate [0]"), std::string::npos) << r.cap.error->detail;
    ASSERT_EQ(r.cap.chain.size(), 1u) << "the served bytes are kept for the record";
    EXPECT_EQ(r.cap.chain[0], lab::invalid_der_certificate());
}

TEST_F(hostile_servers, a_mebibyte_certificate_is_refused_as_too_large) {
    const auto r = scan_one(start(lab::behaviour::huge_certificate));
    ASSERT_TRUE(r.cap.error);
    EXPECT_EQ(r.cap.error->code, "chain-too-large") << r.cap.error->detail;
    EXPECT_NE(r.cap.error->detail.find("1024 KiB"), std::string::npos) << r.cap.error->detail;
    EXPECT_TRUE(r.cap.chain.empty());
}

TEST_F(hostile_servers, reset_after_the_server_hello) {
    const auto r = scan_one(start(lab::behaviour::reset_mid_handshake));
    ASSERT_TRUE(r.cap.error);
    EXPECT_EQ(r.cap.error->code, "reset") << r.cap.error->detail;
    EXPECT_TRUE(r.cap.chain.empty());
}

TEST_F(hostile_servers, drip_is_still_sending_when_the_deadline_passes) {
    auto config = quick_config();
    config.handshake_timeout = 400ms;
    const std::uint16_t port = start(lab::behaviour::drip);
    const auto r = scan_one(port, config);
    ASSERT_TRUE(r.cap.error);
    EXPECT_EQ(r.cap.error->code, "timeout-handshake");
    ASSERT_TRUE(r.cap.timings.handshake_ms);
    EXPECT_GE(*r.cap.timings.handshake_ms, 390.0);
    EXPECT_LT(*r.cap.timings.handshake_ms, 3000.0);
}

TEST_F(hostile_servers, a_200_certificate_chain_is_captured_byte_for_byte) {
    lab::server_config config = long_chain_config(200, "long.lab.test");
    std::size_t total = 0;
    for (const auto& der : config.chain) total += der.size();
    ASSERT_GT(total, 100u * 1024) << "bigger than OpenSSL's default max_cert_list";
    const auto served = config.chain;
    const auto r = scan_one(servers_.start(std::move(config)));
    ASSERT_FALSE(r.cap.error) << r.cap.error->code << ": " << r.cap.error->detail;
    ASSERT_EQ(r.cap.chain.size(), 200u);
    EXPECT_TRUE(r.cap.chain == served);
}

// The scanner sends its ClientHello and nothing else: no data, no probe, and (it gives up
// by closing the socket) not even an alert.
TEST_F(hostile_servers, the_scanner_sends_one_client_hello_and_nothing_else) {
    auto config = quick_config();
    config.handshake_timeout = 300ms;
    const std::uint16_t port = start(lab::behaviour::record);
    const auto r = scan_one(port, config);
    ASSERT_TRUE(r.cap.error);
    EXPECT_EQ(r.cap.error->code, "timeout-handshake");
    ASSERT_TRUE(servers_.wait_for(
        port, [](const lab::endpoint_stats& s) { return s.active == 0 && !s.received.empty(); }, 10s));
    const bytes got = servers_.stats(port).received;
    ASSERT_GE(got.size(), 9u);
    EXPECT_EQ(got[0], 0x16) << "a handshake record";
    const std::size_t record = 5 + (std::size_t{got[3]} << 8 | got[4]);
    EXPECT_EQ(got.size(), record) << "exactly one record, nothing after it";
    EXPECT_EQ(got[5], 0x01) << "holding a ClientHello";
    const std::size_t message = 4 + (std::size_t{got[6]} << 16 | std::size_t{got[7]} << 8 | got[8]);
    EXPECT_EQ(message + 5, record) << "one whole ClientHello, alone in its record";
    EXPECT_EQ(servers_.stats(port).accepted, 1u) << "one connection: no retry after the handshake started";
}

}  // namespace
}  // namespace tlsaudit::testing
