// Probes and engines on live loopback servers: every chain an endpoint serves is found
// (an ECDSA and an RSA certificate on one server), and the capture engine records the
// same bytes as the openssl engine for every server the lab can make.

#include "cli_support.hpp"
#include "scan_support.hpp"

#include <tlsaudit/lab/key.hpp>
#include <tlsaudit/lab/pki.hpp>
#include <tlsaudit/lab/real_certs.hpp>
#include <tlsaudit/lab/revocation_data.hpp>
#include <tlsaudit/lab/tls_server.hpp>

#include <boost/json/parse.hpp>

#include <fmt/format.h>

#include <gtest/gtest.h>

#include <openssl/evp.h>
#include <openssl/ocsp.h>
#include <openssl/rsa.h>

#include <sstream>

namespace tlsaudit::testing {
namespace {

using lab::key_kind;
using lab::lab_key;

std::vector<bytes> chain_under_real(const std::string& stem, const std::string& name, std::size_t index,
                                    key_kind leaf_kind) {
    return {lab::leaf_under_real(stem, name, index, leaf_kind).der, lab::real_cert(stem).front()};
}

// ECDSA leaf under the 2020 intermediate, RSA leaf under the retired 2018 one: the
// half-finished migration.
lab::server_config dual_config() {
    lab::server_config c;
    c.chain = chain_under_real("globalsign-gcc-r3-dv-tls-ca-2020", "dual.lab.test", 140, key_kind::ec_p256);
    c.leaf_key = lab_key(key_kind::ec_p256, 140);
    c.extra_chains.push_back(
        {chain_under_real("globalsign-rsa-dv-ssl-ca-2018", "dual.lab.test", 141, key_kind::rsa_2048),
         lab_key(key_kind::rsa_2048, 141)});
    return c;
}

bytes try_later_response() { return lab::make_ocsp_error_response(OCSP_RESPONSE_STATUS_TRYLATER); }

// A leaf with an RSA-PSS key (id-RSASSA-PSS): it signs only with the rsa_pss_pss schemes.
lab::server_config rsa_pss_config(const lab::hierarchy& under) {
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, "RSA-PSS", nullptr);
    EVP_PKEY* pkey = nullptr;
    const bool made = ctx != nullptr && EVP_PKEY_keygen_init(ctx) == 1 &&
                      EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, 2048) == 1 && EVP_PKEY_generate(ctx, &pkey) == 1;
    EVP_PKEY_CTX_free(ctx);
    if (!made) throw std::runtime_error("cannot make an RSA-PSS key");
    const lab::key k(pkey);
    auto spec = lab::leaf_spec("pss.lab.test");
    const auto leaf = lab::issue(under.intermediates.back(), spec, k);
    auto chain = under.served_chain();
    chain.front() = leaf.der;
    return {.chain = chain, .leaf_key = k};
}

class probes : public ::testing::Test {
protected:
    static void SetUpTestSuite() { servers_ = new lab::server_pool(1); }
    static void TearDownTestSuite() {
        delete servers_;
        servers_ = nullptr;
    }
    static std::string line(std::uint16_t port, const std::string& name) {
        return fmt::format("127.0.0.1:{} sni={}\n", port, name);
    }
    static lab::server_pool* servers_;
};
lab::server_pool* probes::servers_ = nullptr;

TEST_F(probes, default_scan_finds_both_chains_of_a_dual_certificate_server) {
    const auto config = dual_config();
    const auto port = servers_->start(config);
    auto out = scan_text(line(port, "dual.lab.test"), quick_config());
    ASSERT_EQ(out.results.size(), 1u);
    const capture& cap = out.results[0].cap;
    ASSERT_FALSE(cap.error) << cap.error->detail;
    EXPECT_EQ(cap.chain, config.chain);  // modern clients: ECDSA first in their signature algorithms
    ASSERT_EQ(cap.other_chains.size(), 1u);
    EXPECT_EQ(cap.other_chains[0].chain, config.extra_chains[0].chain);
    EXPECT_EQ(cap.other_chains[0].protocol, "TLSv1.2");
    ASSERT_EQ(cap.probes.size(), 2u);
    EXPECT_EQ(cap.probes[0].probe, "modern");
    EXPECT_EQ(cap.probes[0].chain, 0);
    EXPECT_EQ(cap.probes[0].engine, "capture");
    EXPECT_EQ(cap.probes[1].probe, "rsa");
    EXPECT_EQ(cap.probes[1].chain, 1);
    EXPECT_EQ(cap.probes[1].engine, "capture");
}

TEST_F(probes, one_probe_sees_one_chain) {
    const auto port = servers_->start(dual_config());
    auto config = quick_config();
    config.probes = {"modern"};
    auto out = scan_text(line(port, "dual.lab.test"), config);
    ASSERT_EQ(out.results.size(), 1u);
    EXPECT_TRUE(out.results[0].cap.other_chains.empty());
    EXPECT_EQ(out.results[0].cap.probes.size(), 1u);
}

TEST_F(probes, the_same_chain_to_every_probe_is_one_chain) {
    const auto rsa =
        lab::make_hierarchy({.kind = key_kind::rsa_2048, .leaf_dns_names = {"rsa.lab.test"}, .key_index = 142});
    const auto port = servers_->start({.chain = rsa.served_chain(), .leaf_key = rsa.leaf.k});
    auto config = quick_config();
    config.probes = net::parse_probe_list("all");
    auto out = scan_text(line(port, "rsa.lab.test"), config);
    ASSERT_EQ(out.results.size(), 1u);
    const capture& cap = out.results[0].cap;
    EXPECT_TRUE(cap.other_chains.empty());
    ASSERT_EQ(cap.probes.size(), 5u);
    for (const auto& p : cap.probes) {
        if (p.probe == "ecdsa") {  // an RSA-only server refuses a client that accepts only ECDSA
            EXPECT_EQ(p.chain, -1);
            EXPECT_TRUE(p.error.has_value());
        } else {
            EXPECT_EQ(p.chain, 0) << p.probe;
        }
    }
}

TEST(probe_list, parses_names_and_all_and_refuses_unknown_ones) {
    // In the order probes run: `rsa,modern` made a TLS 1.3-only server an error (the rsa
    // probe failed first, and the others run only after a first probe that got a chain).
    EXPECT_EQ(net::parse_probe_list("rsa,modern,rsa"), (std::vector<std::string>{"modern", "rsa"}));
    EXPECT_EQ(net::parse_probe_list("no-sni,ecdsa"), (std::vector<std::string>{"ecdsa", "no-sni"}));
    EXPECT_EQ(net::parse_probe_list("tls12,all"), net::probe_names());
    EXPECT_THROW(net::parse_probe_list("modern,sslv2"), std::invalid_argument);
    for (const char* empty : {",", "", "modern,,rsa", ",modern", "modern,"})
        EXPECT_THROW(net::parse_probe_list(empty), std::invalid_argument) << empty;
}

// What both engines must agree on, byte for byte. The TLS 1.3 suite too (both list them in
// the capture engine's order), not the TLS 1.2 one: the lab's server takes the first suite
// of the client's list it supports, and the engines' TLS 1.2 lists differ.
void expect_same_capture(const capture& a, const capture& b, const std::string& what) {
    EXPECT_EQ(a.error.has_value(), b.error.has_value()) << what;
    if (a.error && b.error)
        EXPECT_EQ(a.error->code, b.error->code) << what << ": " << a.error->detail << " / " << b.error->detail;
    EXPECT_EQ(a.chain, b.chain) << what;
    EXPECT_EQ(a.stapled_ocsp, b.stapled_ocsp) << what;
    EXPECT_EQ(a.protocol, b.protocol) << what;
    if (a.protocol == "TLSv1.3") EXPECT_EQ(a.cipher, b.cipher) << what;
    EXPECT_EQ(a.alpn, b.alpn) << what;
    ASSERT_EQ(a.probes.size(), b.probes.size()) << what;
    for (std::size_t i = 0; i < a.probes.size(); ++i) {  // each probe received the same chain, or none
        EXPECT_EQ(a.probes[i].chain, b.probes[i].chain)
            << what << " " << a.probes[i].probe << ": " << (b.probes[i].error ? b.probes[i].error->detail : "");
    }
    ASSERT_EQ(a.other_chains.size(), b.other_chains.size()) << what;
    for (std::size_t i = 0; i < a.other_chains.size(); ++i) {
        EXPECT_EQ(a.other_chains[i].chain, b.other_chains[i].chain) << what;
        EXPECT_EQ(a.other_chains[i].protocol, b.other_chains[i].protocol) << what;
    }
}

TEST_F(probes, both_engines_capture_the_same_bytes) {
    const auto rsa =
        lab::make_hierarchy({.kind = key_kind::rsa_2048, .leaf_dns_names = {"rsa.lab.test"}, .key_index = 143});
    const auto ec =
        lab::make_hierarchy({.kind = key_kind::ec_p256, .leaf_dns_names = {"ec.lab.test"}, .key_index = 144});
    const auto ec384 =
        lab::make_hierarchy({.kind = key_kind::ec_p384, .leaf_dns_names = {"p384.lab.test"}, .key_index = 145});
    const bytes empty_record{0x16, 0x03, 0x03, 0x00, 0x00};
    const auto pss = rsa_pss_config(rsa);
    std::vector<std::pair<std::string, lab::server_config>> cases{
        {"rsa", {.chain = rsa.served_chain(), .leaf_key = rsa.leaf.k}},
        {"ec", {.chain = ec.served_chain(), .leaf_key = ec.leaf.k}},
        {"p384", {.chain = ec384.served_chain(), .leaf_key = ec384.leaf.k}},
        {"tls12", {.chain = rsa.served_chain(), .leaf_key = rsa.leaf.k, .max_version = TLS1_2_VERSION}},
        {"tls13", {.chain = ec.served_chain(), .leaf_key = ec.leaf.k, .min_version = TLS1_3_VERSION}},
        {"staple13", {.chain = ec.served_chain(), .leaf_key = ec.leaf.k, .stapled_ocsp = try_later_response()}},
        {"staple12",
         {.chain = rsa.served_chain(),
          .leaf_key = rsa.leaf.k,
          .max_version = TLS1_2_VERSION,
          .stapled_ocsp = try_later_response()}},
        {"alpn", {.chain = ec.served_chain(), .leaf_key = ec.leaf.k, .alpn = {"http/1.1"}}},
        {"chacha", {.chain = ec.served_chain(), .leaf_key = ec.leaf.k, .ciphersuites = "TLS_CHACHA20_POLY1305_SHA256"}},
        {"aes256", {.chain = ec.served_chain(), .leaf_key = ec.leaf.k, .ciphersuites = "TLS_AES_256_GCM_SHA384"}},
        {"dual", dual_config()},
        {"dual384",
         {.chain = rsa.served_chain(), .leaf_key = rsa.leaf.k, .extra_chains = {{ec384.served_chain(), ec384.leaf.k}}}},
        {"pss", pss},
        // An RSA and an RSA-PSS-key certificate: OpenSSL-based clients (curl) get the RSA-PSS
        // one, RSA-only clients the other.
        {"dual-pss",
         {.chain = rsa.served_chain(), .leaf_key = rsa.leaf.k, .extra_chains = {{pss.chain, pss.leaf_key}}}},
        // Postfix's default list with server order: the anonymous suites first. Neither
        // engine offers one, so both read the certificate (libssl's ALL did offer them).
        {"anon-first",
         {.chain = rsa.served_chain(),
          .leaf_key = rsa.leaf.k,
          .max_version = TLS1_2_VERSION,
          .cipher_list = "aNULL:-aNULL:HIGH:@SECLEVEL=0",
          .server_order = true}},
        // An empty handshake record first: libssl skips it, so the capture engine does.
        {"empty12",
         {.chain = rsa.served_chain(),
          .leaf_key = rsa.leaf.k,
          .max_version = TLS1_2_VERSION,
          .first_bytes = empty_record}},
        {"empty13",
         {.chain = ec.served_chain(),
          .leaf_key = ec.leaf.k,
          .min_version = TLS1_3_VERSION,
          .first_bytes = empty_record}},
        {"alert", {.b = lab::behaviour::alert}},
        {"http", {.b = lab::behaviour::http}},
        {"bad-der", {.b = lab::behaviour::bad_der}},
        {"huge", {.b = lab::behaviour::huge_certificate}},
        {"close", {.b = lab::behaviour::close_after_hello}},
        {"reset", {.b = lab::behaviour::reset_after_hello}},
    };
    std::string text;
    for (auto& [name, config] : cases) text += line(servers_->start(config), name + ".lab.test");
    auto config = quick_config();
    config.engine = "capture";
    const auto captured = scan_text(text, config);
    config.engine = "openssl";
    const auto reference = scan_text(text, config);
    ASSERT_EQ(captured.results.size(), cases.size());
    ASSERT_EQ(reference.results.size(), cases.size());
    for (const auto& [name, ignored] : cases) {
        const auto* a = &captured.results[0];
        const auto* b = &reference.results[0];
        for (const auto& r : captured.results)
            if (r.ep.tgt.sni == name + ".lab.test") a = &r;
        for (const auto& r : reference.results)
            if (r.ep.tgt.sni == name + ".lab.test") b = &r;
        ASSERT_EQ(a->ep.tgt.sni, name + ".lab.test");
        ASSERT_EQ(b->ep.tgt.sni, name + ".lab.test");
        expect_same_capture(a->cap, b->cap, name);
        if (name == "dual384") {  // RSA and P-384: modern gets the P-384 chain, rsa the RSA one
            EXPECT_EQ(a->cap.chain, ec384.served_chain());
            ASSERT_EQ(a->cap.other_chains.size(), 1u);
            EXPECT_EQ(a->cap.other_chains[0].chain, rsa.served_chain());
        }
        if (name == "pss") {  // an RSA-PSS key reaches the rsa probe too
            ASSERT_EQ(a->cap.probes.size(), 2u);
            EXPECT_EQ(a->cap.probes[1].chain, 0) << (a->cap.probes[1].error ? a->cap.probes[1].error->detail : "");
        }
        if (name == "dual-pss") {  // both chains, the RSA-PSS one first (the modern probe's)
            ASSERT_EQ(a->cap.other_chains.size(), 1u);
            EXPECT_EQ(a->cap.other_chains[0].chain, rsa.served_chain());
            EXPECT_NE(a->cap.chain, rsa.served_chain());
        }
        if (name == "anon-first") {
            EXPECT_EQ(b->cap.chain, rsa.served_chain());
            EXPECT_FALSE(b->cap.error);
        }
        if (name == "chacha" || name == "aes256") {  // a server with one suite: both engines name it alike
            EXPECT_EQ(a->cap.cipher, b->cap.cipher) << name;
            EXPECT_EQ(a->cap.cipher, name == "chacha" ? "TLS_CHACHA20_POLY1305_SHA256" : "TLS_AES_256_GCM_SHA384");
        }
        if (name == "alert") {  // a hello refused outright: libssl gets its chance, and is refused too
            ASSERT_FALSE(a->cap.probes.empty());
            EXPECT_EQ(a->cap.probes[0].engine, "openssl");
            EXPECT_EQ(a->cap.probes[0].fallback.rfind("the server refused the hello (handshake failure (40))", 0), 0u)
                << a->cap.probes[0].fallback;
        } else if (!a->cap.probes.empty()) {
            EXPECT_EQ(a->cap.probes[0].engine, "capture")
                << name << ": fell back (" << a->cap.probes[0].fallback << ")";
        }
    }
}

// The mission's case through the binary: the 2018 chain still served to RSA-only
// clients is reported, on that chain, naming those clients.
TEST_F(probes, scan_reports_the_retired_intermediate_served_to_rsa_only_clients) {
    const auto port = servers_->start(dual_config());
    const auto r = run_tlsaudit("scan - --no-revocation --no-geoip --ndjson - -q", line(port, "dual.lab.test"));
    ASSERT_NE(r.exit_code, 2) << r.err;
    boost::json::object record;
    std::istringstream lines(r.out);
    for (std::string l; std::getline(lines, l);) {
        auto v = boost::json::parse(l);
        if (v.as_object().at("type") == "endpoint") record = v.as_object();
    }
    ASSERT_FALSE(record.empty()) << r.out << r.err;
    ASSERT_EQ(record.at("other_chains").as_array().size(), 1u);
    EXPECT_EQ(record.at("other_chains").as_array()[0].at("probes").as_array()[0], "rsa");
    bool deprecated_on_rsa_chain = false;
    bool deprecated_on_first_chain = false;
    bool multiple = false;
    for (const auto& f : record.at("findings").as_array()) {
        const auto& o = f.as_object();
        const std::string id(o.at("id").as_string());
        const std::string message(o.at("message").as_string());
        if (id == "deprecated-intermediate" && o.at("chain").as_int64() == 1) {
            deprecated_on_rsa_chain = message.find("served to RSA-only clients") != std::string::npos;
        }
        if (id == "deprecated-intermediate" && o.at("chain").as_int64() == 0) deprecated_on_first_chain = true;
        if (id == "multiple-chains") multiple = o.at("severity") == "medium";
    }
    EXPECT_TRUE(deprecated_on_rsa_chain) << r.out;
    EXPECT_FALSE(deprecated_on_first_chain) << r.out;
    EXPECT_TRUE(multiple) << r.out;

    // One probe, as before the capture engine: the 2018 chain is not seen.
    const auto one =
        run_tlsaudit("scan - --no-revocation --no-geoip --probes modern --ndjson - -q", line(port, "dual.lab.test"));
    EXPECT_EQ(one.out.find("deprecated-intermediate"), std::string::npos) << one.out;
}

}  // namespace
}  // namespace tlsaudit::testing
