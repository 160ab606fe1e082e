// The ClientHello's layout, read back with a parser of the test's own.

#include "capture/client_hello.hpp"
#include "capture/client.hpp"
#include "wire_support.hpp"

#include <gtest/gtest.h>

#include <map>

namespace tlsaudit::capture_engine {
namespace {

struct parsed_hello {
    std::uint16_t record_version = 0;
    std::size_t message_size = 0;
    bytes session_id;
    std::vector<std::uint16_t> suites;
    std::vector<std::pair<std::uint16_t, bytes>> extensions;

    const bytes* find(std::uint16_t type) const {
        for (const auto& [t, data] : extensions)
            if (t == type) return &data;
        return nullptr;
    }
};

std::uint32_t be(std::span<const unsigned char> s) {
    std::uint32_t v = 0;
    for (const auto c : s) v = (v << 8) | c;
    return v;
}

// Parses one ClientHello record, checking every length on the way.
parsed_hello parse(std::span<const unsigned char> rec) {
    parsed_hello h;
    EXPECT_EQ(rec[0], 22);
    h.record_version = static_cast<std::uint16_t>(be(rec.subspan(1, 2)));
    EXPECT_EQ(be(rec.subspan(3, 2)), rec.size() - 5);
    const auto msg = rec.subspan(5);
    EXPECT_EQ(msg[0], 1);
    EXPECT_EQ(be(msg.subspan(1, 3)), msg.size() - 4);
    h.message_size = msg.size();
    std::size_t at = 4;
    EXPECT_EQ(be(msg.subspan(at, 2)), 0x0303u);
    at += 2 + 32;
    const std::size_t sid = msg[at++];
    h.session_id.assign(msg.begin() + at, msg.begin() + at + sid);
    at += sid;
    const std::size_t suites = be(msg.subspan(at, 2));
    at += 2;
    for (std::size_t i = 0; i < suites; i += 2)
        h.suites.push_back(static_cast<std::uint16_t>(be(msg.subspan(at + i, 2))));
    at += suites;
    EXPECT_EQ(be(msg.subspan(at, 2)), 0x0100u) << "null compression only";
    at += 2;
    const std::size_t ext_len = be(msg.subspan(at, 2));
    at += 2;
    EXPECT_EQ(at + ext_len, msg.size());
    while (at < msg.size()) {
        const auto type = static_cast<std::uint16_t>(be(msg.subspan(at, 2)));
        const std::size_t len = be(msg.subspan(at + 2, 2));
        h.extensions.emplace_back(type, bytes(msg.begin() + at + 4, msg.begin() + at + 4 + len));
        at += 4 + len;
    }
    EXPECT_EQ(at, msg.size());
    return h;
}

parsed_hello first_hello(probe p, const std::string& sni, const std::vector<std::string>& alpn = {"h2", "http/1.1"}) {
    const auto t = hello_template::make(p, alpn);
    client c(t, options{.sni = sni});
    const auto out = c.pending_output();
    return parse(out);
}

const std::vector<probe> all_probes{probe::modern, probe::rsa, probe::ecdsa, probe::tls12, probe::no_sni};

TEST(capture_client_hello, record_version_session_id_and_last_extension) {
    for (const auto p : all_probes) {
        const auto h = first_hello(p, "example.com");
        EXPECT_EQ(h.record_version, 0x0301);
        EXPECT_EQ(h.session_id.size(), 32u);
        ASSERT_FALSE(h.extensions.empty());
        EXPECT_FALSE(h.extensions.back().second.empty()) << "the last extension is never empty";
        EXPECT_EQ(h.suites.back(), 0x00ff) << "renegotiation SCSV";
    }
}

TEST(capture_client_hello, never_256_to_511_bytes_for_any_name_length) {
    for (const auto p : all_probes)
        for (std::size_t n = 0; n <= 300; ++n) {
            const std::string sni = n == 0 ? "" : std::string(n - 1, 'a') + "z";
            for (const auto& alpn : {std::vector<std::string>{}, std::vector<std::string>{"h2", "http/1.1"}}) {
                const auto h = first_hello(p, sni, alpn);
                EXPECT_TRUE(h.message_size < 256 - 5 || h.message_size > 511) << probe_name(p) << " " << n;
                if (p != probe::no_sni && n > 0) EXPECT_TRUE(h.find(0x0000)) << "server_name sent";
                EXPECT_FALSE(h.extensions.back().second.empty());
            }
        }
}

TEST(capture_client_hello, server_name_only_for_host_names) {
    const auto with = first_hello(probe::modern, "Example.com.");
    const bytes* sni = with.find(0x0000);
    ASSERT_TRUE(sni);
    EXPECT_EQ(*sni, testing::concat({testing::from_hex("000e 00 000b"),
                                     bytes{'E', 'x', 'a', 'm', 'p', 'l', 'e', '.', 'c', 'o', 'm'}}))
        << "sent without the trailing dot";
    for (const char* ip : {"192.0.2.1", "2001:db8::1", "::1", "[::1]", "10.1"})
        EXPECT_FALSE(first_hello(probe::modern, ip).find(0x0000)) << ip;
    EXPECT_FALSE(first_hello(probe::no_sni, "example.com").find(0x0000));
    EXPECT_FALSE(first_hello(probe::modern, "").find(0x0000));
    EXPECT_FALSE(first_hello(probe::modern, std::string(1025, 'a')).find(0x0000));
}

TEST(capture_client_hello, offers_what_the_table_says_and_nothing_forbidden) {
    for (const auto p : all_probes) {
        const auto h = first_hello(p, "example.com");
        for (const int forbidden : {0x001b /* compress_certificate */, 0x0029 /* pre_shared_key */,
                                    0x002a /* early_data */, 0x001c /* record_size_limit */})
            EXPECT_FALSE(h.find(static_cast<std::uint16_t>(forbidden))) << probe_name(p) << " offers " << forbidden;
        for (const int wanted : {0x0005, 0x0012, 0x0017, 0x000a, 0x000b, 0x0023, 0x0010, 0x000d, 0x002b})
            EXPECT_TRUE(h.find(static_cast<std::uint16_t>(wanted))) << probe_name(p) << " lacks " << wanted;
        EXPECT_EQ(*h.find(0x000a), p == probe::modern || p == probe::no_sni
                                       ? testing::from_hex("000a 001d 0017 0018 0019 001e")
                                       : testing::from_hex("0014 001d 0017 0018 0019 001e 0100 0101 0102 0103 0104"))
            << probe_name(p);
        EXPECT_EQ(*h.find(0x0005), testing::from_hex("01 0000 0000"));
        EXPECT_EQ(*h.find(0x0010), testing::from_hex("000c 02 6832 08 687474702f312e31"));
        EXPECT_TRUE(h.find(0x0023)->empty());
        const bool tls13 = p == probe::modern || p == probe::no_sni;
        EXPECT_EQ(h.find(0x0033) != nullptr, tls13) << probe_name(p);
        EXPECT_EQ(h.find(0x002d) != nullptr, tls13);
        EXPECT_EQ(*h.find(0x002b),
                  tls13 ? testing::from_hex("08 0304 0303 0302 0301") : testing::from_hex("06 0303 0302 0301"));
        if (tls13) {
            const bytes& ks = *h.find(0x0033);
            ASSERT_EQ(ks.size(), 2u + 4 + 32);
            EXPECT_EQ(bytes(ks.begin(), ks.begin() + 6), testing::from_hex("0024 001d 0020"));
        }
    }
}

TEST(capture_client_hello, tls13_suites_first_and_fresh_randomness) {
    const auto a = first_hello(probe::modern, "example.com");
    const auto b = first_hello(probe::modern, "example.com");
    EXPECT_EQ(std::vector<std::uint16_t>(a.suites.begin(), a.suites.begin() + 3),
              (std::vector<std::uint16_t>{0x1301, 0x1302, 0x1303}));
    EXPECT_NE(a.session_id, b.session_id);
    // The X25519 share is reused by a thread's connections (client_test.cpp checks when
    // it is renewed); the session id is not.
    EXPECT_EQ(*a.find(0x0033), *b.find(0x0033));
}

TEST(capture_client_hello, alpn_names_are_checked) {
    EXPECT_THROW(hello_template::make(probe::modern, {""}), std::invalid_argument);
    EXPECT_THROW(hello_template::make(probe::modern, {std::string(256, 'x')}), std::invalid_argument);
    EXPECT_FALSE(first_hello(probe::modern, "example.com", {}).find(0x0010));
}

TEST(capture_client_hello, a_large_hello_is_split_into_records) {
    bytes out;
    const bytes payload(40000, 7);
    detail::append_records(out, 22, 0x0303, payload);
    ASSERT_EQ(out.size(), payload.size() + 3 * 5);
    EXPECT_EQ(be(std::span(out).subspan(3, 2)), 16384u);
    EXPECT_EQ(be(std::span(out).subspan(16389 + 3, 2)), 16384u);
    EXPECT_EQ(be(std::span(out).subspan(2 * 16389 + 3, 2)), 40000u - 2 * 16384);
}

}  // namespace
}  // namespace tlsaudit::capture_engine
