// The capture client against real servers on loopback: openssl s_server, gnutls-serv and
// NSS selfserv, started per test with lab certificates written to a temporary directory. Every captured
// chain is compared byte for byte with the one the server was given.

#include "capture/client.hpp"
#include "loopback.hpp"
#include "server_setup.hpp"

#include <tlsaudit/lab/revocation_data.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

namespace tlsaudit::capture_engine {
namespace {

namespace fs = std::filesystem;
using testing::drive;
using testing::drive_result;
using testing::gnutls_serv;
using testing::make_ed25519_pki;
using testing::make_pki;
using testing::nss_selfserv;
using testing::s_server;
using testing::server_process;
using testing::write_file;
using testing::write_identity;

const hello_template& hello(probe p) {
    static const std::array<hello_template, 5> templates{
        hello_template::make(probe::modern, {"h2", "http/1.1"}), hello_template::make(probe::rsa, {"h2", "http/1.1"}),
        hello_template::make(probe::ecdsa, {"h2", "http/1.1"}), hello_template::make(probe::tls12, {"h2", "http/1.1"}),
        hello_template::make(probe::no_sni, {"h2", "http/1.1"})};
    return templates[static_cast<std::size_t>(p)];
}

// One capture against a fresh server; the server's output is attached to failures.
drive_result capture_from(const std::vector<std::string>& server_args, const fs::path& dir, probe p = probe::modern,
                          options opts = {.sni = "localhost"}) {
    server_process server(server_args, dir);
    auto r = drive(hello(p), opts, server.port());
    if (r.st != status::done)
        ADD_FAILURE() << "capture did not finish: " << (r.error ? r.error->code + ": " + r.error->detail : r.fallback)
                      << r.transport_error << "\nserver output:\n"
                      << server.output();
    return r;
}

class capture_interop : public ::testing::Test {
protected:
    testing::scratch_dir dir_{::testing::UnitTest::GetInstance()->current_test_info()->name()};
};

TEST_F(capture_interop, openssl_tls13_and_tls12_rsa_2048) {
    const auto id = write_identity(dir_.path(), "rsa", make_pki(lab::key_kind::rsa_2048));
    const auto r13 = capture_from(s_server(id), dir_.path());
    EXPECT_EQ(r13.f.chain, id.served);
    EXPECT_EQ(r13.f.protocol, "TLSv1.3");
    EXPECT_FALSE(r13.f.hello_retry);
    EXPECT_NE(r13.f.signature_scheme, 0);
    const auto r12 = capture_from(s_server(id, {"-tls1_2"}), dir_.path());
    EXPECT_EQ(r12.f.chain, id.served);
    EXPECT_EQ(r12.f.protocol, "TLSv1.2");
    EXPECT_EQ(r12.f.cipher, "ECDHE-RSA-AES128-GCM-SHA256");
    for (const auto p : {probe::rsa, probe::tls12}) {
        const auto r = capture_from(s_server(id, {"-tls1_2"}), dir_.path(), p);
        EXPECT_EQ(r.f.chain, id.served) << probe_name(p);
    }
}

TEST_F(capture_interop, openssl_each_tls13_suite) {
    const auto id = write_identity(dir_.path(), "ec", make_pki(lab::key_kind::ec_p256));
    for (const char* suite : {"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"}) {
        const auto r = capture_from(s_server(id, {"-ciphersuites", suite}), dir_.path());
        EXPECT_EQ(r.f.cipher, suite);
        EXPECT_EQ(r.f.chain, id.served) << suite;
    }
}

TEST_F(capture_interop, openssl_hello_retry_for_p256_and_p384_and_with_a_cookie) {
    const auto id = write_identity(dir_.path(), "ec", make_pki(lab::key_kind::ec_p256));
    for (const std::vector<std::string>& extra :
         {std::vector<std::string>{"-groups", "P-256"}, {"-groups", "P-384"}, {"-groups", "X448"}, {"-stateless"}}) {
        const auto r = capture_from(s_server(id, extra), dir_.path(), probe::modern,
                                    {.sni = "localhost", .verify_handshake = true});
        EXPECT_TRUE(r.f.hello_retry) << extra[0];
        EXPECT_EQ(r.f.chain, id.served);
        EXPECT_EQ(r.f.protocol, "TLSv1.3");
    }
}

// A TLS 1.3 server limited to groups the capture client does not compute refuses its hello
// outright (it lists none of them, so no HelloRetryRequest comes): the probe falls back.
TEST_F(capture_interop, openssl_groups_the_client_cannot_compute_fall_back) {
    const auto id = write_identity(dir_.path(), "ec", make_pki(lab::key_kind::ec_p256));
    for (const char* group : {"ffdhe2048", "ffdhe4096"}) {
        server_process server(s_server(id, {"-tls1_3", "-groups", group}), dir_.path());
        const auto r = drive(hello(probe::modern), {.sni = "localhost"}, server.port());
        ASSERT_EQ(r.st, status::fallback) << group << ": " << (r.error ? r.error->detail : "") << server.output();
        EXPECT_EQ(r.fallback.rfind("the server refused the hello (handshake failure (40))", 0), 0u) << r.fallback;
    }
}

TEST_F(capture_interop, openssl_leaf_key_types_with_verified_handshakes) {
    const std::vector<std::pair<std::string, lab::hierarchy>> pkis = [] {
        std::vector<std::pair<std::string, lab::hierarchy>> v;
        v.emplace_back("rsa2048", make_pki(lab::key_kind::rsa_2048));
        v.emplace_back("rsa4096", make_pki(lab::key_kind::rsa_4096));
        v.emplace_back("p256", make_pki(lab::key_kind::ec_p256));
        v.emplace_back("p384", make_pki(lab::key_kind::ec_p384));
        v.emplace_back("ed25519", make_ed25519_pki());
        return v;
    }();
    for (const auto& [name, pki] : pkis) {
        const auto id = write_identity(dir_.path(), name, pki);
        const auto r =
            capture_from(s_server(id), dir_.path(), probe::modern, {.sni = "localhost", .verify_handshake = true});
        EXPECT_EQ(r.f.chain, id.served) << name;
        EXPECT_EQ(r.f.protocol, "TLSv1.3") << name;
        if (name == "ed25519") EXPECT_EQ(r.f.signature_scheme, 0x0807);
        if (name == "p384") EXPECT_EQ(r.f.signature_scheme, 0x0503);
    }
}

TEST_F(capture_interop, openssl_dual_certificates_by_probe) {
    const auto rsa = write_identity(dir_.path(), "rsa", make_pki(lab::key_kind::rsa_2048, 0, 1, "dual rsa"));
    const auto ec = write_identity(dir_.path(), "ec", make_pki(lab::key_kind::ec_p256, 10, 1, "dual ec"));
    const auto args = s_server(rsa, {"-dcert", ec.leaf, "-dkey", ec.key, "-dcert_chain", ec.chain});
    EXPECT_EQ(capture_from(args, dir_.path(), probe::modern).f.chain, ec.served) << "modern: ECDSA first";
    EXPECT_EQ(capture_from(args, dir_.path(), probe::rsa).f.chain, rsa.served);
    EXPECT_EQ(capture_from(args, dir_.path(), probe::ecdsa).f.chain, ec.served);
}

// Whatever the other key: every ECDSA curve and EdDSA come before RSA in the modern list,
// so a server that follows the client's order sends modern the other chain and rsa the RSA
// one, and the default probes find both (with P-256 alone first, an RSA-PSS scheme came
// before P-384's and Ed25519's: modern got the RSA chain, the other was never seen).
TEST_F(capture_interop, openssl_dual_rsa_with_p384_or_ed25519_by_probe) {
    const auto rsa = write_identity(dir_.path(), "rsa", make_pki(lab::key_kind::rsa_2048, 0, 1, "dual rsa"));
    const std::vector<std::pair<std::string, lab::hierarchy>> others = [] {
        std::vector<std::pair<std::string, lab::hierarchy>> v;
        v.emplace_back("p384", make_pki(lab::key_kind::ec_p384, 10, 1, "dual p384"));
        v.emplace_back("ed25519", make_ed25519_pki());
        return v;
    }();
    for (const auto& [name, pki] : others) {
        const auto other = write_identity(dir_.path(), name, pki);
        const auto args = s_server(rsa, {"-dcert", other.leaf, "-dkey", other.key, "-dcert_chain", other.chain});
        EXPECT_EQ(capture_from(args, dir_.path(), probe::modern).f.chain, other.served) << name;
        EXPECT_EQ(capture_from(args, dir_.path(), probe::rsa).f.chain, rsa.served) << name;
    }
}

// The TLS 1.2-only probes offer every RSA- and ECDSA-authenticated suite libssl's ALL does
// (nothing of TLS 1.2 is computed) and SHA-224: a server limited to one of them is read.
TEST_F(capture_interop, openssl_tls12_probes_reach_servers_limited_to_rare_suites) {
    const auto rsa = write_identity(dir_.path(), "rsa", make_pki(lab::key_kind::rsa_2048, 0, 1, "rare rsa"));
    const auto ec = write_identity(dir_.path(), "ec", make_pki(lab::key_kind::ec_p256, 10, 1, "rare ec"));
    struct rare {
        const testing::identity* id;
        std::vector<std::string> args;
        probe p;
        const char* cipher;
    };
    const std::vector<rare> cases{
        {&rsa, {"-cipher", "ECDHE-RSA-AES128-SHA256"}, probe::tls12, "ECDHE-RSA-AES128-SHA256"},
        {&rsa, {"-cipher", "DHE-RSA-AES128-GCM-SHA256"}, probe::tls12, "DHE-RSA-AES128-GCM-SHA256"},
        {&rsa, {"-cipher", "AES128-CCM"}, probe::rsa, "AES128-CCM"},
        {&rsa, {"-cipher", "CAMELLIA128-SHA256:@SECLEVEL=0"}, probe::rsa, "CAMELLIA128-SHA256"},
        {&rsa, {"-cipher", "ECDHE-ARIA128-GCM-SHA256"}, probe::rsa, "ECDHE-ARIA128-GCM-SHA256"},
        {&ec, {"-cipher", "ECDHE-ECDSA-AES128-CCM"}, probe::ecdsa, "ECDHE-ECDSA-AES128-CCM"},
        {&ec, {"-cipher", "ECDHE-ECDSA-AES128-CCM8"}, probe::ecdsa, "ECDHE-ECDSA-AES128-CCM8"},
        {&rsa, {"-cipher", "AESCCM8"}, probe::rsa, "DHE-RSA-AES128-CCM8"},
        {&rsa, {"-cipher", "AES128-CCM8"}, probe::rsa, "AES128-CCM8"},
        {&ec, {"-groups", "X448"}, probe::ecdsa, "ECDHE-ECDSA-AES128-GCM-SHA256"},
        {&rsa,
         {"-cipher", "DHE-RSA-AES128-GCM-SHA256", "-groups", "ffdhe3072"},
         probe::rsa,
         "DHE-RSA-AES128-GCM-SHA256"},
        {&rsa, {"-sigalgs", "RSA+SHA224"}, probe::tls12, "ECDHE-RSA-AES128-GCM-SHA256"},
    };
    for (const auto& c : cases) {
        auto args = c.args;
        args.insert(args.begin(), "-tls1_2");
        const auto r = capture_from(s_server(*c.id, args), dir_.path(), c.p);
        EXPECT_EQ(r.f.chain, c.id->served) << c.args[1];
        EXPECT_EQ(r.f.cipher, c.cipher) << c.args[1];
    }
}

TEST_F(capture_interop, openssl_sni_selected_certificate) {
    const auto main_id = write_identity(dir_.path(), "main", make_pki(lab::key_kind::ec_p256, 0, 1, "sni main"));
    const auto other = write_identity(dir_.path(), "other", make_pki(lab::key_kind::ec_p256, 20, 1, "sni other"));
    const auto args = s_server(main_id, {"-servername", "other.test", "-cert2", other.leaf, "-key2", other.key});
    const auto selected = capture_from(args, dir_.path(), probe::modern, {.sni = "other.test"});
    ASSERT_FALSE(selected.f.chain.empty());
    EXPECT_EQ(selected.f.chain.front(), other.served.front());
    EXPECT_EQ(capture_from(args, dir_.path(), probe::modern, {.sni = "main.test"}).f.chain, main_id.served);
    EXPECT_EQ(capture_from(args, dir_.path(), probe::no_sni, {.sni = "other.test"}).f.chain, main_id.served)
        << "no-sni sends no name";
}

TEST_F(capture_interop, openssl_unrecognized_name_alert) {
    const auto main_id = write_identity(dir_.path(), "main", make_pki(lab::key_kind::ec_p256));
    server_process server(s_server(main_id, {"-servername", "only.test", "-cert2", main_id.leaf, "-key2", main_id.key,
                                             "-servername_fatal", "-tls1_2"}),
                          dir_.path());
    const auto r = drive(hello(probe::tls12), {.sni = "other.test"}, server.port());
    ASSERT_EQ(r.st, status::failed) << server.output();
    EXPECT_EQ(r.error->code, error_codes::tls_alert);
    EXPECT_EQ(r.error->detail, "unrecognized name (112)");
}

TEST_F(capture_interop, openssl_stapled_ocsp_in_both_versions) {
    const auto pki = make_pki(lab::key_kind::ec_p256);
    const auto id = write_identity(dir_.path(), "ec", pki);
    const bytes ocsp = lab::make_ocsp_response_for(id.issuer, pki.leaf.der, {});
    const auto ocsp_file = (dir_.path() / "ocsp.der").string();
    write_file(ocsp_file, ocsp);
    const auto r13 = capture_from(s_server(id, {"-status_file", ocsp_file}), dir_.path());
    EXPECT_EQ(r13.f.stapled_ocsp, ocsp);
    EXPECT_EQ(r13.f.protocol, "TLSv1.3");
    const auto r12 = capture_from(s_server(id, {"-status_file", ocsp_file, "-tls1_2"}), dir_.path());
    EXPECT_EQ(r12.f.stapled_ocsp, ocsp);
    EXPECT_EQ(r12.f.protocol, "TLSv1.2");
    EXPECT_TRUE(capture_from(s_server(id), dir_.path()).f.stapled_ocsp.empty());
}

TEST_F(capture_interop, openssl_record_shapes) {
    const auto id = write_identity(dir_.path(), "rsa", make_pki(lab::key_kind::rsa_2048));
    for (const std::vector<std::string>& extra : {std::vector<std::string>{"-max_send_frag", "512"},
                                                  {"-max_send_frag", "512", "-tls1_2"},
                                                  {"-record_padding", "512"},
                                                  {"-no_middlebox"},
                                                  {"-verify", "1"},
                                                  {"-verify", "1", "-tls1_2"}}) {
        const auto r = capture_from(s_server(id, extra), dir_.path(), probe::modern,
                                    {.sni = "localhost", .verify_handshake = true});
        EXPECT_EQ(r.f.chain, id.served) << extra.front() << " " << extra.back();
    }
}

TEST_F(capture_interop, openssl_chain_over_16_kib) {
    const auto pki = make_pki(lab::key_kind::ec_p256, 100, 40, "long chain");
    const auto id = write_identity(dir_.path(), "long", pki);
    std::size_t total = 0;
    for (const auto& c : id.served) total += c.size();
    ASSERT_GT(total, 16u * 1024);
    EXPECT_EQ(capture_from(s_server(id), dir_.path()).f.chain, id.served);
    EXPECT_EQ(capture_from(s_server(id, {"-tls1_2"}), dir_.path()).f.chain, id.served);
}

// The closing alerts of a TLS 1.3 capture are protected with the client's handshake keys:
// GnuTLS reads the user_canceled alert (which it counts as fatal in TLS 1.3), where
// plaintext alerts made it log a record that does not decrypt.
TEST_F(capture_interop, gnutls_reads_the_closing_alerts_of_tls13) {
    const auto id = write_identity(dir_.path(), "ec", make_pki(lab::key_kind::ec_p256));
    server_process server(gnutls_serv(id, "NORMAL"), dir_.path());
    const auto r = drive(hello(probe::modern), {.sni = "localhost"}, server.port());
    ASSERT_EQ(r.st, status::done) << server.output();
    EXPECT_EQ(r.f.protocol, "TLSv1.3");
    std::string log;
    for (int i = 0; i < 100 && log.find("Error in handshake") == std::string::npos; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        log = server.output();
    }
    EXPECT_NE(log.find("Error in handshake: A TLS fatal alert has been received."), std::string::npos) << log;
    EXPECT_EQ(log.find("ecryption"), std::string::npos) << log;
}

TEST_F(capture_interop, gnutls_tls13_tls12_and_hello_retry) {
    const auto pki = make_pki(lab::key_kind::ec_p256);
    const auto id = write_identity(dir_.path(), "ec", pki);
    const bytes ocsp = lab::make_ocsp_response_for(id.issuer, pki.leaf.der, {});
    const auto ocsp_file = (dir_.path() / "ocsp.der").string();
    write_file(ocsp_file, ocsp);

    const auto r13 = capture_from(gnutls_serv(id, "NORMAL", {"--ocsp-response", ocsp_file}), dir_.path(), probe::modern,
                                  {.sni = "localhost", .verify_handshake = true});
    EXPECT_EQ(r13.f.chain, id.served);
    EXPECT_EQ(r13.f.protocol, "TLSv1.3");
    EXPECT_EQ(r13.f.stapled_ocsp, ocsp);

    const auto r12 = capture_from(gnutls_serv(id, "NORMAL:-VERS-TLS1.3", {"--ocsp-response", ocsp_file}), dir_.path());
    EXPECT_EQ(r12.f.chain, id.served);
    EXPECT_EQ(r12.f.protocol, "TLSv1.2");
    EXPECT_EQ(r12.f.stapled_ocsp, ocsp);

    const auto hrr = capture_from(gnutls_serv(id, "NORMAL:-GROUP-ALL:+GROUP-SECP384R1"), dir_.path(), probe::modern,
                                  {.sni = "localhost", .verify_handshake = true});
    EXPECT_TRUE(hrr.f.hello_retry);
    EXPECT_EQ(hrr.f.chain, id.served);
}

// NSS builds the chain it sends from its database: here a leaf under two intermediates.
TEST_F(capture_interop, nss_tls13_tls12_and_hello_retry) {
    const auto rsa = write_identity(dir_.path(), "rsa", make_pki(lab::key_kind::rsa_2048, 0, 2, "nss rsa"));
    const auto ec = write_identity(dir_.path(), "ec", make_pki(lab::key_kind::ec_p256, 10, 1, "nss ec"));
    const options verified{.sni = "localhost", .verify_handshake = true};

    const auto r13 =
        capture_from(nss_selfserv(dir_.path(), {rsa}, "tls1.3:tls1.3"), dir_.path(), probe::modern, verified);
    EXPECT_EQ(r13.f.chain, rsa.served);
    EXPECT_EQ(r13.f.protocol, "TLSv1.3");
    EXPECT_FALSE(r13.f.hello_retry);
    EXPECT_EQ(r13.f.signature_scheme, 0x0804) << "rsa_pss_rsae_sha256";

    const auto r12 = capture_from(nss_selfserv(dir_.path(), {rsa}, "tls1.2:tls1.2"), dir_.path());
    EXPECT_EQ(r12.f.chain, rsa.served);
    EXPECT_EQ(r12.f.protocol, "TLSv1.2");

    const auto hrr = capture_from(nss_selfserv(dir_.path(), {ec}, "tls1.3:tls1.3", {"-I", "P384"}), dir_.path(),
                                  probe::modern, verified);
    EXPECT_TRUE(hrr.f.hello_retry);
    EXPECT_EQ(hrr.f.chain, ec.served);
    EXPECT_EQ(hrr.f.signature_scheme, 0x0403) << "ecdsa_secp256r1_sha256";
}

// NSS names a certificate in its database by subject: two leaves of one subject would share
// a nickname, and selfserv could not be given both. These differ in their organization.
lab::hierarchy with_leaf_organization(lab::hierarchy h, const std::string& organization) {
    auto spec = lab::leaf_spec("localhost");
    spec.organization = organization;
    h.leaf = lab::issue(h.intermediates.back(), spec, h.leaf.k);
    return h;
}

// selfserv picks the first of its certificates the client accepts, in its own order: a client
// that accepts both gets the one configured first, and the other is found only by the probe
// that accepts it alone.
TEST_F(capture_interop, nss_dual_certificates_by_probe) {
    const auto rsa = write_identity(
        dir_.path(), "rsa", with_leaf_organization(make_pki(lab::key_kind::rsa_2048, 0, 1, "nss dual rsa"), "rsa"));
    const auto ec = write_identity(
        dir_.path(), "ec", with_leaf_organization(make_pki(lab::key_kind::ec_p256, 10, 1, "nss dual ec"), "ec"));
    const auto ec_first = nss_selfserv(dir_.path(), {ec, rsa}, "tls1.2:tls1.3");
    EXPECT_EQ(capture_from(ec_first, dir_.path(), probe::modern).f.chain, ec.served);
    EXPECT_EQ(capture_from(ec_first, dir_.path(), probe::tls12).f.chain, ec.served);
    EXPECT_EQ(capture_from(ec_first, dir_.path(), probe::rsa).f.chain, rsa.served);
    EXPECT_EQ(capture_from(ec_first, dir_.path(), probe::ecdsa).f.chain, ec.served);
    const auto rsa_first = nss_selfserv(dir_.path(), {rsa, ec}, "tls1.2:tls1.3");
    EXPECT_EQ(capture_from(rsa_first, dir_.path(), probe::modern).f.chain, rsa.served);
    EXPECT_EQ(capture_from(rsa_first, dir_.path(), probe::rsa).f.chain, rsa.served);
    EXPECT_EQ(capture_from(rsa_first, dir_.path(), probe::ecdsa).f.chain, ec.served);
}

}  // namespace
}  // namespace tlsaudit::capture_engine
