// The real binary against hostile endpoints: a 200-certificate chain and a certificate
// that is not DER go through every stage (audit, NDJSON, JSON, HTML), and strings from
// certificates never reach the terminal raw.

#include "cli_support.hpp"
#include "hostile_support.hpp"
#include "process_support.hpp"

#include <tlsaudit/lab/raw_handshake.hpp>

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <openssl/evp.h>

#include <map>
#include <sstream>

#include <unistd.h>

namespace tlsaudit::testing {
namespace {

namespace json = boost::json;

std::string base64(const bytes& data) {
    std::string out(4 * ((data.size() + 2) / 3), '\0');
    const int n =
        EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data.data(), static_cast<int>(data.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

class hostile_cli : public ::testing::Test {
protected:
    std::filesystem::path dir_ =
        std::filesystem::temp_directory_path() / ("tlsaudit-hostile-cli-" + std::to_string(::getpid()));
    void SetUp() override { std::filesystem::create_directories(dir_); }
    void TearDown() override { std::filesystem::remove_all(dir_); }
};

TEST_F(hostile_cli, long_chain_and_invalid_der_through_every_report) {
    lab::server_pool servers;
    const std::uint16_t long_port = servers.start(long_chain_config(200, "long.lab.test"));
    lab::server_config bad;
    bad.b = lab::behaviour::bad_der;
    const std::uint16_t bad_port = servers.start(bad);
    const std::string input =
        fmt::format("127.0.0.1:{} sni=long.lab.test\n127.0.0.1:{} sni=bad.lab.test\n", long_port, bad_port);

    const auto r = run_tlsaudit(
        fmt::format("scan - --no-revocation --handshake-timeout 10 --fail-on none --fail-on-errors none -q "
                    "--ndjson '{0}/out.ndjson' --json '{0}/report.json' --html '{0}/report.html'",
                    dir_.string()),
        input);
    ASSERT_EQ(r.exit_code, 0) << r.err;

    std::map<std::uint16_t, json::object> endpoints;
    std::istringstream lines(read_file(dir_ / "out.ndjson"));
    for (std::string line; std::getline(lines, line);) {
        json::object rec = json::parse(line).as_object();
        if (rec.at("type").as_string() != "endpoint") continue;
        endpoints[static_cast<std::uint16_t>(rec.at("target").at("port").to_number<int>())] = rec;
    }
    ASSERT_EQ(endpoints.size(), 2u);
    const auto& long_rec = endpoints[long_port];
    EXPECT_NE(long_rec.at("status").as_string(), "error") << json::serialize(long_rec.at("error"));
    EXPECT_EQ(long_rec.at("chain").as_array().size(), 200u);
    EXPECT_FALSE(long_rec.at("findings").as_array().empty()) << "audited (an untrusted lab root at least)";

    const auto& bad_rec = endpoints[bad_port];
    EXPECT_EQ(bad_rec.at("status"), "error");
    EXPECT_EQ(bad_rec.at("error").at("code"), "bad-certificate");
    const auto& cert = bad_rec.at("chain").at(0).as_object();
    EXPECT_EQ(cert.at("der"), base64(lab::invalid_der_certificate()).c_str());
    EXPECT_FALSE(cert.at("parse_error").as_string().empty());

    const json::object report = json::parse(read_file(dir_ / "report.json")).as_object();
    std::size_t chain_total = 0;
    for (const auto& e : report.at("endpoints").as_array()) chain_total += e.at("chain").as_array().size();
    EXPECT_EQ(chain_total, 201u);
    const std::string html = read_file(dir_ / "report.html");
    EXPECT_NE(html.find("long chain CA 199"), std::string::npos) << "all 200 certificates are in the report";
    EXPECT_LT(html.size(), 8u << 20) << "a long chain does not balloon the report";
}

// A certificate framed as DER that does not decode, behind a good leaf: libssl fails the
// handshake on it, and the capture engine's scan now fails the same way (it recorded a
// clean endpoint: the certificate was only checked for framing and left out of the audit).
TEST_F(hostile_cli, a_certificate_that_does_not_decode_fails_the_endpoint_in_both_engines) {
    lab::server_pool servers;
    lab::server_config config;
    config.b = lab::behaviour::undecodable_certificate;
    const std::uint16_t port = servers.start(config);
    for (const char* engine : {"capture", "openssl"}) {
        const auto out = dir_ / fmt::format("{}.ndjson", engine);
        const auto r =
            run_tlsaudit(fmt::format("scan - --tls-engine {} --no-revocation --fail-on-errors 0 --ndjson '{}'", engine,
                                     out.string()),
                         fmt::format("127.0.0.1:{} sni=undecodable.lab.test\n", port));
        EXPECT_EQ(r.exit_code, 4) << engine << ": " << r.err;
        EXPECT_NE(r.err.find("bad-certificate"), std::string::npos) << engine << ": " << r.err;
        std::istringstream lines(read_file(out));
        std::size_t endpoints = 0;
        for (std::string line; std::getline(lines, line);) {
            const json::object rec = json::parse(line).as_object();
            if (rec.at("type").as_string() != "endpoint") continue;
            ++endpoints;
            EXPECT_EQ(rec.at("status"), "error") << engine;
            EXPECT_EQ(rec.at("error").at("code"), "bad-certificate") << engine;
            const auto& chain = rec.at("chain").as_array();
            ASSERT_EQ(chain.size(), 2u) << engine;
            EXPECT_EQ(chain.at(1).at("der"), base64(lab::undecodable_certificate()).c_str()) << engine;
            EXPECT_FALSE(chain.at(1).at("parse_error").as_string().empty()) << engine;
            // Its probes failed too, with either engine.
            for (const auto& probe : rec.at("probes").as_array())
                if (probe.at("chain") == 0)
                    EXPECT_EQ(probe.at("error").at("code"), "bad-certificate") << engine << json::serialize(probe);
        }
        EXPECT_EQ(endpoints, 1u) << engine;
    }
}

TEST_F(hostile_cli, certificate_text_never_reaches_the_terminal_raw) {
    lab::cert_spec spec = lab::leaf_spec("evil.lab.test");
    spec.common_name = "evil\x1b]0;pwned\x07\x1b[2J\r\ntlsaudit: PASS\xe2\x80\xae";
    spec.organization = "\x1b[8mhidden";
    // Subjects print in RFC 2253 form (OpenSSL escapes controls there); SAN names print as
    // they are, in the hostname-mismatch message.
    spec.dns_names.push_back("\x1b]0;pwned\x07\x1b[2J.lab.test");
    const lab::credential self = lab::make_self_signed(spec, lab::lab_key(lab::key_kind::ec_p256, 1200));
    std::ofstream(dir_ / "evil.pem") << self.pem();

    const auto check =
        run_tlsaudit(fmt::format("check '{}' --host other.lab.test --fail-on none", (dir_ / "evil.pem").string()));
    ASSERT_EQ(check.exit_code, 0) << check.err;
    EXPECT_NE(check.err.find("\\x1b]0;pwned"), std::string::npos) << check.err;
    EXPECT_EQ(check.err.find('\x1b'), std::string::npos) << check.err;
    EXPECT_EQ(check.err.find('\x07'), std::string::npos);
    EXPECT_EQ(check.err.find('\r'), std::string::npos);
    EXPECT_EQ(check.err.find("\xe2\x80\xae"), std::string::npos);

    lab::server_pool servers;
    lab::server_config config;
    config.chain = {self.der};
    config.leaf_key = self.k;
    const std::uint16_t port = servers.start(config);
    const auto scan =
        run_tlsaudit(fmt::format("scan - --no-revocation --fail-on none --json '{}'", (dir_ / "r.json").string()),
                     fmt::format("127.0.0.1:{} sni=other.lab.test\n", port));
    ASSERT_EQ(scan.exit_code, 0) << scan.err;
    EXPECT_NE((scan.out + scan.err).find("worst findings"), std::string::npos) << scan.out << scan.err;
    for (const auto* text : {&scan.out, &scan.err}) {
        EXPECT_EQ(text->find('\x1b'), std::string::npos) << *text;
        EXPECT_EQ(text->find('\x07'), std::string::npos) << *text;
        EXPECT_EQ(text->find("\xe2\x80\xae"), std::string::npos) << *text;
    }
}

// A server that makes the capture engine fall back late (a ServerHello, then after 1.5 s a
// handshake message it does not expect) and then stalls libssl's connection: the probe's
// one handshake deadline (2 s) covers both connections, not 2 s each.
constexpr const char* fallback_then_stall = R"py(
import socket, sys, time
listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen(4)
open(sys.argv[1] + ".tmp", "w").write(str(listener.getsockname()[1]))
import os; os.rename(sys.argv[1] + ".tmp", sys.argv[1])
listener.settimeout(20)
hello = bytes([2, 0, 0, 38, 3, 3]) + bytes(32) + bytes([0, 0xc0, 0x2f, 0])
held = []
for n in range(2):
    conn, _ = listener.accept()
    conn.recv(4096)
    held.append(conn)
    if n == 0:
        time.sleep(1.5)
        conn.sendall(bytes([22, 3, 3, 0, len(hello) + 4]) + hello + bytes([99, 0, 0, 0]))
time.sleep(6)
)py";

TEST_F(hostile_cli, a_fallback_shares_the_probes_handshake_deadline) {
    const auto script = dir_ / "fallback_then_stall.py";
    std::ofstream(script) << fallback_then_stall;
    const auto port_file = dir_ / "port";
    child_process server("/usr/bin/python3", {script.string(), port_file.string()}, dir_ / "server.out",
                         dir_ / "server.err");
    for (int i = 0; i < 100 && !std::filesystem::exists(port_file); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    ASSERT_TRUE(std::filesystem::exists(port_file)) << "the server did not start";
    std::ofstream(dir_ / "t.txt") << "127.0.0.1:" << read_file(port_file) << "\n";
    const auto records = dir_ / "r.ndjson";
    const auto r =
        run_tlsaudit(fmt::format("scan '{}' --probes modern --handshake-timeout 2 --retries 0 "
                                 "--no-revocation --no-geoip --fail-on none -q --ndjson '{}'",
                                 (dir_ / "t.txt").string(), records.string()));
    EXPECT_EQ(r.exit_code, 4) << r.err;
    json::object endpoint;
    std::istringstream lines(read_file(records));
    for (std::string line; std::getline(lines, line);) {
        auto v = json::parse(line).as_object();
        if (v.at("type") == "endpoint") endpoint = std::move(v);
    }
    ASSERT_FALSE(endpoint.empty()) << read_file(records);
    EXPECT_EQ(endpoint.at("error").at("code"), "timeout-handshake");
    EXPECT_EQ(endpoint.at("error").at("detail"), "no handshake within 2000 ms");
    const auto& probe = endpoint.at("probes").as_array().at(0).as_object();
    EXPECT_EQ(probe.at("engine"), "openssl");
    EXPECT_NE(std::string(probe.at("fallback").as_string()).find("unexpected handshake message type 99"),
              std::string::npos);
    // 1.5 s in the capture engine, then what is left of the 2 s; the bug gave the fallback 2 s
    // of its own (3.5 s in all). The bound leaves a loaded machine 1.2 s past the deadline.
    EXPECT_LT(endpoint.at("timings_ms").at("handshake").to_number<double>(), 3200.0);
}

}  // namespace
}  // namespace tlsaudit::testing
