// STARTTLS end to end: the real parser and scanner against lab servers that speak each
// protocol, then serve a chain that must be captured byte for byte.

#include "scan_support.hpp"

#include <tlsaudit/lab/pki.hpp>
#include <tlsaudit/lab/tls_server.hpp>

#include <gtest/gtest.h>

#include <fmt/format.h>

#include <chrono>
#include <string>
#include <vector>

namespace tlsaudit::testing {
namespace {

const std::vector<std::string> all_protocols{"smtp", "imap", "pop3", "ftp", "xmpp", "postgres", "ldap"};

class starttls_scan : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        hierarchy_ = new lab::hierarchy(
            lab::make_hierarchy({.kind = lab::key_kind::ec_p256, .leaf_dns_names = {"mail.lab.test"}, .key_index = 0}));
    }
    static void TearDownTestSuite() {
        delete hierarchy_;
        hierarchy_ = nullptr;
    }

    std::uint16_t start(const std::string& protocol, lab::starttls_answer answer = lab::starttls_answer::proceed) {
        lab::server_config config;
        config.chain = hierarchy_->served_chain();
        config.leaf_key = hierarchy_->leaf.k;
        config.starttls = {.protocol = protocol, .answer = answer};
        return servers_.start(std::move(config));
    }

    static scan_result scan_one(const std::string& line, net::scan_config config = quick_config(),
                                const targets::parse_options& parse = {}) {
        auto out = scan_text(line + "\n", config, parse);
        EXPECT_TRUE(out.input_errors.empty()) << (out.input_errors.empty() ? "" : out.input_errors[0].message);
        EXPECT_EQ(out.results.size(), 1u);
        return out.results.empty() ? scan_result{} : std::move(out.results.front());
    }

    static lab::hierarchy* hierarchy_;
    lab::server_pool servers_{1};
};

lab::hierarchy* starttls_scan::hierarchy_ = nullptr;

TEST_F(starttls_scan, every_protocol_serves_its_chain_byte_for_byte) {
    for (const auto& protocol : all_protocols) {
        SCOPED_TRACE(protocol);
        const auto port = start(protocol);
        const auto r = scan_one(fmt::format("{}://127.0.0.1:{} sni=mail.lab.test", protocol, port));
        EXPECT_EQ(r.ep.tgt.starttls, protocol);
        ASSERT_FALSE(r.cap.error) << r.cap.error->code << ": " << r.cap.error->detail;
        EXPECT_EQ(r.cap.chain, hierarchy_->served_chain()) << "served chain not captured byte for byte";
        EXPECT_EQ(r.cap.protocol, "TLSv1.3");
        EXPECT_TRUE(r.cap.timings.starttls_ms.has_value());
        EXPECT_TRUE(r.cap.timings.handshake_ms.has_value());
        // The client is done before the server has read its Finished: wait for the count.
        EXPECT_TRUE(servers_.wait_for(
            port, [](const lab::endpoint_stats& s) { return s.handshakes == 1; }, std::chrono::seconds(5)));
        const auto stats = servers_.stats(port);
        EXPECT_EQ(stats.handshakes, 1u);
        EXPECT_EQ(stats.last_sni, "mail.lab.test");
    }
}

TEST_F(starttls_scan, option_and_auto_select_the_protocol) {
    const auto port = start("imap");
    targets::parse_options parse;
    parse.starttls = "imap";
    const auto by_option = scan_one(fmt::format("127.0.0.1:{}", port), quick_config(), parse);
    ASSERT_FALSE(by_option.cap.error) << by_option.cap.error->detail;
    EXPECT_EQ(by_option.cap.chain, hierarchy_->served_chain());

    // Without STARTTLS the same server's greeting is not TLS.
    const auto direct = scan_one(fmt::format("127.0.0.1:{}", port));
    ASSERT_TRUE(direct.cap.error);
    EXPECT_EQ(direct.cap.error->stage, "handshake");
    EXPECT_TRUE(direct.cap.chain.empty());
}

TEST_F(starttls_scan, refusals_are_classified_for_every_protocol) {
    for (const auto& protocol : all_protocols) {
        SCOPED_TRACE(protocol);
        const auto port = start(protocol, lab::starttls_answer::refuse);
        const auto r = scan_one(fmt::format("{}://127.0.0.1:{}", protocol, port));
        ASSERT_TRUE(r.cap.error);
        EXPECT_EQ(r.cap.error->stage, "starttls");
        EXPECT_EQ(r.cap.error->code, "starttls-refused") << r.cap.error->detail;
        EXPECT_FALSE(r.cap.error->detail.empty());
        EXPECT_TRUE(r.cap.chain.empty());
        EXPECT_EQ(servers_.stats(port).handshakes, 0u);
    }
}

TEST_F(starttls_scan, another_protocol_is_starttls_protocol) {
    for (const auto& protocol : all_protocols) {
        SCOPED_TRACE(protocol);
        const auto port = start(protocol, lab::starttls_answer::other_protocol);
        const auto r = scan_one(fmt::format("{}://127.0.0.1:{}", protocol, port));
        ASSERT_TRUE(r.cap.error);
        EXPECT_EQ(r.cap.error->stage, "starttls");
        EXPECT_EQ(r.cap.error->code, "starttls-protocol") << r.cap.error->detail;
    }
}

// A server that checks ALPN (PostgreSQL 17 refuses a client whose list lacks "postgresql")
// gets none after STARTTLS from either engine; direct TLS still offers h2 and http/1.1.
TEST_F(starttls_scan, no_alpn_is_offered_after_starttls) {
    const auto strict = [&](const std::string& protocol) {
        lab::server_config config;
        config.chain = hierarchy_->served_chain();
        config.leaf_key = hierarchy_->leaf.k;
        config.alpn = {"postgresql"};
        config.alpn_required = true;
        if (!protocol.empty()) config.starttls = {.protocol = protocol, .answer = lab::starttls_answer::proceed};
        return servers_.start(std::move(config));
    };
    const auto postgres = strict("postgres");
    const auto direct = strict("");
    for (const std::string engine : {"capture", "openssl"}) {
        SCOPED_TRACE(engine);
        auto config = quick_config();
        config.engine = engine;
        config.probes = {"modern", "tls12"};  // TLS 1.3 and 1.2 (the lab's leaf is ECDSA: no rsa probe)
        const auto r = scan_one(fmt::format("postgres://127.0.0.1:{}", postgres), config);
        ASSERT_FALSE(r.cap.error) << r.cap.error->code << ": " << r.cap.error->detail;
        EXPECT_EQ(r.cap.chain, hierarchy_->served_chain());
        EXPECT_EQ(r.cap.alpn, "");
        ASSERT_EQ(r.cap.probes.size(), 2u);
        for (const auto& p : r.cap.probes) EXPECT_FALSE(p.error) << p.probe << ": " << p.error->detail;
        // The same server without STARTTLS refuses the HTTP names: the lab is strict.
        const auto d = scan_one(fmt::format("127.0.0.1:{}", direct), config);
        ASSERT_TRUE(d.cap.error);
        EXPECT_EQ(d.cap.error->code, "tls-alert");
        EXPECT_NE(d.cap.error->detail.find("no application protocol"), std::string::npos) << d.cap.error->detail;
    }
}

// A server that greets in plain text, scanned as direct TLS: not-tls, and the detail says
// what the greeting is and how to scan it, from either engine.
TEST_F(starttls_scan, a_greeting_scanned_as_direct_tls_says_how_to_scan_it) {
    const std::vector<std::pair<std::string, std::string>> greetings{
        {"smtp", R"(("220": an SMTP or FTP greeting: scan it through STARTTLS (smtp:// or ftp://, or --starttls)))"},
        {"ftp", R"(("220": an SMTP or FTP greeting: scan it through STARTTLS (smtp:// or ftp://, or --starttls)))"},
        {"imap", R"(("* OK": an IMAP greeting: scan it through STARTTLS (imap://, or --starttls imap)))"},
        {"pop3", R"(("+OK": a POP3 greeting: scan it through STARTTLS (pop3://, or --starttls pop3)))"},
    };
    for (const auto& [protocol, hint] : greetings) {
        const auto port = start(protocol);
        for (const std::string engine : {"capture", "openssl"}) {
            SCOPED_TRACE(protocol + " " + engine);
            auto config = quick_config();
            config.engine = engine;
            const auto r = scan_one(fmt::format("127.0.0.1:{}", port), config);
            ASSERT_TRUE(r.cap.error);
            EXPECT_EQ(r.cap.error->code, "not-tls");
            EXPECT_TRUE(r.cap.error->detail.starts_with("the server's first bytes are not a TLS record: "))
                << r.cap.error->detail;
            EXPECT_TRUE(r.cap.error->detail.ends_with(hint)) << r.cap.error->detail;
        }
    }
}

TEST_F(starttls_scan, silent_server_times_out_in_the_starttls_phase) {
    lab::server_config config;
    config.b = lab::behaviour::silent;
    const auto port = servers_.start(std::move(config));
    auto fast = quick_config();
    fast.starttls_timeout = std::chrono::milliseconds(300);
    const auto r = scan_one(fmt::format("smtp://127.0.0.1:{}", port), fast);
    ASSERT_TRUE(r.cap.error);
    EXPECT_EQ(r.cap.error->stage, "starttls");
    EXPECT_EQ(r.cap.error->code, "timeout-starttls");
    ASSERT_TRUE(r.cap.timings.starttls_ms);
    EXPECT_GE(*r.cap.timings.starttls_ms, 290.0);
}

TEST_F(starttls_scan, server_closing_during_the_exchange_is_closed) {
    lab::server_config config;
    config.b = lab::behaviour::close_after_hello;  // reads the first bytes, then FIN
    const auto port = servers_.start(std::move(config));
    const auto r = scan_one(fmt::format("postgres://127.0.0.1:{}", port));
    ASSERT_TRUE(r.cap.error);
    EXPECT_EQ(r.cap.error->stage, "starttls");
    EXPECT_EQ(r.cap.error->code, "closed");
}

TEST(starttls_lab, unknown_protocol_is_refused_by_the_lab) {
    lab::server_pool pool(1);
    lab::server_config config;
    config.b = lab::behaviour::silent;
    config.starttls.protocol = "gopher";
    EXPECT_THROW(pool.start(std::move(config)), std::invalid_argument);
}

}  // namespace
}  // namespace tlsaudit::testing
