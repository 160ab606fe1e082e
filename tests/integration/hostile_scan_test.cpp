// One scan of 1,000 well-behaved endpoints mixed with every hostile one: every normal
// chain byte for byte, every hostile endpoint its own error code within its deadline,
// and the process's peak memory growth bounded.

#include "hostile_support.hpp"
#include "scan_support.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <map>

// g++ defines __SANITIZE_ADDRESS__; clang reports AddressSanitizer through __has_feature.
#if defined(__has_feature)
#define TLSAUDIT_HAS_FEATURE(x) __has_feature(x)
#else
#define TLSAUDIT_HAS_FEATURE(x) 0
#endif

namespace tlsaudit::testing {
namespace {

using namespace std::chrono_literals;

// Peak resident set size of this process so far, in KiB (VmHWM), or -1.
long peak_rss_kib() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
    return -1;
}

constexpr std::size_t chains = 4;
constexpr std::size_t addresses_per_chain = 250;     // 4 x 250 = 1,000 normal endpoints
constexpr std::chrono::milliseconds deadline{4000};  // connect and handshake

TEST(hostile_scan, a_thousand_normal_endpoints_and_every_hostile_one) {
    lab::server_pool servers(2);
    std::string targets;
    // (address, port) -> what it must give: a chain, or an error code.
    std::map<std::pair<std::string, std::uint16_t>, std::vector<bytes>> normal;
    std::map<std::pair<std::string, std::uint16_t>, std::string> hostile;

    for (std::size_t c = 0; c < chains; ++c) {
        lab::hierarchy_options options;
        options.intermediates = static_cast<int>(c % 3);
        options.leaf_dns_names = {fmt::format("fleet{}.lab.test", c)};
        options.name = fmt::format("tlsaudit fleet {}", c);
        options.key_index = 700 + 10 * c;
        const lab::hierarchy h = lab::make_hierarchy(options);
        lab::server_config config;
        config.chain = h.served_chain();
        config.leaf_key = h.leaf.k;
        std::vector<std::string> addresses;
        for (std::size_t i = 0; i < addresses_per_chain; ++i)
            addresses.push_back(fmt::format("127.{}.{}.{}", 20 + c, i / 200, 1 + i % 200));
        const std::uint16_t port = servers.start_fleet(config, addresses);
        for (const auto& a : addresses) {
            normal[{a, port}] = config.chain;
            targets += fmt::format("{}:{} sni=fleet{}.lab.test\n", a, port, c);
        }
    }
    for (const auto& hc : hostile_cases()) {
        lab::server_config config;
        config.b = hc.b;
        config.drip_interval = 20ms;
        const std::uint16_t port = servers.start(config);
        hostile[{"127.0.0.1", port}] = hc.code;
        targets += fmt::format("127.0.0.1:{} sni=hostile.lab.test\n", port);
    }
    const lab::closed_port closed;
    const std::uint16_t refused = closed.port();
    hostile[{"127.0.0.1", refused}] = "refused";
    targets += fmt::format("127.0.0.1:{}\n", refused);
    {
        lab::server_config config = long_chain_config(200, "long.lab.test");
        const auto chain = config.chain;
        const std::uint16_t port = servers.start(std::move(config));
        normal[{"127.0.0.1", port}] = chain;
        targets += fmt::format("127.0.0.1:{} sni=long.lab.test\n", port);
    }
    {
        // One certificate over net::max_chain_certificates (256): refused, none kept.
        const std::uint16_t port = servers.start(long_chain_config(257, "longer.lab.test"));
        hostile[{"127.0.0.1", port}] = "chain-too-large";
        targets += fmt::format("127.0.0.1:{} sni=longer.lab.test\n", port);
    }

    // Deadlines long enough for a loaded 2-core machine to finish every normal handshake,
    // short enough that the stalling endpoints (silent, drip, ...) end the scan soon.
    net::scan_config config = quick_config(48);
    config.connect_timeout = deadline;
    config.handshake_timeout = deadline;
    const long rss_before = peak_rss_kib();
    const auto out = scan_text(targets, config);
    const long rss_after = peak_rss_kib();

    EXPECT_TRUE(out.input_errors.empty());
    ASSERT_EQ(out.results.size(), normal.size() + hostile.size());
    std::size_t normal_ok = 0, hostile_ok = 0;
    for (const auto& r : out.results) {
        const std::pair<std::string, std::uint16_t> where{r.ep.address, r.ep.tgt.port};
        const std::string name = fmt::format("{}:{}", where.first, where.second);
        if (const auto it = normal.find(where); it != normal.end()) {
            if (r.cap.error) {
                ADD_FAILURE() << name << ": " << r.cap.error->code << " " << r.cap.error->detail;
                continue;
            }
            EXPECT_TRUE(r.cap.chain == it->second) << name << ": chain differs from what was served";
            normal_ok += r.cap.chain == it->second;
            continue;
        }
        const auto it = hostile.find(where);
        ASSERT_NE(it, hostile.end()) << name << " was never started";
        ASSERT_TRUE(r.cap.error) << name << " should have failed with " << it->second;
        EXPECT_EQ(r.cap.error->code, it->second) << name << ": " << r.cap.error->detail;
        hostile_ok += r.cap.error->code == it->second;
        // Within its deadline (generously: the test machine is shared).
        const double limit_ms = static_cast<double>(deadline.count()) + 1500.0;
        EXPECT_LT(r.cap.timings.connect_ms.value_or(0), limit_ms) << name;
        EXPECT_LT(r.cap.timings.handshake_ms.value_or(0), limit_ms) << name;
    }
    EXPECT_EQ(normal_ok, normal.size());
    EXPECT_EQ(hostile_ok, hostile.size());

    // Memory: 1,000 small chains, a 200-certificate chain and a refused 1 MiB
    // certificate must not cost more than a few tens of MiB; 256 MiB is generous.
    // AddressSanitizer keeps freed memory in a 256 MiB quarantine and adds shadow
    // memory on top, so its build gets that much more room.
#if defined(__SANITIZE_ADDRESS__) || TLSAUDIT_HAS_FEATURE(address_sanitizer)
    constexpr long bound_kib = (256 + 512) * 1024;
#else
    constexpr long bound_kib = 256 * 1024;
#endif
    ASSERT_GT(rss_before, 0);
    EXPECT_LT(rss_after - rss_before, bound_kib) << "peak RSS grew by " << (rss_after - rss_before) << " KiB";
}

}  // namespace
}  // namespace tlsaudit::testing
