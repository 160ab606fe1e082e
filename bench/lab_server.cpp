// tlsaudit-bench-lab: a loopback lab of N TLS endpoints in its own process, for benchmarks.
//
//   tlsaudit-bench-lab --endpoints 1000 --targets FILE [--hosts-file FILE] [--threads 1] [--delay-ms 0]
//                      [--chains dual|mixed] [--distinct-leaves] [--nginx DIR] [--network 127.0.1]
//
// Endpoints are spread over 127.0.1.1, 127.0.1.2, ... with the same block of 20
// consecutive ports on each address (so port scanners can be given one port range);
// --network takes another /24 for them, one that reaches this process's network namespace
// (bench/netns.sh puts the lab behind a veth pair).
// --chains dual (the default): every endpoint serves an ECDSA P-256 chain to clients that
// accept ECDSA and an RSA-2048 chain to RSA-only clients, as a server with two certificates
// does; a modern client costs the lab one ECDSA signature. --chains mixed: even endpoints
// serve only the ECDSA chain, odd ones only the RSA chain (each modern handshake with an odd
// one costs the lab an RSA-2048 signature). --distinct-leaves: each endpoint's leaves are
// certificates of their own (same keys, names and issuer, another serial number), as in a
// real fleet, so a scanner cannot answer a handshake from what it learnt of the one before.
// --nginx DIR: the same endpoints served by nginx with --threads worker processes (its
// configuration, certificates and keys written under DIR; nginx_lab.hpp), stopped when this
// process ends; --delay-ms needs the lab's own server.
// Writes one target line per endpoint to FILE (`ADDRESS:PORT sni=bench.lab.test`) and the
// addresses to --hosts-file, prints "ready <N> <first-port> <last-port> <hosts>" on
// stdout, then serves until stdin reaches end of file.

#include "nginx_lab.hpp"

#include <tlsaudit/lab/pki.hpp>
#include <tlsaudit/lab/tls_server.hpp>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <fstream>
#include <iostream>
#include <optional>
#include <random>
#include <system_error>

namespace {

constexpr int ports_per_host = 20;

// The chain of `h` with, when `distinct`, a leaf of its own: the same key and names under
// the same issuer, a fresh random serial number.
std::vector<tlsaudit::bytes> chain_of(const tlsaudit::lab::hierarchy& h, bool distinct) {
    auto chain = h.served_chain();
    if (distinct)
        chain.front() =
            tlsaudit::lab::issue(h.intermediates.back(), tlsaudit::lab::leaf_spec("bench.lab.test"), h.leaf.k).der;
    return chain;
}

}  // namespace

int main(int argc, char** argv) {
    using namespace tlsaudit;
    int endpoints = 1000;
    unsigned threads = 1;
    std::string targets_file;
    std::string hosts_file;
    int delay_ms = 0;
    std::string chains = "dual";
    bool distinct_leaves = false;
    std::string nginx_dir;
    std::string network = "127.0.1";
    CLI::App app("loopback TLS lab for tlsaudit benchmarks");
    app.add_option("--endpoints", endpoints, "At most 5080: 20 ports on each address of a /24")
        ->check(CLI::Range(1, 254 * ports_per_host));
    app.add_option("--threads", threads)->check(CLI::Range(1, 64));
    app.add_option("--targets", targets_file)->required();
    app.add_option("--hosts-file", hosts_file);
    app.add_option("--delay-ms", delay_ms, "Hold each ClientHello this long (RTT emulation)")
        ->check(CLI::Range(0, 10000));
    app.add_option("--chains", chains, "dual: ECDSA and RSA chains on every endpoint; mixed: one or the other")
        ->check(CLI::IsMember({"dual", "mixed"}));
    app.add_flag("--distinct-leaves", distinct_leaves, "Give every endpoint leaf certificates of its own");
    app.add_option("--nginx", nginx_dir, "Serve the endpoints from nginx, its files in this directory");
    app.add_option("--network", network, "The first three octets of the endpoints' addresses (default 127.0.1)")
        ->check([](const std::string& v) {
            // A.B.C such that A.B.C.1 is an IPv4 address.
            return CLI::ValidIPV4(v + ".1").empty() ? std::string() : "three octets, e.g. 127.0.1";
        });
    CLI11_PARSE(app, argc, argv);
    if (!nginx_dir.empty() && delay_ms > 0) {
        std::cerr << "--delay-ms needs the lab's own server (no --nginx)\n";
        return 2;
    }

    const auto ec = lab::make_hierarchy(lab::key_kind::ec_p256, 1, {"bench.lab.test"});
    const auto rsa = lab::make_hierarchy({.kind = lab::key_kind::rsa_2048, .leaf_dns_names = {"bench.lab.test"}});
    auto config_of = [&](int i) {
        const bool ecdsa = chains == "dual" || i % 2 == 0;
        const auto& first = ecdsa ? ec : rsa;
        lab::server_config config{.chain = chain_of(first, distinct_leaves), .leaf_key = first.leaf.k};
        if (chains == "dual") config.extra_chains.push_back({chain_of(rsa, distinct_leaves), rsa.leaf.k});
        config.response_delay = std::chrono::milliseconds(delay_ms);
        return config;
    };
    // Leaves are issued once, before the first attempt to bind.
    std::vector<lab::server_config> configs;
    configs.reserve(static_cast<std::size_t>(endpoints));
    for (int i = 0; i < endpoints; ++i) configs.push_back(config_of(i));

    const int hosts = (endpoints + ports_per_host - 1) / ports_per_host;
    std::mt19937 random(std::random_device{}());
    for (int attempt = 0;; ++attempt) {
        const int base = 20000 + static_cast<int>(random() % 30000);
        for (int i = 0; i < endpoints; ++i) {
            auto& config = configs[static_cast<std::size_t>(i)];
            config.bind_address = fmt::format("{}.{}", network, 1 + i / ports_per_host);
            config.port = static_cast<std::uint16_t>(base + i % ports_per_host);
        }
        try {
            std::optional<lab::server_pool> servers;
            std::optional<bench::nginx_lab> nginx;
            if (nginx_dir.empty()) {
                servers.emplace(threads);
                for (const auto& config : configs) servers->start(config);
            } else {
                nginx.emplace(nginx_dir, configs, threads);
            }
            std::ofstream targets(targets_file);
            for (const auto& config : configs)
                targets << fmt::format("{}:{} sni=bench.lab.test\n", config.bind_address, config.port);
            targets.close();
            if (!hosts_file.empty()) {
                std::ofstream out(hosts_file);
                for (int h = 0; h < hosts; ++h) out << fmt::format("{}.{}\n", network, 1 + h);
            }
            fmt::print("ready {} {} {} {}\n", endpoints, base, base + std::min(endpoints, ports_per_host) - 1, hosts);
            std::fflush(stdout);
            std::string ignored;
            while (std::getline(std::cin, ignored)) {}
            return 0;
        } catch (const std::system_error&) {
            if (attempt >= 20) throw;  // a port of the block was taken: try another block
        } catch (const std::runtime_error& e) {
            if (nginx_dir.empty() || attempt >= 20) throw;
            std::cerr << e.what() << "\n";  // nginx could not bind: try another block
        }
    }
}
