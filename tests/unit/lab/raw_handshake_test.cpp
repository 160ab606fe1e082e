// The hand-built hostile flights: their bytes, and what the raw behaviours put on the wire.

#include <tlsaudit/lab/raw_handshake.hpp>
#include <tlsaudit/lab/tls_server.hpp>

#include "test_support.hpp"

#include "ossl/der.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>

namespace tlsaudit::lab {
namespace {

using namespace std::chrono_literals;
constexpr auto wait_limit = 10s;

bytes flight_of(const bytes& cert) {
    bytes messages = server_hello_message();
    const bytes certificate = certificate_message({cert});
    messages.insert(messages.end(), certificate.begin(), certificate.end());
    return handshake_records(messages);
}

std::uint16_t start(server_pool& pool, behaviour b) {
    server_config config;
    config.b = b;
    return pool.start(config);
}

TEST(lab_raw_handshake, certificate_message_layout) {
    const bytes m = certificate_message({bytes{0xAA, 0xBB}, bytes{0xCC}});
    EXPECT_EQ(m, (bytes{11, 0, 0, 12, 0, 0, 9, 0, 0, 2, 0xAA, 0xBB, 0, 0, 1, 0xCC}));
}

TEST(lab_raw_handshake, server_hello_is_tls12_without_downgrade_sentinel) {
    const bytes m = server_hello_message();
    ASSERT_EQ(m.size(), 4u + 2 + 32 + 1 + 2 + 1 + 2 + 5);
    EXPECT_EQ(m[0], 2);
    EXPECT_EQ((bytes{m[4], m[5]}), (bytes{3, 3}));
    EXPECT_NE(m[4 + 2 + 24], 0x44);  // "DOWNGRD" would start here
}

TEST(lab_raw_handshake, records_are_at_most_16384_bytes) {
    const bytes messages(40000, 0x01);
    const bytes records = handshake_records(messages);
    ASSERT_EQ(records.size(), 40000u + 3 * 5);
    std::size_t at = 0, body = 0;
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(records[at], 0x16);
        const std::size_t n = std::size_t{records[at + 3]} << 8 | records[at + 4];
        EXPECT_LE(n, 16384u);
        body += n;
        at += 5 + n;
    }
    EXPECT_EQ(at, records.size());
    EXPECT_EQ(body, messages.size());
}

TEST(lab_raw_handshake, invalid_der_does_not_parse_and_huge_has_its_size) {
    for (const bytes& der : {invalid_der_certificate(), huge_certificate()}) {
        std::string error;
        EXPECT_FALSE(ossl::decode_certificate(der, error)) << der.size();
    }
    const bytes huge = huge_certificate();
    EXPECT_EQ(huge.size(), huge_certificate_size);
    EXPECT_EQ((bytes{huge[0], huge[1]}), (bytes{0x30, 0x84}));
}

// Framed like DER all the way down, so only a full decode refuses it.
TEST(lab_raw_handshake, undecodable_certificate_is_well_framed_but_no_certificate) {
    const bytes der = undecodable_certificate();
    ASSERT_GT(der.size(), 4u);
    EXPECT_EQ(der[0], 0x30);
    EXPECT_EQ(der[1], 0x81);
    EXPECT_EQ(std::size_t{der[2]} + 3, der.size()) << "the outer length fits";
    std::string error;
    EXPECT_FALSE(ossl::decode_certificate(der, error));
    EXPECT_FALSE(error.empty());
}

TEST(lab_raw_handshake, undecodable_certificate_sends_a_whole_flight) {
    server_pool pool;
    const test::socket_fd s = test::connect_tcp("127.0.0.1", start(pool, behaviour::undecodable_certificate));
    test::send_all(s, test::client_hello());
    const test::read_result r = test::read_until(s, 1 << 16, 2s);
    const bytes done = server_hello_done_message();
    ASSERT_GT(r.data.size(), done.size());
    EXPECT_TRUE(std::equal(done.begin(), done.end(), r.data.end() - static_cast<std::ptrdiff_t>(done.size())))
        << "ends with ServerHelloDone";
    const bytes bad = undecodable_certificate();
    EXPECT_NE(std::search(r.data.begin(), r.data.end(), bad.begin(), bad.end()), r.data.end());
}

TEST(lab_raw_handshake, bad_der_sends_its_flight_then_closes) {
    server_pool pool;
    const test::socket_fd s = test::connect_tcp("127.0.0.1", start(pool, behaviour::bad_der));
    test::send_all(s, test::client_hello());
    const bytes expected = flight_of(invalid_der_certificate());
    const test::read_result r = test::read_until(s, expected.size(), wait_limit);
    EXPECT_EQ(r.data, expected);
}

TEST(lab_raw_handshake, huge_certificate_sends_over_a_mebibyte) {
    server_pool pool;
    const test::socket_fd s = test::connect_tcp("127.0.0.1", start(pool, behaviour::huge_certificate));
    test::send_all(s, test::client_hello());
    const bytes expected = flight_of(huge_certificate());
    EXPECT_GT(expected.size(), huge_certificate_size);
    const test::read_result r = test::read_until(s, expected.size(), wait_limit);
    EXPECT_EQ(r.data.size(), expected.size());
    EXPECT_TRUE(r.data == expected);
}

TEST(lab_raw_handshake, reset_mid_handshake_delivers_the_server_hello_then_resets) {
    server_pool pool;
    const test::socket_fd s = test::connect_tcp("127.0.0.1", start(pool, behaviour::reset_mid_handshake));
    test::send_all(s, test::client_hello());
    const test::read_result r = test::read_until(s, 1 << 16, wait_limit);
    EXPECT_EQ(r.error, ECONNRESET);
    const bytes hello = server_hello_message();
    ASSERT_GT(r.data.size(), 5 + hello.size()) << "the ServerHello and part of a Certificate arrive first";
    EXPECT_TRUE(std::equal(hello.begin(), hello.end(), r.data.begin() + 5));
    EXPECT_EQ(r.data[5 + hello.size()], 11);  // Certificate message type
}

TEST(lab_raw_handshake, record_keeps_what_the_client_sent) {
    server_pool pool;
    const std::uint16_t port = start(pool, behaviour::record);
    const bytes hello = test::client_hello();
    {
        const test::socket_fd s = test::connect_tcp("127.0.0.1", port);
        test::send_all(s, hello);
        const bytes more{1, 2, 3};
        test::send_all(s, more);
    }  // closed
    ASSERT_TRUE(pool.wait_for(
        port, [](const endpoint_stats& st) { return !st.received.empty() && st.active == 0; }, wait_limit));
    bytes expected = hello;
    expected.insert(expected.end(), {1, 2, 3});
    EXPECT_EQ(pool.stats(port).received, expected);
    EXPECT_EQ(pool.stats(port, "127.0.0.1").received, expected);
}

}  // namespace
}  // namespace tlsaudit::lab
