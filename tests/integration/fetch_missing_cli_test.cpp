// `tlsaudit scan --fetch-missing` on the lab: a missing intermediate is downloaded from the
// leaf's AIA caIssuers URL (a loopback HTTP server), and a caIssuers server that never
// answers holds up only the endpoint that points at it, not the scan thread's others.

#include "cli_support.hpp"
#include "process_support.hpp"

#include <tlsaudit/lab/http_server.hpp>
#include <tlsaudit/lab/pki.hpp>
#include <tlsaudit/lab/tls_server.hpp>

#include <boost/json/parse.hpp>

#include <fmt/format.h>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <signal.h>
#include <unistd.h>

namespace tlsaudit::testing {
namespace {

namespace json = boost::json;

struct aia_lab {
    lab::hierarchy h = lab::make_hierarchy({.kind = lab::key_kind::ec_p256, .key_index = 70});
    lab::http_server http;
    lab::server_pool servers{1};
    std::filesystem::path dir =
        std::filesystem::temp_directory_path() /
        fmt::format("tlsaudit-aia-{}-{}", ::getpid(), ::testing::UnitTest::GetInstance()->current_test_info()->name());

    aia_lab() {
        std::filesystem::create_directories(dir);
        std::ofstream(dir / "root.pem") << h.root.pem();
    }
    ~aia_lab() { std::filesystem::remove_all(dir); }

    // A server on its own port whose leaf names `name`: with its intermediate, or
    // without it and the caIssuers URL `aia_path` on the HTTP server.
    std::uint16_t serve(const std::string& name, const std::string& aia_path,
                        std::chrono::milliseconds delay = std::chrono::milliseconds(0)) {
        auto spec = lab::leaf_spec(name);
        if (!aia_path.empty()) spec.ca_issuers_url = http.url(aia_path);
        const auto key = lab::lab_key(lab::key_kind::ec_p256, 79);
        const auto leaf = lab::issue(h.intermediates.back(), spec, key);
        std::vector<bytes> chain{leaf.der};
        if (aia_path.empty()) chain.push_back(h.intermediates.back().der);
        return servers.start({.chain = chain, .leaf_key = key, .response_delay = delay});
    }

    std::string scan_args() const {
        return fmt::format(
            "scan - --ca-file '{}' --no-revocation --no-geoip --fetch-missing --fetch-allow 127.0.0.1:{} "
            "--fail-on none --ndjson -",
            (dir / "root.pem").string(), http.port());
    }
};

// The endpoint records in the order they were written, each with its finding ids.
struct written {
    std::uint16_t port;
    std::string error;  // "" for none
    std::vector<std::string> findings;
};

std::vector<written> endpoint_records(const std::string& ndjson) {
    std::vector<written> out;
    std::istringstream in(ndjson);
    for (std::string line; std::getline(in, line);) {
        if (line.empty()) continue;
        auto record = json::parse(line).as_object();
        if (record["type"] != "endpoint") continue;
        written w{static_cast<std::uint16_t>(record["target"].as_object()["port"].to_number<int>()), {}, {}};
        if (const auto& e = record["error"]; e.is_object()) w.error = std::string(e.as_object().at("code").as_string());
        for (const auto& f : record["findings"].as_array()) w.findings.emplace_back(f.as_object().at("id").as_string());
        out.push_back(std::move(w));
    }
    return out;
}

bool has(const std::vector<std::string>& ids, const std::string& id) {
    return std::find(ids.begin(), ids.end(), id) != ids.end();
}

TEST(fetch_missing_cli, downloads_the_missing_intermediate_once) {
    aia_lab lab;
    lab.http.route("/int.cer",
                   lab::http_reply{.content_type = "application/pkix-cert", .body = lab.h.intermediates.back().der});
    const auto p1 = lab.serve("a.aia.test", "/int.cer");
    const auto p2 = lab.serve("b.aia.test", "/int.cer");
    const auto r = run_tlsaudit(lab.scan_args(),
                                fmt::format("127.0.0.1:{} sni=a.aia.test\n127.0.0.1:{} sni=b.aia.test\n", p1, p2));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto records = endpoint_records(r.out);
    ASSERT_EQ(records.size(), 2u) << r.out;
    for (const auto& w : records) {
        EXPECT_EQ(w.error, "");
        EXPECT_TRUE(has(w.findings, "chain-incomplete")) << w.port;
        EXPECT_FALSE(has(w.findings, "chain-untrusted")) << w.port;
    }
    EXPECT_EQ(lab.http.request_count("/int.cer"), 1u);  // each URL once per run
}

// One scan thread: before the fix, the fetch for the first endpoint (a caIssuers server
// that never answers, 5 s) ran on the thread that also drives the second endpoint's
// handshake, so the second record could only be written after the first.
TEST(fetch_missing_cli, a_stalled_ca_issuers_server_holds_up_only_its_own_endpoint) {
    aia_lab lab;
    lab.http.route("/stall.cer", lab::http_reply{.stall = true});
    const auto stalled = lab.serve("stalled.aia.test", "/stall.cer");
    const auto slow = lab.serve("slow.aia.test", "", std::chrono::milliseconds(1500));
    const auto r =
        run_tlsaudit(lab.scan_args() + " --threads 1 --concurrency 2 --handshake-timeout 4",
                     fmt::format("127.0.0.1:{} sni=stalled.aia.test\n127.0.0.1:{} sni=slow.aia.test\n", stalled, slow));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto records = endpoint_records(r.out);
    ASSERT_EQ(records.size(), 2u) << r.out;
    EXPECT_EQ(records[0].port, slow) << r.out;  // written while the fetch was still waiting
    EXPECT_EQ(records[0].error, "");
    EXPECT_FALSE(has(records[0].findings, "chain-incomplete"));
    EXPECT_EQ(records[1].port, stalled);
    EXPECT_EQ(records[1].error, "");
    EXPECT_TRUE(has(records[1].findings, "chain-untrusted"));  // the fetch failed: the path stays incomplete
    EXPECT_EQ(lab.http.request_count("/stall.cer"), 1u);
}

// SIGINT while chases wait on silent caIssuers servers: no download starts after it, the
// chases not done are dropped as cut endpoints are (their targets rescanned by --resume),
// and the run ends within one download's 5 s as interrupted. It used to wait for every
// queued chase (24 x 5 s on four threads here) and exit 0 with the reports complete.
TEST(fetch_missing_cli, a_stop_drops_the_chases_still_waiting) {
    using namespace std::chrono_literals;
    aia_lab lab;
    std::string targets;
    for (int i = 0; i < 24; ++i) {
        const auto path = fmt::format("/stall-{}.cer", i);
        lab.http.route(path, lab::http_reply{.stall = true});
        const auto name = fmt::format("s{}.aia.test", i);
        targets += fmt::format("127.0.0.1:{} sni={}\n", lab.serve(name, path), name);
    }
    std::ofstream(lab.dir / "targets.txt") << targets;
    const auto ndjson = lab.dir / "scan.ndjson";
    child_process scan(
        {"scan", (lab.dir / "targets.txt").string(), "--ca-file", (lab.dir / "root.pem").string(), "--no-revocation",
         "--no-geoip", "--fetch-missing", "--fetch-allow", fmt::format("127.0.0.1:{}", lab.http.port()), "--fail-on",
         "none", "-c", "24", "--ndjson", ndjson.string()},
        lab.dir / "out", lab.dir / "err");
    ASSERT_TRUE(poll_until([&] { return lab.http.request_count() >= 4; }, 60s)) << read_file(lab.dir / "err");
    const auto signalled = std::chrono::steady_clock::now();
    scan.signal(SIGINT);
    EXPECT_EQ(scan.wait(), 130) << read_file(lab.dir / "err");
    EXPECT_LT(std::chrono::steady_clock::now() - signalled, 15s);
    EXPECT_LE(lab.http.request_count(), 8u) << "no download starts after the stop";
    EXPECT_EQ(count_records(ndjson, "endpoint"), 0u) << "each chase waited on a download: none was finished";
    const auto text = read_file(ndjson);
    EXPECT_NE(text.find(R"("type":"scan-end")"), std::string::npos);
    EXPECT_NE(text.find(R"("complete":false)"), std::string::npos) << text;
}

}  // namespace
}  // namespace tlsaudit::testing
