// tlsaudit-bench-dns: the scanner's resolver alone (c-ares on Asio, scanner/dns's
// resolver), without connections or records, for bench/dns.sh.
//
//   tlsaudit-bench-dns --resolver 127.0.3.53:PORT --names FILE [--concurrency 1000] [--threads 2] [--family 4|6|any]
//
// Resolves every name of FILE (one per line) with --concurrency queries in flight,
// spread over --threads threads, each with its own io_context and c-ares channel as
// in a scan; prints "names N resolved R errors E seconds S names_per_s X".

#include "dns/resolver.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace asio = boost::asio;

struct shared {
    const std::vector<std::string>& names;
    std::atomic<std::size_t> next{0};
    std::atomic<std::size_t> resolved{0};
    std::atomic<std::size_t> errors{0};
};

asio::awaitable<void> worker(shared& s, tlsaudit::dns::resolver& resolver, int family) {
    for (std::size_t i = s.next++; i < s.names.size(); i = s.next++) {
        const auto answer = co_await resolver.resolve(s.names[i], family);
        ++(answer.error.empty() ? s.resolved : s.errors);
    }
}

}  // namespace

int main(int argc, char** argv) {
    std::string resolver;
    std::string names_file;
    std::size_t concurrency = 1000;
    unsigned threads = std::max(1u, std::thread::hardware_concurrency());
    std::string family_name = "4";
    CLI::App app("the tlsaudit resolver alone, for benchmarks");
    app.add_option("--resolver", resolver, "IP:PORT of the DNS server")->required();
    app.add_option("--names", names_file, "one name per line")->required()->check(CLI::ExistingFile);
    app.add_option("--concurrency", concurrency)->check(CLI::Range(1, 100000));
    app.add_option("--threads", threads)->check(CLI::Range(1, 64));
    app.add_option("--family", family_name)->check(CLI::IsMember({"4", "6", "any"}));
    CLI11_PARSE(app, argc, argv);
    const int family = family_name == "4" ? AF_INET : family_name == "6" ? AF_INET6 : AF_UNSPEC;

    std::vector<std::string> names;
    std::ifstream in(names_file);
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) names.push_back(line);
    shared s{names};

    const auto started = std::chrono::steady_clock::now();
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < threads; ++t) {
        const std::size_t workers = concurrency / threads + (t < concurrency % threads ? 1 : 0);
        pool.emplace_back([&s, &resolver, workers, family] {
            asio::io_context io(1);
            tlsaudit::dns::resolver r(io.get_executor(),
                                      tlsaudit::dns::resolver_options{std::chrono::seconds(5), resolver});
            for (std::size_t w = 0; w < workers; ++w) asio::co_spawn(io, worker(s, r, family), asio::detached);
            io.run();
        });
    }
    for (auto& t : pool) t.join();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    fmt::print("names {} resolved {} errors {} seconds {:.3f} names_per_s {:.0f}\n", names.size(), s.resolved.load(),
               s.errors.load(), seconds, static_cast<double>(names.size()) / seconds);
    return s.errors.load() == 0 ? 0 : 1;
}
