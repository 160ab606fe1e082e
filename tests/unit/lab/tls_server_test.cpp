#include <tlsaudit/lab/pki.hpp>
#include <tlsaudit/lab/real_certs.hpp>
#include <tlsaudit/lab/tls_server.hpp>

#include "test_support.hpp"

#include <gtest/gtest.h>

#include <cerrno>
#include <system_error>

namespace tlsaudit::lab {
namespace {

using namespace std::chrono_literals;
constexpr auto wait_limit = 10s;

const hierarchy& lab_chain() {
    static const hierarchy h = make_hierarchy(key_kind::ec_p256, 1, {"localhost"});
    return h;
}

server_config tls_config(const hierarchy& h = lab_chain()) {
    server_config config;
    config.chain = h.served_chain();
    config.leaf_key = h.leaf.k;
    return config;
}

auto handshakes_at_least(std::uint64_t n) {
    return [n](const endpoint_stats& s) { return s.handshakes >= n; };
}

TEST(lab_tls_server, serves_the_configured_chain_byte_for_byte) {
    server_pool pool;
    const std::uint16_t port = pool.start(tls_config());
    const test::tls_result r = test::tls_handshake("127.0.0.1", port, test::client_options{}.with_sni("localhost"));
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(r.chain, lab_chain().served_chain());
    EXPECT_EQ(r.protocol, "TLSv1.3");
    EXPECT_TRUE(r.staple.empty());
    ASSERT_TRUE(pool.wait_for(port, handshakes_at_least(1), wait_limit));
    const endpoint_stats s = pool.stats(port);
    EXPECT_EQ(s.accepted, 1u);
    EXPECT_EQ(s.handshakes, 1u);
    EXPECT_EQ(s.last_sni, "localhost");
}

TEST(lab_tls_server, serves_odd_orders_duplicates_and_real_intermediates_as_given) {
    const hierarchy h = make_hierarchy(key_kind::ec_p256, 2, {"localhost"});
    const bytes gs2018 = real_cert("globalsign-rsa-dv-ssl-ca-2018").front();
    const credential impostor = issue_under_name(gs2018, lab_key(key_kind::rsa_2048, 1), leaf_spec("localhost"),
                                                 lab_key(key_kind::rsa_2048, 2));
    const std::vector<std::pair<std::vector<bytes>, key>> cases = {
        {{h.leaf.der, h.root.der, h.intermediates[0].der, h.intermediates[1].der}, h.leaf.k},
        {{h.leaf.der, h.intermediates[1].der, h.intermediates[1].der}, h.leaf.k},
        {{h.leaf.der}, h.leaf.k},
        {{impostor.der, gs2018, real_cert("globalsign-root-ca-r3").front()}, impostor.k},
    };
    server_pool pool;
    for (const auto& [chain, k] : cases) {
        server_config config;
        config.chain = chain;
        config.leaf_key = k;
        const std::uint16_t port = pool.start(config);
        const test::tls_result r = test::tls_handshake("127.0.0.1", port);
        ASSERT_TRUE(r.ok) << r.error;
        EXPECT_EQ(r.chain, chain);
    }
}

TEST(lab_tls_server, serves_weak_keys_and_signatures_at_security_level_zero) {
    cert_spec root_spec = ca_spec("Weak Root");
    root_spec.digest = "md5";
    const credential root = make_self_signed(root_spec, lab_key(key_kind::rsa_1024, 0));
    cert_spec leaf = leaf_spec("localhost");
    leaf.digest = "sha1";
    const credential weak = issue(root, leaf, lab_key(key_kind::rsa_1024, 1));
    server_config config;
    config.chain = {weak.der, root.der};
    config.leaf_key = weak.k;
    server_pool pool;
    const std::uint16_t port = pool.start(config);
    const test::tls_result r = test::tls_handshake("127.0.0.1", port);
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(r.chain, config.chain);
}

TEST(lab_tls_server, respects_min_and_max_versions) {
    server_pool pool;
    server_config tls12 = tls_config();
    tls12.max_version = TLS1_2_VERSION;
    const test::tls_result r12 = test::tls_handshake("127.0.0.1", pool.start(tls12));
    ASSERT_TRUE(r12.ok) << r12.error;
    EXPECT_EQ(r12.protocol, "TLSv1.2");

    server_config tls13 = tls_config();
    tls13.min_version = TLS1_3_VERSION;
    const std::uint16_t port13 = pool.start(tls13);
    const test::tls_result refused =
        test::tls_handshake("127.0.0.1", port13, test::client_options{}.with_max(TLS1_2_VERSION));
    EXPECT_FALSE(refused.ok);
    EXPECT_TRUE(pool.wait_for(
        port13, [](const endpoint_stats& s) { return s.failed == 1; }, wait_limit));
    EXPECT_EQ(pool.stats(port13).handshakes, 0u);
}

TEST(lab_tls_server, speaks_tls_1_0_and_1_1_when_asked) {
    const hierarchy rsa = make_hierarchy(key_kind::rsa_2048, 1, {"localhost"});
    server_pool pool;
    for (const auto& [version, name] : {std::pair{TLS1_VERSION, "TLSv1"}, {TLS1_1_VERSION, "TLSv1.1"}}) {
        for (const hierarchy* h : {&lab_chain(), &rsa}) {
            server_config config = tls_config(*h);
            config.min_version = version;
            config.max_version = version;
            const std::uint16_t port = pool.start(config);
            const test::tls_result r =
                test::tls_handshake("127.0.0.1", port, test::client_options{}.with_min(TLS1_VERSION));
            ASSERT_TRUE(r.ok) << name << ": " << r.error;
            EXPECT_EQ(r.protocol, name);
            EXPECT_EQ(r.chain, config.chain);
        }
    }
}

TEST(lab_tls_server, staples_only_when_the_client_asks) {
    server_config config = tls_config();
    config.stapled_ocsp = {0x30, 0x03, 0x0a, 0x01, 0x00};  // not parsed by anyone here
    server_pool pool;
    const std::uint16_t port = pool.start(config);
    for (int version : {TLS1_2_VERSION, TLS1_3_VERSION}) {
        const test::tls_result asked =
            test::tls_handshake("127.0.0.1", port, test::client_options{}.with_max(version).with_status());
        ASSERT_TRUE(asked.ok) << asked.error;
        EXPECT_EQ(asked.staple, config.stapled_ocsp) << version;
        const test::tls_result not_asked =
            test::tls_handshake("127.0.0.1", port, test::client_options{}.with_max(version));
        ASSERT_TRUE(not_asked.ok) << not_asked.error;
        EXPECT_TRUE(not_asked.staple.empty()) << version;
    }
}

TEST(lab_tls_server, selects_alpn_by_server_preference) {
    server_config config = tls_config();
    config.alpn = {"h2", "http/1.1"};
    server_pool pool;
    const std::uint16_t port = pool.start(config);
    const test::tls_result both =
        test::tls_handshake("127.0.0.1", port, test::client_options{}.with_alpn({"http/1.1", "h2"}));
    ASSERT_TRUE(both.ok) << both.error;
    EXPECT_EQ(both.alpn, "h2");
    const test::tls_result none = test::tls_handshake("127.0.0.1", port, test::client_options{}.with_alpn({"imap"}));
    ASSERT_TRUE(none.ok) << none.error;
    EXPECT_EQ(none.alpn, "");
}

TEST(lab_tls_server, serves_a_200_certificate_chain) {
    server_config config = tls_config();
    while (config.chain.size() < 200) config.chain.push_back(lab_chain().intermediates[0].der);
    server_pool pool;
    const std::uint16_t port = pool.start(config);
    const test::tls_result small_limit =
        test::tls_handshake("127.0.0.1", port, test::client_options{}.with_max_cert_list(16384));
    EXPECT_FALSE(small_limit.ok);
    const test::tls_result r =
        test::tls_handshake("127.0.0.1", port, test::client_options{}.with_max_cert_list(1 << 20));
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(r.chain, config.chain);
}

TEST(lab_tls_server, holds_500_concurrent_connections) {
    server_pool pool(2);
    const std::uint16_t port = pool.start(tls_config());
    std::vector<test::socket_fd> sockets;
    for (int i = 0; i < 500; ++i) sockets.push_back(test::connect_tcp("127.0.0.1", port));
    for (const auto& s : sockets) {
        const test::tls_result r = test::tls_handshake(s);
        ASSERT_TRUE(r.ok) << r.error;
        ASSERT_EQ(r.chain.size(), 2u);
    }
    EXPECT_TRUE(pool.wait_for(
        port, [](const endpoint_stats& s) { return s.handshakes == 500 && s.active == 500; }, wait_limit));
    sockets.clear();
    EXPECT_TRUE(pool.wait_for(
        port, [](const endpoint_stats& s) { return s.active == 0; }, wait_limit));
    EXPECT_EQ(pool.stats(port).accepted, 500u);
}

TEST(lab_tls_server, fleet_binds_one_port_on_several_loopback_addresses) {
    server_pool pool;
    const std::vector<std::string> addresses{"127.0.0.1", "127.0.0.2", "127.0.0.3"};
    const std::uint16_t port = pool.start_fleet(tls_config(), addresses);
    for (const auto& address : addresses) {
        const test::tls_result r = test::tls_handshake(address, port);
        ASSERT_TRUE(r.ok) << address << ": " << r.error;
        EXPECT_EQ(r.chain, lab_chain().served_chain());
    }
    ASSERT_TRUE(pool.wait_for(port, handshakes_at_least(3), wait_limit));
    for (const auto& address : addresses) EXPECT_EQ(pool.stats(port, address).handshakes, 1u);
    EXPECT_EQ(pool.stats(port, "127.0.0.4").accepted, 0u);
}

TEST(lab_tls_server, fixed_ports_and_port_conflicts) {
    server_pool pool;
    server_config config = tls_config();
    const std::uint16_t wanted = pool.start(config);  // a port the test holds from here on
    config.port = wanted;
    EXPECT_THROW(pool.start(config), std::system_error);
    config.bind_address = "127.0.0.9";
    EXPECT_EQ(pool.start(config), wanted);  // same port, another loopback address
}

TEST(lab_tls_server, refuses_bad_configurations) {
    server_pool pool;
    server_config config = tls_config();
    config.bind_address = "0.0.0.0";
    EXPECT_THROW(pool.start(config), std::invalid_argument);
    config.bind_address = "192.0.2.1";
    EXPECT_THROW(pool.start(config), std::invalid_argument);
    config.bind_address = "not an address";
    EXPECT_THROW(pool.start(config), std::invalid_argument);
    EXPECT_THROW(pool.start_fleet(tls_config(), {"127.0.0.1", "10.0.0.1"}), std::invalid_argument);
    EXPECT_THROW(pool.start(server_config{}), std::invalid_argument);
    server_config wrong_key = tls_config();
    wrong_key.leaf_key = lab_key(key_kind::ec_p256, 30);
    EXPECT_THROW(pool.start(wrong_key), std::runtime_error);
    server_config bad_version = tls_config();
    bad_version.max_version = 0x0999;
    EXPECT_THROW(pool.start(bad_version), std::runtime_error);
    pool.stop();
    EXPECT_THROW(pool.start(tls_config()), std::logic_error);
}

TEST(lab_tls_server, closed_port_refuses_connections_while_held) {
    closed_port held;
    EXPECT_NE(held.port(), 0);
    for (int i = 0; i < 3; ++i) {  // every time, not once
        try {
            test::connect_tcp("127.0.0.1", held.port());
            ADD_FAILURE() << "connected to a closed port";
        } catch (const std::system_error& e) {
            EXPECT_EQ(e.code().value(), ECONNREFUSED);
        }
    }
    server_config config = tls_config();
    config.port = held.port();
    EXPECT_THROW(server_pool().start(config), std::system_error) << "the port is held";
    closed_port moved = std::move(held);
    EXPECT_EQ(held.port(), 0);
    EXPECT_NE(moved.port(), 0);
    EXPECT_THROW(closed_port("8.8.8.8"), std::invalid_argument);
    EXPECT_NE(closed_port("::1").port(), 0);
}

TEST(lab_tls_server, ipv6_loopback_when_available) {
    server_pool pool;
    server_config config = tls_config();
    config.bind_address = "::1";
    std::uint16_t port = 0;
    try {
        port = pool.start(config);
    } catch (const std::system_error& e) {
        GTEST_SKIP() << "no IPv6 loopback here: " << e.what();
    }
    const test::tls_result r = test::tls_handshake("::1", port);
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(r.chain, config.chain);
}

}  // namespace
}  // namespace tlsaudit::lab
