// The Certificate message parser both engines use (capture/messages.hpp), on whole
// messages as libssl's message callback hands them over.

#include "capture/messages.hpp"

#include <gtest/gtest.h>

namespace tlsaudit::capture_engine::detail {
namespace {

void put24(bytes& out, std::size_t n) {
    out.push_back(static_cast<unsigned char>(n >> 16));
    out.push_back(static_cast<unsigned char>(n >> 8));
    out.push_back(static_cast<unsigned char>(n));
}

// Builds a Certificate handshake message around `certs`.
bytes certificate_message(const std::vector<bytes>& certs, bool tls13, const bytes& context = {}) {
    bytes list;
    for (const auto& c : certs) {
        put24(list, c.size());
        list.insert(list.end(), c.begin(), c.end());
        if (tls13) list.insert(list.end(), {0x00, 0x00});  // no per-certificate extensions
    }
    bytes body;
    if (tls13) {
        body.push_back(static_cast<unsigned char>(context.size()));
        body.insert(body.end(), context.begin(), context.end());
    }
    put24(body, list.size());
    body.insert(body.end(), list.begin(), list.end());
    bytes msg{11};
    put24(msg, body.size());
    msg.insert(msg.end(), body.begin(), body.end());
    return msg;
}

const std::vector<bytes> sample_chain{{0x30, 0x03, 0x02, 0x01, 0x01}, {0x30, 0x01, 0x00}, {0xFF}};

TEST(certificate_message, tls12_chain_in_served_order) {
    auto parsed = parse_certificate_message(certificate_message(sample_chain, false), false);
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->chain, sample_chain);
}

TEST(certificate_message, tls13_chain_skips_extensions_and_refuses_a_request_context) {
    auto parsed = parse_certificate_message(certificate_message(sample_chain, true), true);
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->chain, sample_chain);
    // A server's certificate_request_context is empty (RFC 8446 4.4.2); libssl refuses it too.
    EXPECT_FALSE(parse_certificate_message(certificate_message(sample_chain, true, {0xAA, 0xBB}), true));
}

TEST(certificate_message, tls13_entry_with_extensions) {
    bytes msg = certificate_message({{0x01, 0x02}}, true);
    // Replace the empty extension block with one extension (signed_certificate_timestamp,
    // one byte) and fix up the lengths.
    msg.resize(msg.size() - 2);
    msg.insert(msg.end(), {0x00, 0x05, 0x00, 0x12, 0x00, 0x01, 0x00});
    msg[3] = static_cast<unsigned char>(msg.size() - 4);
    msg[7] = static_cast<unsigned char>(msg.size() - 8);
    auto parsed = parse_certificate_message(msg, true);
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->chain, (std::vector<bytes>{{0x01, 0x02}}));
}

TEST(certificate_message, empty_list_is_an_empty_chain) {
    auto parsed = parse_certificate_message(certificate_message({}, false), false);
    ASSERT_TRUE(parsed);
    EXPECT_TRUE(parsed->chain.empty());
}

TEST(certificate_message, malformed_messages_are_refused) {
    const bytes good = certificate_message(sample_chain, false);
    EXPECT_FALSE(parse_certificate_message({}, false));
    bytes wrong_type = good;
    wrong_type[0] = 2;
    EXPECT_FALSE(parse_certificate_message(wrong_type, false));
    for (std::size_t cut = 1; cut < good.size(); ++cut) {
        bytes truncated(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(cut));
        EXPECT_FALSE(parse_certificate_message(truncated, false)) << "cut at " << cut;
    }
    bytes trailing = good;
    trailing.push_back(0);
    EXPECT_FALSE(parse_certificate_message(trailing, false));
    // A TLS 1.2 message read with the TLS 1.3 layout does not line up.
    EXPECT_FALSE(parse_certificate_message(good, true));
}

TEST(certificate_message, zero_length_certificate_is_refused) {
    EXPECT_FALSE(parse_certificate_message(certificate_message({{}}, false), false));
}

}  // namespace
}  // namespace tlsaudit::capture_engine::detail
