#pragma once
// A small loopback lab for the geo tests: one TLS endpoint on 127.0.0.1 and 127.0.0.2
// (one port) and one on ::1, serving a generated EC chain.

#include <tlsaudit/lab/pki.hpp>
#include <tlsaudit/lab/tls_server.hpp>

#include <fmt/format.h>

#include <cstdint>
#include <filesystem>
#include <string>

namespace tlsaudit::testing {

inline std::filesystem::path geo_test_db(const char* name) {
    return std::filesystem::path(TLSAUDIT_GEO_TEST_DATA) / name;
}

class geo_lab {
public:
    geo_lab() : servers_(1) {
        const auto h = lab::make_hierarchy({.kind = lab::key_kind::ec_p256, .leaf_dns_names = {"geo.lab.test"}});
        lab::server_config config{.chain = h.served_chain(), .leaf_key = h.leaf.k};
        v4_port_ = servers_.start_fleet(config, {"127.0.0.1", "127.0.0.2"});
        config.bind_address = "::1";
        v6_port_ = servers_.start(config);
    }

    // Target lines: three endpoints (two IPv4, one IPv6), IP literals with SNI.
    std::string targets() const {
        return fmt::format(
            "127.0.0.1:{0} sni=geo.lab.test\n127.0.0.2:{0} sni=geo.lab.test\n[::1]:{1} sni=geo.lab.test\n", v4_port_,
            v6_port_);
    }

private:
    lab::server_pool servers_;
    std::uint16_t v4_port_ = 0;
    std::uint16_t v6_port_ = 0;
};

}  // namespace tlsaudit::testing
