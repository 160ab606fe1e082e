// revocation::checker at scale and across runs (issue 4): deduplication counted at the
// servers, the on-disk cache, redirects and refused schemes, and a real scan whose
// net sink hands results to the checker.

#include "revocation_support.hpp"

#include <tlsaudit/lab/tls_server.hpp>
#include <tlsaudit/net.hpp>

#include <fmt/format.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <thread>

namespace tlsaudit::testing {
namespace {

using namespace std::chrono_literals;

// A fresh directory under the system temp dir, removed afterwards.
struct temp_dir {
    std::filesystem::path path;
    temp_dir() {
        std::random_device rd;
        path = std::filesystem::temp_directory_path() / fmt::format("tlsaudit-revocation-{:x}", rd());
        std::filesystem::create_directories(path);
    }
    ~temp_dir() {
        std::error_code ignored;
        std::filesystem::remove_all(path, ignored);
    }
};

TEST(revocation_scale, two_hundred_endpoints_cost_one_crl_and_one_ocsp_request_per_serial) {
    revocation_lab lab;
    lab.publish_crl({});
    // 40 distinct leaves, each behind 5 endpoints: 20 with OCSP only, 20 with a CRL only.
    std::vector<lab::credential> leaves;
    for (int i = 0; i < 40; ++i) leaves.push_back(lab.leaf(i < 20, i >= 20, {}, fmt::format("host{}.lab.test", i)));
    lab.responder.set(lab::serial_of(leaves[3].der), {lab::cert_state::revoked, 1, {}});
    lab.publish_crl(crl_listing(lab::serial_of(leaves[33].der)));

    revocation::checker c(quick_options(lab));
    std::mutex mutex;
    std::map<std::size_t, std::vector<std::string>> states;  // leaf index -> states seen
    std::vector<std::thread> producers;
    for (int t = 0; t < 4; ++t) {
        producers.emplace_back([&, t] {
            for (std::size_t e = static_cast<std::size_t>(t); e < 200; e += 4) {
                const std::size_t i = e % leaves.size();
                c.check(lab.request_for(leaves[i]), [&, i](revocation::chain_status s) {
                    std::lock_guard lock(mutex);
                    states[i].push_back(s[0] ? s[0]->state : "none");
                });
            }
        });
    }
    for (auto& p : producers) p.join();
    c.drain();

    EXPECT_EQ(lab.crl_server.request_count(lab.crl_path), 1u);
    EXPECT_EQ(lab.responder.request_count(), 20u);
    EXPECT_EQ(lab.responder.distinct_serials(), 20u);
    for (int i = 0; i < 20; ++i) EXPECT_EQ(lab.responder.request_count(lab::serial_of(leaves[i].der)), 1u) << i;
    ASSERT_EQ(states.size(), 40u);
    for (const auto& [i, seen] : states) {
        EXPECT_EQ(seen.size(), 5u);
        const std::string expected = (i == 3 || i == 33) ? "revoked" : "good";
        for (const auto& s : seen) EXPECT_EQ(s, expected) << "leaf " << i;
    }
    const auto stats = c.stats();
    EXPECT_EQ(stats.checks, 200u);
    EXPECT_EQ(stats.ocsp_requests, 20u);
    EXPECT_EQ(stats.crl_downloads, 1u);
}

// What the scan threads pay: check() only queues, so 10,000 endpoints cost the producers
// microseconds each while the answers come from one CRL download and the stapled responses.
TEST(revocation_scale, ten_thousand_checks_cost_the_producers_little) {
    revocation_lab lab;
    lab.publish_crl({});
    std::vector<lab::credential> leaves;
    std::vector<bytes> staples;
    for (int i = 0; i < 10; ++i) {
        leaves.push_back(lab.leaf(false, true, {}, fmt::format("bulk{}.lab.test", i)));
        staples.push_back(i % 2 == 0 ? lab::make_ocsp_response_for(lab.ca(), leaves.back().der, {}) : bytes{});
    }
    revocation::checker c(quick_options(lab));
    std::atomic<std::uint64_t> good{0};
    std::atomic<std::int64_t> producer_ns{0};
    const auto start = std::chrono::steady_clock::now();
    std::vector<std::thread> producers;
    for (int t = 0; t < 2; ++t) {
        producers.emplace_back([&, t] {
            for (int e = t; e < 10000; e += 2) {
                const auto i = static_cast<std::size_t>(e % 10);
                auto req = lab.request_for(leaves[i], staples[i]);
                const auto before = std::chrono::steady_clock::now();
                c.check(std::move(req), [&](revocation::chain_status s) {
                    if (s[0] && s[0]->state == "good") ++good;
                });
                producer_ns += (std::chrono::steady_clock::now() - before).count();
            }
        });
    }
    for (auto& p : producers) p.join();
    c.drain();
    const double total_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    EXPECT_EQ(good.load(), 10000u);
    EXPECT_EQ(lab.crl_server.request_count(lab.crl_path), 1u);
    std::printf("[ revocation ] 10000 checks in %.0f ms; check() calls took %.1f us on average\n", total_ms,
                static_cast<double>(producer_ns.load()) / 10000.0 / 1000.0);
}

TEST(revocation_scale, disk_cache_avoids_the_second_download) {
    revocation_lab lab;
    const auto by_ocsp = lab.leaf(true, false, {}, "ocsp.lab.test");
    const auto by_crl = lab.leaf(false, true, {}, "crl.lab.test");
    lab.publish_crl(crl_listing(lab::serial_of(by_crl.der)));
    temp_dir dir;
    auto o = quick_options(lab);
    o.cache_dir = dir.path;
    for (int run = 0; run < 2; ++run) {
        revocation::checker c(o);
        const auto a = check_now(c, lab.request_for(by_ocsp));
        const auto b = check_now(c, lab.request_for(by_crl));
        EXPECT_EQ(a[0]->state, "good") << run;
        EXPECT_EQ(b[0]->state, "revoked") << run;
        EXPECT_EQ(c.stats().disk_hits, run == 0 ? 0u : 2u);
    }
    EXPECT_EQ(lab.responder.request_count(), 1u);
    EXPECT_EQ(lab.crl_server.request_count(lab.crl_path), 1u);

    // A cached answer past its nextUpdate is not used: the run downloads again.
    revocation::options later = o;
    later.now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()) + 24h * 30;
    revocation::checker c(later);
    check_now(c, lab.request_for(by_crl));
    EXPECT_EQ(lab.crl_server.request_count(lab.crl_path), 2u);
}

// Only a CRL its issuer signed is kept on disk, and a cached CRL is checked against its
// issuer when read: a forged download (the CA's name, another key) or a file changed on
// disk never stands in for the CA's CRL in a later run.
TEST(revocation_scale, the_disk_cache_keeps_only_crls_their_issuer_signed) {
    revocation_lab lab;
    const auto leaf = lab.leaf(false, true, {}, "cached.lab.test");
    lab::http_reply forged;
    forged.content_type = "application/pkix-crl";
    forged.body = lab::make_crl(lab::credential{lab.ca().der, lab::lab_key(lab::key_kind::ec_p256, 93)}, {});
    lab.crl_server.route(lab.crl_path, forged);
    temp_dir dir;
    auto o = quick_options(lab);
    o.cache_dir = dir.path;
    const auto run = [&] {
        revocation::checker c(o);
        const auto s = *check_now(c, lab.request_for(leaf))[0];
        return std::pair{s, c.stats().disk_hits};
    };
    const auto [first, first_hits] = run();
    EXPECT_EQ(first.state, "unknown");
    EXPECT_NE(first.reason.find("signature"), std::string::npos) << first.reason;

    lab.publish_crl(crl_listing(lab::serial_of(leaf.der)));
    const auto [second, second_hits] = run();
    EXPECT_EQ(second.state, "revoked") << second.reason << ": the forged CRL was kept";
    EXPECT_EQ(second_hits, 0u);
    EXPECT_EQ(lab.crl_server.request_count(lab.crl_path), 2u);

    // One byte of the cached CRL's signature changed: read, refused, downloaded again.
    std::vector<std::filesystem::path> cached;
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir.path))
        if (e.is_regular_file()) cached.push_back(e.path());
    ASSERT_EQ(cached.size(), 1u);
    {
        std::fstream file(cached[0], std::ios::in | std::ios::out | std::ios::binary);
        file.seekg(-1, std::ios::end);
        const char last = static_cast<char>(file.get());
        file.seekp(-1, std::ios::end);
        file.put(static_cast<char>(last ^ 0x01));
    }
    const auto [third, third_hits] = run();
    EXPECT_EQ(third.state, "revoked") << third.reason;
    EXPECT_EQ(lab.crl_server.request_count(lab.crl_path), 3u);
    // The download replaced the file: the next run reads it from disk.
    const auto [fourth, fourth_hits] = run();
    EXPECT_EQ(fourth.state, "revoked");
    EXPECT_EQ(fourth_hits, 1u);
    EXPECT_EQ(lab.crl_server.request_count(lab.crl_path), 3u);
}

TEST(revocation_scale, redirects_are_followed_up_to_three) {
    revocation_lab lab;
    const auto leaf = lab.leaf(false, true);
    lab.crl_path = "/final.crl";
    lab.publish_crl(crl_listing(lab::serial_of(leaf.der)));
    auto redirect = [&](const std::string& from, const std::string& to) {
        lab::http_reply r;
        r.status = 302;
        r.headers.push_back({"Location", to});
        lab.crl_server.route(from, r);
    };
    // /ca.crl -> /r2 -> /r3 -> /final.crl: three redirects.
    redirect("/ca.crl", "/r2");
    redirect("/r2", lab.crl_server.url("/r3"));
    redirect("/r3", "/final.crl");
    revocation::checker c(quick_options(lab));
    const auto s = *check_now(c, lab.request_for(leaf))[0];
    EXPECT_EQ(s.state, "revoked") << s.reason;

    // Four are too many.
    redirect("/loop1", "/loop2");
    redirect("/loop2", "/loop3");
    redirect("/loop3", "/loop4");
    redirect("/loop4", "/final.crl");
    lab::cert_spec spec = lab::leaf_spec("loop.lab.test");
    spec.crl_url = lab.crl_server.url("/loop1");
    const auto looping = lab::issue(lab.ca(), spec, lab::lab_key(lab::key_kind::ec_p256, 79));
    const auto l = *check_now(c, lab.request_for(looping))[0];
    EXPECT_EQ(l.state, "unknown");
    EXPECT_NE(l.reason.find("more than 3 redirects"), std::string::npos) << l.reason;
}

TEST(revocation_scale, non_http_urls_are_refused_with_a_reason) {
    revocation_lab lab;
    lab::cert_spec spec = lab::leaf_spec("https.lab.test");
    spec.ocsp_url = "https://127.0.0.1:1/ocsp";
    spec.crl_url = "ldap://127.0.0.1:1/cn=ca";
    const auto leaf = lab::issue(lab.ca(), spec, lab::lab_key(lab::key_kind::ec_p256, 79));
    revocation::checker c(quick_options(lab));
    const auto s = *check_now(c, lab.request_for(leaf))[0];
    EXPECT_EQ(s.state, "unknown");
    EXPECT_NE(s.reason.find("ocsp: https://127.0.0.1:1/ocsp: refused: only http://"), std::string::npos) << s.reason;
    EXPECT_NE(s.reason.find("crl: ldap://127.0.0.1:1/cn=ca: refused: only http://"), std::string::npos) << s.reason;
}

// The way the pipeline uses it: net's sink (on scan threads) queues checks and returns
// at once; the callbacks complete the results.
TEST(revocation_scale, scan_sink_hands_stapled_and_live_checks_to_the_checker) {
    revocation_lab lab;
    const auto stapling = lab.leaf(true, false, {}, "stapled.lab.test");
    const auto plain = lab.leaf(true, false, {}, "plain.lab.test");
    lab.responder.set(lab::serial_of(plain.der), {lab::cert_state::revoked, 1, {}});
    lab::server_pool servers(1);
    const auto key = lab::lab_key(lab::key_kind::ec_p256, 79);
    const auto p1 = servers.start({.chain = {stapling.der, lab.ca().der},
                                   .leaf_key = key,
                                   .stapled_ocsp = lab::make_ocsp_response_for(lab.ca(), stapling.der, {})});
    const auto p2 = servers.start({.chain = {plain.der, lab.ca().der}, .leaf_key = key});

    std::vector<target> targets;
    for (auto port : {p1, p2}) {
        target t;
        t.host = "127.0.0.1";
        t.host_is_ip = true;
        t.port = port;
        t.input = fmt::format("127.0.0.1:{}", port);
        targets.push_back(t);
    }
    std::size_t next_index = 0;
    net::scan_config config;
    config.concurrency = 4;
    config.threads = 1;
    revocation::checker c(quick_options(lab));
    std::mutex mutex;
    std::map<std::uint16_t, revocation_status> by_port;
    net::run_scan(
        config,
        [&]() -> std::optional<target> {
            if (next_index == targets.size()) return std::nullopt;
            return targets[next_index++];
        },
        [&](scan_result&& r) {
            ASSERT_FALSE(r.cap.error) << r.cap.error->detail;
            const auto port = r.ep.tgt.port;
            c.check({r.cap.chain, r.cap.stapled_ocsp, {}, {}}, [&, port](revocation::chain_status s) {
                std::lock_guard lock(mutex);
                by_port[port] = *s[0];
            });
        });
    c.drain();
    ASSERT_EQ(by_port.size(), 2u);
    EXPECT_EQ(by_port[p1].state, "good");
    EXPECT_EQ(by_port[p1].source, "stapled");
    EXPECT_EQ(by_port[p2].state, "revoked");
    EXPECT_EQ(by_port[p2].source, "ocsp");
    EXPECT_EQ(lab.responder.request_count(), 1u);
}

}  // namespace
}  // namespace tlsaudit::testing
