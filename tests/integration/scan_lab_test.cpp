// End to end on the lab: real TLS servers on loopback, real handshakes, byte-exact capture.

#include "scan_support.hpp"

#include <tlsaudit/lab/pki.hpp>
#include <tlsaudit/lab/real_certs.hpp>
#include <tlsaudit/lab/revocation_data.hpp>
#include <tlsaudit/lab/tls_server.hpp>

#include <openssl/ocsp.h>

#include <gtest/gtest.h>

#include <fmt/format.h>

#include <map>

namespace tlsaudit::testing {
namespace {

using lab::key_kind;

struct lab_endpoint {
    std::string name;
    std::uint16_t port = 0;
    std::vector<bytes> chain;
    std::string protocol;  // expected negotiated version ("" = any)
    bytes stapled;
    std::string alpn;
};

class scan_lab : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        servers_ = new lab::server_pool(2);
        endpoints_ = new std::vector<lab_endpoint>();
        // Keys are shared between hierarchies (lab_key slots 0..4): RSA generation is slow,
        // and the capture does not care whose key signed what.
        const std::size_t key_index = 0;
        const std::vector<std::pair<key_kind, std::string>> kinds{
            {key_kind::rsa_2048, "rsa2048"}, {key_kind::ec_p256, "p256"}, {key_kind::ec_p384, "p384"}};
        for (const auto& [kind, label] : kinds) {
            const auto h =
                lab::make_hierarchy({.kind = kind, .leaf_dns_names = {label + ".lab.test"}, .key_index = key_index});
            add(label + "-any", h.served_chain(), h.leaf.k, {}, "TLSv1.3");
            add(label + "-tls12", h.served_chain(), h.leaf.k, {.max_version = TLS1_2_VERSION}, "TLSv1.2");
            add(label + "-tls13", h.served_chain(), h.leaf.k, {.min_version = TLS1_3_VERSION}, "TLSv1.3");
        }
        const auto rsa = lab::make_hierarchy(
            {.kind = key_kind::rsa_2048, .leaf_dns_names = {"legacy.lab.test"}, .key_index = key_index});
        add("tls10", rsa.served_chain(), rsa.leaf.k, {.min_version = TLS1_VERSION, .max_version = TLS1_VERSION},
            "TLSv1");
        add("tls11", rsa.served_chain(), rsa.leaf.k, {.min_version = TLS1_1_VERSION, .max_version = TLS1_1_VERSION},
            "TLSv1.1");

        for (auto kind : {key_kind::ec_p256, key_kind::rsa_2048}) {
            const auto deep = lab::make_hierarchy(
                {.kind = kind, .intermediates = 3, .leaf_dns_names = {"deep.lab.test"}, .key_index = key_index});
            auto five = deep.served_chain();
            five.push_back(deep.root.der);
            add(fmt::format("five-{}", lab::to_string(kind)), five, deep.leaf.k, {}, "");
        }
        const bytes staple = try_later();
        add("stapled-tls12", rsa.served_chain(), rsa.leaf.k, {.stapled_ocsp = staple, .max_version = TLS1_2_VERSION},
            "TLSv1.2", staple);
        add("stapled-tls13", rsa.served_chain(), rsa.leaf.k, {.stapled_ocsp = staple}, "TLSv1.3", staple);
        add("alpn", rsa.served_chain(), rsa.leaf.k, {.alpn = {"h2"}}, "", {}, "h2");
        add("leaf-only", {rsa.leaf.der}, rsa.leaf.k, {}, "");
        add("duplicated-intermediate", {rsa.leaf.der, rsa.intermediates[0].der, rsa.intermediates[0].der}, rsa.leaf.k,
            {}, "");

        for (const char* stem : {"globalsign-rsa-dv-ssl-ca-2018", "entrust-ca-l1k"}) {
            const bytes real = lab::real_cert(stem).front();
            const auto leaf =
                lab::issue_under_name(real, lab::lab_key(key_kind::rsa_2048, key_index),
                                      lab::leaf_spec("real.lab.test"), lab::lab_key(key_kind::ec_p256, key_index));
            add(stem, {leaf.der, real}, leaf.k, {}, "");
        }
        const auto weak = lab::make_hierarchy({.kind = key_kind::rsa_1024,
                                               .leaf_dns_names = {"weak.lab.test"},
                                               .key_index = key_index,
                                               .digest = "sha1"});
        add("rsa1024-sha1", weak.served_chain(), weak.leaf.k, {}, "");
    }

    static void TearDownTestSuite() {
        delete servers_;
        delete endpoints_;
    }

    struct tls_options {
        bytes stapled_ocsp{};
        int min_version = TLS1_VERSION;
        int max_version = TLS1_3_VERSION;
        std::vector<std::string> alpn{};
    };

    static void add(std::string name, std::vector<bytes> chain, lab::key k, tls_options o, std::string protocol,
                    bytes stapled = {}, std::string alpn = {}) {
        lab::server_config config;
        config.chain = chain;
        config.leaf_key = std::move(k);
        config.min_version = o.min_version;
        config.max_version = o.max_version;
        config.stapled_ocsp = o.stapled_ocsp;
        config.alpn = o.alpn;
        const auto port = servers_->start(std::move(config));
        endpoints_->push_back(
            {std::move(name), port, std::move(chain), std::move(protocol), std::move(stapled), std::move(alpn)});
    }

    static bytes try_later() { return lab::make_ocsp_error_response(OCSP_RESPONSE_STATUS_TRYLATER); }

    // Scans every endpoint under `names_per_endpoint` SNI names and checks every capture.
    void scan_and_check(std::size_t concurrency, int names_per_endpoint) {
        std::string text;
        std::map<std::string, const lab_endpoint*> by_line;
        for (const auto& e : *endpoints_) {
            for (int i = 0; i < names_per_endpoint; ++i) {
                const std::string line = fmt::format("127.0.0.1:{} sni=n{}.{}.lab.test", e.port, i, e.name);
                text += line + "\n";
                by_line[line] = &e;
            }
        }
        const auto out = scan_text(text, quick_config(concurrency));
        EXPECT_TRUE(out.input_errors.empty());
        ASSERT_EQ(out.results.size(), by_line.size());
        for (const auto& r : out.results) {
            const auto& e = *by_line.at(r.ep.tgt.input);
            SCOPED_TRACE(e.name);
            ASSERT_FALSE(r.cap.error) << r.cap.error->code << ": " << r.cap.error->detail;
            EXPECT_EQ(r.ep.address, "127.0.0.1");
            EXPECT_EQ(r.cap.chain, e.chain) << "served chain not captured byte for byte";
            if (!e.protocol.empty()) {
                EXPECT_EQ(r.cap.protocol, e.protocol);
            }
            EXPECT_EQ(r.cap.stapled_ocsp, e.stapled);
            EXPECT_EQ(r.cap.alpn, e.alpn);
            EXPECT_FALSE(r.cap.cipher.empty());
            EXPECT_TRUE(r.cap.timings.connect_ms.has_value());
            EXPECT_TRUE(r.cap.timings.handshake_ms.has_value());
            EXPECT_EQ(r.cap.attempts, 1);
            EXPECT_GT(r.cap.scanned_at.time_since_epoch().count(), 1'700'000'000) << "scan time recorded";
        }
    }

    static lab::server_pool* servers_;
    static std::vector<lab_endpoint>* endpoints_;
};

lab::server_pool* scan_lab::servers_ = nullptr;
std::vector<lab_endpoint>* scan_lab::endpoints_ = nullptr;

TEST_F(scan_lab, has_at_least_twenty_endpoints) { EXPECT_GE(endpoints_->size(), 20u); }

TEST_F(scan_lab, captures_every_chain_at_concurrency_8) { scan_and_check(8, 1); }

TEST_F(scan_lab, captures_every_chain_at_concurrency_500) { scan_and_check(500, 25); }

TEST_F(scan_lab, sends_the_sni_name) {
    const auto& e = endpoints_->front();
    const auto out = scan_text(fmt::format("127.0.0.1:{} sni=exact-name.lab.test\n", e.port), quick_config());
    ASSERT_EQ(out.results.size(), 1u);
    // The server records the name after its side of the handshake: wait for it, do not sleep.
    EXPECT_TRUE(servers_->wait_for(
        e.port, [](const lab::endpoint_stats& s) { return s.last_sni == "exact-name.lab.test"; },
        std::chrono::seconds(5)))
        << servers_->stats(e.port).last_sni;
}

TEST_F(scan_lab, duplicate_targets_are_scanned_once) {
    const auto& e = endpoints_->back();
    const auto line = fmt::format("127.0.0.1:{}\n", e.port);
    const auto out = scan_text(line + line + "# again\n" + line, quick_config());
    EXPECT_EQ(out.results.size(), 1u);
}

TEST_F(scan_lab, malformed_lines_are_reported_and_the_scan_goes_on) {
    const auto& e = endpoints_->front();
    const auto out = scan_text(fmt::format("bad host name!\n127.0.0.1:{}\nx:99999\n", e.port), quick_config());
    ASSERT_EQ(out.input_errors.size(), 2u);
    EXPECT_EQ(out.input_errors[0].line_no, 1u);
    EXPECT_EQ(out.input_errors[1].line_no, 3u);
    ASSERT_EQ(out.results.size(), 1u);
    EXPECT_FALSE(out.results[0].cap.error);
}

}  // namespace
}  // namespace tlsaudit::testing
