#include <tlsaudit/lab/dns_server.hpp>

#include "test_support.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <optional>

namespace tlsaudit::lab {
namespace {

using namespace std::chrono_literals;

// A query built by hand: ID 0xBEEF, RD set, one question, optional EDNS OPT record.
bytes make_query(std::string_view name, std::uint16_t qtype, bool edns = false) {
    bytes q{0xBE, 0xEF, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, static_cast<unsigned char>(edns ? 1 : 0)};
    std::size_t start = 0;
    while (start <= name.size()) {
        std::size_t dot = name.find('.', start);
        if (dot == std::string_view::npos) dot = name.size();
        q.push_back(static_cast<unsigned char>(dot - start));
        q.insert(q.end(), name.begin() + static_cast<std::ptrdiff_t>(start),
                 name.begin() + static_cast<std::ptrdiff_t>(dot));
        start = dot + 1;
    }
    q.push_back(0);
    q.insert(q.end(), {0x00, static_cast<unsigned char>(qtype), 0x00, 0x01});
    if (edns) q.insert(q.end(), {0x00, 0x00, 0x29, 0x10, 0x00, 0, 0, 0, 0, 0, 0});
    return q;
}

std::uint16_t u16(const bytes& b, std::size_t at) { return static_cast<std::uint16_t>(b[at] << 8 | b[at + 1]); }

int rcode(const bytes& r) { return r[3] & 0x0F; }

// The rdata of every answer, checking the fixed parts of each record on the way.
std::vector<bytes> answers(const bytes& response, std::size_t question_end, std::uint16_t type) {
    std::vector<bytes> out;
    std::size_t at = question_end;
    for (std::uint16_t i = 0; i < u16(response, 6); ++i) {
        EXPECT_EQ(u16(response, at), 0xC00C);
        EXPECT_EQ(u16(response, at + 2), type);
        EXPECT_EQ(u16(response, at + 4), 1);
        EXPECT_EQ(u16(response, at + 6), 0);
        EXPECT_EQ(u16(response, at + 8), 60);
        const std::uint16_t len = u16(response, at + 10);
        out.emplace_back(response.begin() + static_cast<std::ptrdiff_t>(at + 12),
                         response.begin() + static_cast<std::ptrdiff_t>(at + 12 + len));
        at += 12u + len;
    }
    EXPECT_EQ(at, response.size());
    return out;
}

dns_zone test_zone() {
    dns_zone zone;
    add_records(zone, "Fleet.Example.TEST.", {"127.0.0.1", "127.0.0.2", "127.0.0.3", "::1"});
    add_records(zone, "v4only.test", {"127.0.0.5"});
    add_records(zone, "empty.test", {});
    return zone;
}

TEST(lab_dns_message, answers_a_with_every_address_and_echoes_the_question) {
    const bytes q = make_query("FLEET.example.test", dns_type::a);
    const std::optional<bytes> r = answer_dns_query(q, test_zone());
    ASSERT_TRUE(r);
    EXPECT_EQ(u16(*r, 0), 0xBEEF);
    EXPECT_EQ(u16(*r, 2), 0x8580);  // QR, AA, RD (copied), RA, NOERROR
    EXPECT_EQ(u16(*r, 4), 1);
    EXPECT_EQ(u16(*r, 6), 3);
    EXPECT_EQ(bytes(r->begin() + 12, r->begin() + static_cast<std::ptrdiff_t>(q.size())),
              bytes(q.begin() + 12, q.end()));
    EXPECT_EQ(answers(*r, q.size(), dns_type::a), (std::vector<bytes>{{127, 0, 0, 1}, {127, 0, 0, 2}, {127, 0, 0, 3}}));
}

TEST(lab_dns_message, answers_aaaa_and_empty_noerror_and_nxdomain) {
    const dns_zone zone = test_zone();
    const bytes q6 = make_query("fleet.example.test", dns_type::aaaa, true);
    const std::optional<bytes> r6 = answer_dns_query(q6, zone);
    ASSERT_TRUE(r6);
    EXPECT_EQ(rcode(*r6), dns_rcode::no_error);
    bytes loopback6(16, 0);
    loopback6[15] = 1;
    // The EDNS OPT record is not part of the question: answers follow the question.
    EXPECT_EQ(answers(*r6, q6.size() - 11, dns_type::aaaa), std::vector<bytes>{loopback6});

    for (auto [name, type] :
         {std::pair{"v4only.test", dns_type::aaaa}, {"empty.test", dns_type::a}, {"v4only.test", std::uint16_t{16}}}) {
        const std::optional<bytes> r = answer_dns_query(make_query(name, type), zone);
        ASSERT_TRUE(r) << name;
        EXPECT_EQ(rcode(*r), dns_rcode::no_error) << name;
        EXPECT_EQ(u16(*r, 6), 0) << name;
    }
    const std::optional<bytes> nx = answer_dns_query(make_query("nope.test", dns_type::a), zone);
    ASSERT_TRUE(nx);
    EXPECT_EQ(rcode(*nx), dns_rcode::name_error);
    EXPECT_EQ(u16(*nx, 6), 0);
}

TEST(lab_dns_message, copies_rd_and_rejects_other_opcodes_and_classes) {
    bytes q = make_query("v4only.test", dns_type::a);
    q[2] = 0x00;  // RD clear
    EXPECT_EQ(u16(*answer_dns_query(q, test_zone()), 2), 0x8480);
    q[2] = 0x10;  // opcode 2 (STATUS)
    EXPECT_EQ(rcode(*answer_dns_query(q, test_zone())), dns_rcode::not_implemented);
    bytes chaos = make_query("v4only.test", dns_type::a);
    chaos[chaos.size() - 1] = 3;
    EXPECT_EQ(rcode(*answer_dns_query(chaos, test_zone())), dns_rcode::refused);
}

TEST(lab_dns_message, ignores_malformed_queries) {
    const dns_zone zone = test_zone();
    const bytes good = make_query("v4only.test", dns_type::a);
    EXPECT_FALSE(answer_dns_query(bytes(good.begin(), good.begin() + 11), zone));  // short header
    EXPECT_FALSE(answer_dns_query(bytes(good.begin(), good.end() - 1), zone));     // truncated
    bytes response = good;
    response[2] |= 0x80;  // QR: a response, not a query
    EXPECT_FALSE(answer_dns_query(response, zone));
    bytes two = good;
    two[5] = 2;  // QDCOUNT 2
    EXPECT_FALSE(answer_dns_query(two, zone));
    bytes pointer = good;
    pointer[12] = 0xC0;  // compression pointer in the question
    EXPECT_FALSE(answer_dns_query(pointer, zone));
    bytes long_label = make_query(std::string(64, 'a') + ".test", dns_type::a);
    EXPECT_FALSE(answer_dns_query(long_label, zone));
    EXPECT_FALSE(answer_dns_query(bytes{}, zone));
}

TEST(lab_dns_message, failures_and_truncation) {
    dns_zone zone;
    zone["servfail.test"].failure = dns_failure::servfail;
    zone["drop.test"].failure = dns_failure::drop;
    std::vector<std::string> many;
    for (int i = 1; i <= 60; ++i) many.push_back("127.0.1." + std::to_string(i));
    add_records(zone, "many.test", many);
    EXPECT_EQ(rcode(*answer_dns_query(make_query("servfail.test", dns_type::a), zone)), dns_rcode::server_failure);
    EXPECT_FALSE(answer_dns_query(make_query("drop.test", dns_type::a), zone));
    const std::optional<bytes> big = answer_dns_query(make_query("many.test", dns_type::a), zone);
    ASSERT_TRUE(big);
    EXPECT_LE(big->size(), 512u);
    EXPECT_TRUE((*big)[2] & 0x02);  // TC
    EXPECT_GT(u16(*big, 6), 20);
    EXPECT_THROW(add_records(zone, "bad.test", {"300.1.1.1"}), std::invalid_argument);
}

// One UDP exchange with the server; nullopt when no reply came within `timeout`.
std::optional<bytes> exchange(std::uint16_t port, const bytes& query, std::chrono::milliseconds timeout = 5s) {
    test::socket_fd s(::socket(AF_INET, SOCK_DGRAM, 0));
    EXPECT_GE(s.get(), 0);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(port);
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::sendto(s.get(), query.data(), query.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to),
              static_cast<ssize_t>(query.size()));
    pollfd p{s.get(), POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(timeout.count())) != 1) return std::nullopt;
    bytes buf(65536);
    const ssize_t n = ::recv(s.get(), buf.data(), buf.size(), 0);
    if (n <= 0) return std::nullopt;
    buf.resize(static_cast<std::size_t>(n));
    return buf;
}

TEST(lab_dns_server, answers_a_hand_built_query_over_udp) {
    dns_server dns;
    EXPECT_EQ(dns.address(), "127.0.0.1");
    ASSERT_NE(dns.port(), 0);
    dns.add("fleet.lab.test", {"127.0.0.1", "127.0.0.2", "127.0.0.3"});
    const bytes q = make_query("Fleet.Lab.Test", dns_type::a);
    const std::optional<bytes> r = exchange(dns.port(), q);
    ASSERT_TRUE(r);
    EXPECT_EQ(u16(*r, 0), 0xBEEF);
    EXPECT_EQ(rcode(*r), dns_rcode::no_error);
    EXPECT_EQ(answers(*r, q.size(), dns_type::a), (std::vector<bytes>{{127, 0, 0, 1}, {127, 0, 0, 2}, {127, 0, 0, 3}}));
    EXPECT_EQ(dns.query_count(), 1u);
    EXPECT_EQ(dns.query_count("FLEET.lab.test."), 1u);

    const std::optional<bytes> nx = exchange(dns.port(), make_query("other.test", dns_type::a));
    ASSERT_TRUE(nx);
    EXPECT_EQ(rcode(*nx), dns_rcode::name_error);
}

TEST(lab_dns_server, ignores_malformed_datagrams_and_keeps_serving) {
    dns_server dns;
    dns.add("a.test", {"127.0.0.1"});
    EXPECT_FALSE(exchange(dns.port(), bytes{0x01, 0x02, 0x03}, 200ms));
    dns.add_failure("drop.test", dns_failure::drop);
    EXPECT_FALSE(exchange(dns.port(), make_query("drop.test", dns_type::a), 200ms));
    EXPECT_TRUE(exchange(dns.port(), make_query("a.test", dns_type::a)));
    EXPECT_EQ(dns.query_count(), 3u);
    dns.clear();
    const std::optional<bytes> r = exchange(dns.port(), make_query("a.test", dns_type::a));
    ASSERT_TRUE(r);
    EXPECT_EQ(rcode(*r), dns_rcode::name_error);
    dns.stop();
    dns.stop();
}

TEST(lab_dns_server, binds_loopback_only) {
    EXPECT_THROW(dns_server("0.0.0.0"), std::invalid_argument);
    EXPECT_THROW(dns_server("192.0.2.53"), std::invalid_argument);
}

}  // namespace
}  // namespace tlsaudit::lab
