// Every address behind a name is its own endpoint; resolution through c-ares on Asio,
// against an in-test DNS responder on loopback.

#include "scan_support.hpp"

#include <tlsaudit/lab/dns_server.hpp>
#include <tlsaudit/lab/pki.hpp>
#include <tlsaudit/lab/tls_server.hpp>

#include <gtest/gtest.h>

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <future>
#include <thread>

namespace tlsaudit::testing {
namespace {

class resolution : public ::testing::Test {
protected:
    void SetUp() override {
        const auto h = lab::make_hierarchy(lab::key_kind::ec_p256, 1, {"fleet.lab.test"});
        chain_ = h.served_chain();
        lab::server_config config;
        config.chain = chain_;
        config.leaf_key = h.leaf.k;
        port_ = servers_.start_fleet(config, {"127.0.0.1", "127.0.0.2", "127.0.0.3"});
        config.bind_address = "::1";
        config.port = port_;
        servers_.start(config);
        dns_.add("fleet.lab.test", {"127.0.0.1", "127.0.0.2", "127.0.0.3"});
        dns_.add("dual.lab.test", {"127.0.0.2", "::1"});
        dns_.add("six.lab.test", {"::1"});
    }

    net::scan_config config() const {
        auto c = quick_config();
        c.resolver = fmt::format("127.0.0.1:{}", dns_.port());
        return c;
    }

    lab::server_pool servers_{1};
    lab::dns_server dns_;
    std::uint16_t port_ = 0;
    std::vector<bytes> chain_;
};

TEST_F(resolution, three_addresses_give_three_endpoints) {
    const auto out = scan_text(fmt::format("fleet.lab.test:{}\n", port_), config());
    ASSERT_EQ(out.results.size(), 3u);
    const auto results = out.for_input(fmt::format("fleet.lab.test:{}", port_));
    ASSERT_EQ(results.size(), 3u);
    const std::vector<std::string> expected{"127.0.0.1", "127.0.0.2", "127.0.0.3"};
    for (std::size_t i = 0; i < 3; ++i) {
        EXPECT_EQ(results[i]->ep.address, expected[i]);
        ASSERT_FALSE(results[i]->cap.error) << results[i]->cap.error->detail;
        EXPECT_EQ(results[i]->cap.chain, chain_);
        EXPECT_TRUE(results[i]->cap.timings.dns_ms.has_value());
        EXPECT_EQ(results[i]->ep.tgt.sni, "fleet.lab.test");
    }
    EXPECT_GE(dns_.query_count("fleet.lab.test"), 1u);
    // The servers count a handshake after their side of it: wait for the count, do not sleep.
    EXPECT_TRUE(servers_.wait_for(
        port_, [](const lab::endpoint_stats& s) { return s.handshakes >= 3; }, std::chrono::seconds(5)));
    for (const auto* address : {"127.0.0.1", "127.0.0.2", "127.0.0.3"})
        EXPECT_EQ(servers_.stats(port_, address).handshakes, 1u) << address;
}

TEST_F(resolution, a_and_aaaa_both_scanned_and_filtered) {
    const std::string line = fmt::format("dual.lab.test:{}\n", port_);
    auto both = scan_text(line, config());
    ASSERT_EQ(both.results.size(), 2u);
    std::vector<std::string> addresses;
    for (const auto& r : both.results) {
        EXPECT_FALSE(r.cap.error) << r.cap.error->detail;
        addresses.push_back(r.ep.address);
    }
    std::sort(addresses.begin(), addresses.end());
    EXPECT_EQ(addresses, (std::vector<std::string>{"127.0.0.2", "::1"}));

    auto v4 = config();
    v4.ipv4_only = true;
    const auto only4 = scan_text(line, v4);
    ASSERT_EQ(only4.results.size(), 1u);
    EXPECT_EQ(only4.results[0].ep.address, "127.0.0.2");

    auto v6 = config();
    v6.ipv6_only = true;
    const auto only6 = scan_text(line, v6);
    ASSERT_EQ(only6.results.size(), 1u);
    EXPECT_EQ(only6.results[0].ep.address, "::1");

    // A name with IPv6 only under -4: the error says the family was left out, not that the
    // name has no address.
    const auto none4 = scan_text(fmt::format("six.lab.test:{}\n", port_), v4);
    ASSERT_EQ(none4.results.size(), 1u);
    ASSERT_TRUE(none4.results[0].cap.error);
    EXPECT_EQ(none4.results[0].cap.error->code, "dns");
    EXPECT_NE(none4.results[0].cap.error->detail.find("no IPv4 address (A record; -4 leaves out IPv6)"),
              std::string::npos)
        << none4.results[0].cap.error->detail;
}

TEST_F(resolution, unknown_name_is_a_dns_error_and_the_scan_goes_on) {
    const auto out = scan_text(fmt::format("missing.lab.test:{}\nfleet.lab.test:{}\n", port_, port_), config());
    const auto missing = out.for_input(fmt::format("missing.lab.test:{}", port_));
    ASSERT_EQ(missing.size(), 1u);
    ASSERT_TRUE(missing[0]->cap.error);
    EXPECT_EQ(missing[0]->cap.error->code, "dns");
    EXPECT_TRUE(missing[0]->ep.address.empty());
    EXPECT_EQ(out.for_input(fmt::format("fleet.lab.test:{}", port_)).size(), 3u);
}

// c-ares's retries and its give-up are driven by the resolver's timer, not by an answer:
// a name the server never answers must still end, within --dns-timeout, after two tries.
TEST_F(resolution, an_unanswered_name_times_out_after_two_tries) {
    dns_.add_failure("silent.lab.test", lab::dns_failure::drop);
    auto c = config();
    c.dns_timeout = std::chrono::milliseconds(1200);
    const auto started = std::chrono::steady_clock::now();
    const auto out = scan_text(fmt::format("silent.lab.test:{}\nfleet.lab.test:{}\n", port_, port_), c);
    const auto elapsed = std::chrono::steady_clock::now() - started;
    const auto silent = out.for_input(fmt::format("silent.lab.test:{}", port_));
    ASSERT_EQ(silent.size(), 1u);
    ASSERT_TRUE(silent[0]->cap.error);
    EXPECT_EQ(silent[0]->cap.error->code, "dns");
    EXPECT_NE(silent[0]->cap.error->detail.find("imeout"), std::string::npos) << silent[0]->cap.error->detail;
    EXPECT_GE(dns_.query_count("silent.lab.test"), 2u);
    // The two tries fit in the budget (the second waits twice the first): the give-up is at
    // 1,200 ms plus a 50 ms tick, not at 1.5 times the budget as it was.
    ASSERT_TRUE(silent[0]->cap.timings.dns_ms.has_value());
    EXPECT_GE(*silent[0]->cap.timings.dns_ms, 1100.0);
    EXPECT_LT(*silent[0]->cap.timings.dns_ms, 1600.0);
    EXPECT_LT(elapsed, std::chrono::seconds(5)) << "a give-up, not a hang";
    EXPECT_EQ(out.for_input(fmt::format("fleet.lab.test:{}", port_)).size(), 3u);
}

// The message says what may have happened: c-ares cannot tell a SERVFAIL or REFUSED from a
// server that cannot be reached, so the message names all three; an unknown name is NXDOMAIN.
TEST_F(resolution, the_dns_error_says_what_the_server_answered) {
    dns_.add_failure("broken.lab.test", lab::dns_failure::servfail);
    dns_.add_failure("closed.lab.test", lab::dns_failure::refused);
    const auto out = scan_text(
        fmt::format("broken.lab.test:{}\nclosed.lab.test:{}\nmissing.lab.test:{}\n", port_, port_, port_), config());
    const auto detail = [&](const char* name) {
        const auto records = out.for_input(fmt::format("{}:{}", name, port_));
        EXPECT_EQ(records.size(), 1u) << name;
        return records.empty() || !records[0]->cap.error ? std::string() : records[0]->cap.error->detail;
    };
    EXPECT_NE(detail("broken.lab.test").find("SERVFAIL or REFUSED"), std::string::npos) << detail("broken.lab.test");
    EXPECT_NE(detail("closed.lab.test").find("SERVFAIL or REFUSED"), std::string::npos) << detail("closed.lab.test");
    EXPECT_EQ(detail("missing.lab.test"), "no such name (NXDOMAIN)");
}

// localhost is loopback without asking the resolver, which knows nothing of it (RFC 6761).
TEST_F(resolution, localhost_is_loopback_without_a_query) {
    const auto out = scan_text(fmt::format("localhost:{}\n", port_), config());
    const auto local = out.for_input(fmt::format("localhost:{}", port_));
    ASSERT_EQ(local.size(), 2u);
    std::vector<std::string> addresses;
    for (const auto* r : local) {
        EXPECT_FALSE(r->cap.error) << r->cap.error->detail;
        addresses.push_back(r->ep.address);
    }
    std::sort(addresses.begin(), addresses.end());
    EXPECT_EQ(addresses, (std::vector<std::string>{"127.0.0.1", "::1"}));
    EXPECT_EQ(dns_.query_count("localhost"), 0u);
    auto v4 = config();
    v4.ipv4_only = true;
    EXPECT_EQ(scan_text(fmt::format("localhost:{}\n", port_), v4).results.size(), 1u);
}

// A sinkhole's 0.0.0.0 or :: would reach this machine: an `excluded` record, not a scan of
// the scanner's own host. An IPv4-mapped answer is the IPv4 address it maps.
TEST_F(resolution, unspecified_answers_are_not_scanned_and_mapped_ones_are_ipv4) {
    dns_.add("sinkhole.lab.test", {"0.0.0.0"});
    dns_.add("sinkhole6.lab.test", {"::", "127.0.0.2"});
    dns_.add("mapped.lab.test", {"127.0.0.2", "::ffff:127.0.0.2", "::ffff:127.0.0.3"});
    dns_.add("mappedzero.lab.test", {"::ffff:0.0.0.0"});
    const auto out = scan_text(fmt::format("sinkhole.lab.test:{0}\nsinkhole6.lab.test:{0}\nmapped.lab.test:{0}\n"
                                           "mappedzero.lab.test:{0}\n",
                                           port_),
                               config());
    const auto sinkhole = out.for_input(fmt::format("sinkhole.lab.test:{}", port_));
    ASSERT_EQ(sinkhole.size(), 1u);
    EXPECT_EQ(sinkhole[0]->ep.address, "0.0.0.0");
    ASSERT_TRUE(sinkhole[0]->cap.error);
    EXPECT_EQ(sinkhole[0]->cap.error->code, "excluded");
    EXPECT_NE(sinkhole[0]->cap.error->detail.find("resolved to the unspecified address 0.0.0.0"), std::string::npos)
        << sinkhole[0]->cap.error->detail;

    const auto six = out.for_input(fmt::format("sinkhole6.lab.test:{}", port_));
    ASSERT_EQ(six.size(), 2u);
    for (const auto* r : six) {
        if (r->ep.address == "::") {
            ASSERT_TRUE(r->cap.error);
            EXPECT_EQ(r->cap.error->code, "excluded");
        } else {
            EXPECT_EQ(r->ep.address, "127.0.0.2");
            EXPECT_FALSE(r->cap.error) << r->cap.error->detail;
        }
        EXPECT_EQ(r->ep.address_count, 2u);
    }

    const auto mapped = out.for_input(fmt::format("mapped.lab.test:{}", port_));
    std::vector<std::string> addresses;
    for (const auto* r : mapped) {
        EXPECT_FALSE(r->cap.error) << r->ep.address << ": " << r->cap.error->detail;
        addresses.push_back(r->ep.address);
    }
    std::sort(addresses.begin(), addresses.end());
    EXPECT_EQ(addresses, (std::vector<std::string>{"127.0.0.2", "127.0.0.3"}));

    const auto mapped_zero = out.for_input(fmt::format("mappedzero.lab.test:{}", port_));
    ASSERT_EQ(mapped_zero.size(), 1u);
    EXPECT_EQ(mapped_zero[0]->ep.address, "0.0.0.0");
    ASSERT_TRUE(mapped_zero[0]->cap.error);
    EXPECT_EQ(mapped_zero[0]->cap.error->code, "excluded");

    // Under -6 a mapped answer is an IPv4 address: left out like an A record.
    auto v6 = config();
    v6.ipv6_only = true;
    const auto only_mapped = scan_text(fmt::format("mappedzero.lab.test:{}\n", port_), v6);
    ASSERT_EQ(only_mapped.results.size(), 1u);
    ASSERT_TRUE(only_mapped.results[0].cap.error);
    EXPECT_EQ(only_mapped.results[0].cap.error->code, "dns");
    EXPECT_EQ(only_mapped.results[0].cap.error->detail,
              "the name has no IPv6 address (AAAA record; -6 leaves out IPv4)");
}

// The addresses of one name are scanned side by side, within --concurrency, by whichever
// workers are free: a name of 8 silent addresses held all 8 connections open at once. It
// held one worker for 8 handshake timeouts in a row, one address after another.
TEST_F(resolution, the_addresses_of_a_name_are_scanned_side_by_side) {
    std::vector<std::string> addresses;
    for (int i = 11; i <= 18; ++i) addresses.push_back(fmt::format("127.0.0.{}", i));
    lab::server_pool silent_servers(1);
    lab::server_config silent;
    silent.b = lab::behaviour::silent;
    const auto port = silent_servers.start_fleet(silent, addresses);
    dns_.add("silent.lab.test", addresses);
    auto c = config();
    c.handshake_timeout = std::chrono::seconds(3);
    c.probes = {"modern"};
    auto scan = std::async(std::launch::async, [&] { return scan_text(fmt::format("silent.lab.test:{}\n", port), c); });
    std::uint64_t most = 0;
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(3);
    while (most < addresses.size() && std::chrono::steady_clock::now() < until) {
        std::uint64_t open = 0;
        for (const auto& a : addresses) open += silent_servers.stats(port, a).active;
        most = std::max(most, open);
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    EXPECT_EQ(most, addresses.size()) << "connections open at once";
    const auto out = scan.get();
    const auto records = out.for_input(fmt::format("silent.lab.test:{}", port));
    ASSERT_EQ(records.size(), addresses.size());
    for (const auto* r : records) {
        ASSERT_TRUE(r->cap.error);
        EXPECT_EQ(r->cap.error->code, "timeout-handshake");
        EXPECT_EQ(r->ep.address_count, addresses.size());
    }
}

// Targets are fully qualified: the system's search list (here LOCALDOMAIN, with ndots:5 as in
// a Kubernetes pod) is never appended, so a name is never answered by another's records.
TEST_F(resolution, search_domains_are_never_appended) {
    struct environment {
        environment() {
            ::setenv("LOCALDOMAIN", "corp.lab.test", 1);
            ::setenv("RES_OPTIONS", "ndots:5", 1);
        }
        ~environment() {
            ::unsetenv("LOCALDOMAIN");
            ::unsetenv("RES_OPTIONS");
        }
    } search_list;
    dns_.add("fleet.lab.test.corp.lab.test", {"127.0.0.3"});
    dns_.add("missing.lab.test.corp.lab.test", {"127.0.0.3"});
    const auto out = scan_text(fmt::format("fleet.lab.test:{0}\nmissing.lab.test:{0}\n", port_), config());
    EXPECT_EQ(out.for_input(fmt::format("fleet.lab.test:{}", port_)).size(), 3u);
    const auto missing = out.for_input(fmt::format("missing.lab.test:{}", port_));
    ASSERT_EQ(missing.size(), 1u);
    ASSERT_TRUE(missing[0]->cap.error);
    EXPECT_EQ(missing[0]->cap.error->detail, "no such name (NXDOMAIN)");
    EXPECT_EQ(dns_.query_count("fleet.lab.test.corp.lab.test"), 0u);
    EXPECT_EQ(dns_.query_count("missing.lab.test.corp.lab.test"), 0u);
}

TEST_F(resolution, ipv6_literal_target) {
    const auto out = scan_text(fmt::format("[::1]:{} sni=fleet.lab.test\n", port_), config());
    ASSERT_EQ(out.results.size(), 1u);
    EXPECT_EQ(out.results[0].ep.address, "::1");
    EXPECT_FALSE(out.results[0].cap.error);
}

TEST_F(resolution, bad_resolver_address_is_refused) {
    auto c = config();
    c.resolver = "not-an-ip";
    EXPECT_THROW(scan_text("fleet.lab.test\n", c), std::invalid_argument);
    EXPECT_FALSE(net::check_resolver_address("127.0.0.1:99999").empty());
    EXPECT_TRUE(net::check_resolver_address("[::1]:53").empty());
    EXPECT_FALSE(net::check_resolver_address("[127.0.0.1]:53").empty());  // brackets are for IPv6
    // Refused before the scan begins: c-ares refused a zone only once the outputs were open,
    // and "::1:5353" was the address ::0.1.83.83 asked on port 53.
    EXPECT_EQ(net::check_resolver_address("fe80::1%lo"), "IPv6 zone identifiers are not supported: 'fe80::1%lo'");
    EXPECT_EQ(net::check_resolver_address("::1:5353"),
              "'::1:5353' is the IPv4-compatible address ::0.1.83.83 (never routed); for a port write [::1]:5353");
    EXPECT_TRUE(net::check_resolver_address("2001:db8::53").empty());
    // A bare IPv6 server is asked on port 53; c-ares refused it written as "[::1]".
    EXPECT_TRUE(net::check_resolver_address("::1").empty());
    c.resolver = "::1";
    const auto out = scan_text(fmt::format("127.0.0.1:{}\n", port_), c);
    ASSERT_EQ(out.results.size(), 1u);
    EXPECT_FALSE(out.results[0].cap.error);
}

}  // namespace
}  // namespace tlsaudit::testing
