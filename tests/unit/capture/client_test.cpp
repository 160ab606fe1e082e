// The capture client's state machine on scripted flights: TLS 1.2 in plaintext, TLS 1.3
// protected by the fake server, every split point, and everything that must fail or fall
// back.

#include "capture/client.hpp"
#include "capture/answer_checks.hpp"
#include "fake_server.hpp"
#include "wire_support.hpp"

#include <tlsaudit/lab/pki.hpp>

#include <gtest/gtest.h>

#include <thread>

namespace tlsaudit::capture_engine {
namespace {

using testing::append;
using testing::certificate_body;
using testing::concat;
using testing::from_hex;
using testing::handshake;
using testing::put16;
using testing::record;

const hello_template& modern() {
    static const auto t = hello_template::make(probe::modern, {"h2", "http/1.1"});
    return t;
}
const hello_template& tls12_only() {
    static const auto t = hello_template::make(probe::tls12, {"h2", "http/1.1"});
    return t;
}

const std::vector<bytes> fake_chain{from_hex("3003020101"), from_hex("3003020102")};
const bytes fake_ocsp = from_hex("30030a0100");

// A TLS 1.2 ServerHello body: `version`, `suite`, and extensions as given; the random's
// last 8 bytes as `random_tail` when it is given.
bytes server_hello12(std::uint16_t version, std::uint16_t suite, std::span<const unsigned char> extensions,
                     std::string_view random_tail = {}) {
    bytes body;
    put16(body, version);
    bytes random(32, 0x11);
    std::copy(random_tail.begin(), random_tail.end(), random.end() - static_cast<std::ptrdiff_t>(random_tail.size()));
    append(body, random);
    body.push_back(32);
    append(body, bytes(32, 0x22));
    put16(body, suite);
    body.push_back(0);
    if (!extensions.empty()) {
        put16(body, extensions.size());
        append(body, extensions);
    }
    return handshake(2, body);
}

// ServerHello (status_request and ALPN h2 acknowledged), Certificate, CertificateStatus,
// ServerKeyExchange, ServerHelloDone: each message in its own record. An AEAD suite for
// TLS 1.2, a CBC one (defined for every version) below it.
bytes tls12_flight(std::uint16_t version = 0x0303) {
    const std::uint16_t suite = version == 0x0303 ? 0xc02f : 0xc013;
    const bytes sh = server_hello12(version, suite, from_hex("0005 0000 0010 0005 0003 026832 ff01 0001 00"));
    bytes status;
    status.push_back(1);
    testing::put24(status, fake_ocsp.size());
    append(status, fake_ocsp);
    return concat({record(22, sh, version), record(22, handshake(11, certificate_body(fake_chain, false)), version),
                   record(22, handshake(22, status), version),
                   record(22, handshake(12, from_hex("03001741 04")), version),
                   record(22, handshake(14, {}), version)});
}

struct outcome {
    status st;
    flight f;
    std::optional<scan_error> error;
    std::string fallback;
};

// Runs a client on `server` bytes split at `cuts`, then EOF when `eof`.
outcome run(const hello_template& t, std::span<const unsigned char> server, std::vector<std::size_t> cuts = {},
            bool eof = false, options opts = {.sni = "example.com"}) {
    client c(t, opts);
    c.consumed_output(c.pending_output().size());
    std::size_t at = 0;
    cuts.push_back(server.size());
    for (const auto cut : cuts) {
        c.receive(server.subspan(at, cut - at));
        at = cut;
    }
    if (eof) c.receive_eof();
    return {c.current(), c.result(), c.error(), c.fallback_reason()};
}

TEST(capture_client, tls12_flight_is_captured) {
    client c(tls12_only(), {.sni = "example.com"});
    ASSERT_FALSE(c.pending_output().empty());
    c.consumed_output(10);
    c.consumed_output(c.pending_output().size());
    EXPECT_TRUE(c.pending_output().empty());
    const bytes flight = tls12_flight();
    ASSERT_EQ(c.receive(flight), status::done);
    EXPECT_EQ(c.result().chain, fake_chain);
    EXPECT_EQ(c.result().stapled_ocsp, fake_ocsp);
    EXPECT_EQ(c.result().protocol, "TLSv1.2");
    EXPECT_EQ(c.result().cipher, "ECDHE-RSA-AES128-GCM-SHA256");
    EXPECT_EQ(c.result().alpn, "h2");
    EXPECT_EQ(c.result().signature_scheme, 0);
    const auto out = c.pending_output();
    EXPECT_EQ(bytes(out.begin(), out.end()), from_hex("15 0303 0002 015a 15 0303 0002 0100"))
        << "user_canceled then close_notify";
    EXPECT_EQ(c.receive(from_hex("1503030002022800")), status::done) << "bytes after the flight are ignored";
    EXPECT_EQ(c.receive_eof(), status::done);
}

// A leaf whose key cannot serve the chosen suite (an EC key under RSA key exchange, an RSA key
// under ECDHE_ECDSA) breaks the handshake for every client: the probe falls back to libssl,
// which records the error, instead of recording a clean capture.
TEST(capture_client, a_leaf_that_does_not_fit_the_suite_falls_back) {
    const auto ec = lab::make_hierarchy(lab::key_kind::ec_p256, 1, {"localhost"}).served_chain();
    const auto rsa = lab::make_hierarchy(lab::key_kind::rsa_2048, 1, {"localhost"}).served_chain();
    const auto flight = [](std::uint16_t suite, const std::vector<bytes>& chain) {
        bytes out = concat(
            {record(22, server_hello12(0x0303, suite, {})), record(22, handshake(11, certificate_body(chain, false)))});
        if (suite != 0x009c) append(out, record(22, handshake(12, from_hex("03001741 04"))));
        append(out, record(22, handshake(14, {})));
        return out;
    };
    EXPECT_EQ(run(tls12_only(), flight(0x009c, rsa)).st, status::done);
    EXPECT_EQ(run(tls12_only(), flight(0xc02b, ec)).st, status::done);
    const auto ec_under_rsa = run(tls12_only(), flight(0x009c, ec));
    EXPECT_EQ(ec_under_rsa.st, status::fallback);
    EXPECT_EQ(ec_under_rsa.fallback, "the server's EC certificate does not fit the suite it chose (AES128-GCM-SHA256)");
    EXPECT_EQ(run(tls12_only(), flight(0xc02b, rsa)).st, status::fallback);
    EXPECT_EQ(run(tls12_only(), flight(0xc02f, ec)).st, status::fallback) << "ECDHE_RSA with an EC key";
}

TEST(capture_client, tls12_flight_at_every_split_point) {
    const bytes flight = tls12_flight();
    for (std::size_t cut = 0; cut <= flight.size(); ++cut) {
        const auto o = run(tls12_only(), flight, {cut});
        ASSERT_EQ(o.st, status::done) << cut;
        EXPECT_EQ(o.f.chain, fake_chain);
        EXPECT_EQ(o.f.stapled_ocsp, fake_ocsp);
    }
    std::vector<std::size_t> every;
    for (std::size_t i = 1; i < flight.size(); ++i) every.push_back(i);
    EXPECT_EQ(run(tls12_only(), flight, every).st, status::done);
}

TEST(capture_client, tls12_messages_coalesced_and_spanning_records) {
    const bytes sh = server_hello12(0x0303, 0x009c, {});
    bytes messages = concat({sh, handshake(11, certificate_body(fake_chain, false)), handshake(14, {})});
    EXPECT_EQ(run(tls12_only(), record(22, messages)).st, status::done);
    bytes records;
    for (std::size_t at = 0; at < messages.size(); at += 7)
        append(records, record(22, std::span(messages).subspan(at, std::min<std::size_t>(7, messages.size() - at))));
    const auto o = run(tls12_only(), records);
    EXPECT_EQ(o.st, status::done);
    EXPECT_EQ(o.f.cipher, "AES128-GCM-SHA256");
    EXPECT_TRUE(o.f.stapled_ocsp.empty());
}

TEST(capture_client, modern_probe_reads_a_tls12_answer) {
    const auto o = run(modern(), tls12_flight());
    EXPECT_EQ(o.st, status::done);
    EXPECT_EQ(o.f.protocol, "TLSv1.2");
    EXPECT_EQ(o.f.chain, fake_chain);
}

TEST(capture_client, tls10_server) {
    client c(tls12_only(), {.sni = "example.com"});
    c.consumed_output(c.pending_output().size());
    ASSERT_EQ(c.receive(tls12_flight(0x0301)), status::done);
    EXPECT_EQ(c.result().protocol, "TLSv1");
    EXPECT_EQ(c.pending_output()[2], 0x01) << "alerts in the negotiated record version";
    EXPECT_EQ(run(tls12_only(), tls12_flight(0x0302)).f.protocol, "TLSv1.1");
}

TEST(capture_client, fatal_alert_keeps_the_chain_seen) {
    const bytes sh = server_hello12(0x0303, 0xc02f, {});
    const bytes flight = concat(
        {record(22, sh), record(22, handshake(11, certificate_body(fake_chain, false))), record(21, from_hex("0228"))});
    const auto o = run(tls12_only(), flight);
    ASSERT_EQ(o.st, status::failed);
    EXPECT_EQ(o.error->stage, "handshake");
    EXPECT_EQ(o.error->code, error_codes::tls_alert);
    EXPECT_EQ(o.error->detail, "handshake failure (40)");
    EXPECT_EQ(o.f.chain, fake_chain);
}

// A TLS 1.3 server limited to X448 or finite-field groups refuses the hello outright (the
// hello lists no group it can take, so no HelloRetryRequest comes): libssl may reach it.
// A TLS 1.2-only probe refused the same way is refused for its certificate type.
TEST(capture_client, a_hello_refused_outright_falls_back_only_for_tls13_probes) {
    for (const char* alert : {"0228", "0247"}) {  // handshake_failure, insufficient_security
        const auto modern_refused = run(modern(), record(21, from_hex(alert)));
        ASSERT_EQ(modern_refused.st, status::fallback) << alert;
        EXPECT_EQ(modern_refused.fallback.rfind("the server refused the hello (", 0), 0u) << modern_refused.fallback;
        const auto rsa_refused = run(tls12_only(), record(21, from_hex(alert)));
        ASSERT_EQ(rsa_refused.st, status::failed) << alert;
        EXPECT_EQ(rsa_refused.error->code, error_codes::tls_alert);
    }
    const auto other = run(modern(), record(21, from_hex("0246")));  // protocol_version: no group would help
    EXPECT_EQ(other.st, status::failed);
}

TEST(capture_client, warning_alerts_are_skipped_a_few_times) {
    const bytes warning = record(21, from_hex("0170"));  // unrecognized_name
    EXPECT_EQ(run(tls12_only(), concat({warning, tls12_flight()})).st, status::done);
    bytes many;
    for (int i = 0; i < 5; ++i) append(many, warning);
    const auto o = run(tls12_only(), many);
    ASSERT_EQ(o.st, status::failed);
    EXPECT_EQ(o.error->code, error_codes::protocol_error);
    const auto closed = run(tls12_only(), record(21, from_hex("0100")));
    ASSERT_EQ(closed.st, status::failed);
    EXPECT_EQ(closed.error->code, error_codes::closed);
    // A record header announcing more than a record holds is not-tls, as libssl's "packet
    // length too long" (or "wrong version number") is to the openssl engine.
    const auto oversized = run(tls12_only(), from_hex("16 0303 ffff"));
    ASSERT_EQ(oversized.st, status::failed);
    EXPECT_EQ(oversized.error->code, error_codes::not_tls);
    const auto unknown_level = run(modern(), record(21, from_hex("0328")));
    ASSERT_EQ(unknown_level.st, status::failed) << "no fallback: libssl refuses it too";
    EXPECT_EQ(unknown_level.error->detail, "an alert of unknown level 3");
    // Sent as a fatal alert, libssl reports it as one: so does the capture engine.
    const auto fatal_close = run(tls12_only(), record(21, from_hex("0200")));
    ASSERT_EQ(fatal_close.st, status::failed);
    EXPECT_EQ(fatal_close.error->code, error_codes::tls_alert);
    EXPECT_NE(fatal_close.error->detail.find("close notify (0)"), std::string::npos) << fatal_close.error->detail;
}

TEST(capture_client, peer_close_and_not_tls) {
    const auto empty = run(tls12_only(), {}, {}, true);
    ASSERT_EQ(empty.st, status::failed);
    EXPECT_EQ(empty.error->code, error_codes::closed);
    EXPECT_EQ(empty.error->detail, "connection closed by the server during the handshake");

    const bytes flight = tls12_flight();
    const auto mid = run(tls12_only(), std::span(flight).first(100), {}, true);
    ASSERT_EQ(mid.st, status::failed);
    EXPECT_EQ(mid.error->code, error_codes::closed);

    const bytes http = from_hex("485454502f312e312034303020426164");
    const auto o = run(tls12_only(), http);
    ASSERT_EQ(o.st, status::failed);
    EXPECT_EQ(o.error->code, error_codes::not_tls);
    EXPECT_EQ(o.error->detail,
              R"(the server's first bytes are not a TLS record: 485454502f ("HTTP/": the port serves plain HTTP))");
    const auto short_reply = run(tls12_only(), from_hex("4854"), {}, true);
    ASSERT_EQ(short_reply.st, status::failed);
    EXPECT_EQ(short_reply.error->code, error_codes::not_tls);
    EXPECT_EQ(short_reply.error->detail, "the server's first bytes are not a TLS record: 4854");
}

TEST(capture_client, old_protocols_fall_back) {
    const auto v2 = run(modern(), from_hex("8329040001000200"));
    EXPECT_EQ(v2.st, status::fallback);
    EXPECT_EQ(v2.fallback, "the server answered in SSL 2.0");
    const bytes sh = server_hello12(0x0300, 0x002f, {});
    const auto v3 = run(modern(), record(22, sh, 0x0300));
    EXPECT_EQ(v3.st, status::fallback);
    EXPECT_EQ(v3.fallback, "the server chose SSL 3.0");
}

TEST(capture_client, certificate_message_over_the_limit) {
    const bytes sh = server_hello12(0x0303, 0xc02f, {});
    const bytes flight = concat({record(22, sh), record(22, from_hex("0b100001 000000"))});
    const auto o = run(tls12_only(), flight);
    ASSERT_EQ(o.st, status::failed);
    EXPECT_EQ(o.error->code, error_codes::chain_too_large);
    EXPECT_EQ(o.error->detail, "the server's certificate message exceeds the 1024 KiB limit");
}

TEST(capture_client, change_cipher_spec_records_are_bounded) {
    const bytes ccs = record(20, from_hex("01"));
    EXPECT_EQ(run(modern(), concat({ccs, ccs})).st, status::want_io);
    const auto three = run(modern(), concat({ccs, ccs, ccs}));
    ASSERT_EQ(three.st, status::failed);
    EXPECT_EQ(three.error->code, error_codes::protocol_error);
    const auto bad = run(modern(), record(20, from_hex("02")));
    EXPECT_EQ(bad.error->code, error_codes::protocol_error);
    const bytes sh = server_hello12(0x0303, 0xc02f, {});
    EXPECT_EQ(run(tls12_only(), concat({record(22, sh), ccs})).st, status::fallback)
        << "TLS 1.2: an abbreviated handshake";
}

TEST(capture_client, tls12_protocol_violations) {
    const bytes unacked_status = concat({record(22, server_hello12(0x0303, 0xc02f, {})),
                                         record(22, handshake(11, certificate_body(fake_chain, false))),
                                         record(22, handshake(22, from_hex("01 000001 00")))});
    EXPECT_EQ(run(tls12_only(), unacked_status).st, status::fallback) << "CertificateStatus nobody asked for";
    const auto suite = run(tls12_only(), record(22, server_hello12(0x0303, 0x0005, {})));
    ASSERT_EQ(suite.st, status::failed);
    EXPECT_EQ(suite.error->detail, "the server chose cipher suite 0x0005, which the hello did not offer");
    const auto tls13_suite = run(tls12_only(), record(22, server_hello12(0x0303, 0x1301, {})));
    EXPECT_EQ(tls13_suite.st, status::failed);
    const auto tls13_in_tls12_probe =
        run(tls12_only(), record(22, server_hello12(0x0303, 0x1301, from_hex("002b 0002 0304"))));
    ASSERT_EQ(tls13_in_tls12_probe.st, status::failed);
    EXPECT_EQ(tls13_in_tls12_probe.error->detail, "the server chose TLS 1.3, which the hello did not offer");
    const auto empty_chain =
        run(tls12_only(),
            concat({record(22, server_hello12(0x0303, 0xc02f, {})), record(22, handshake(11, from_hex("000000")))}));
    EXPECT_EQ(empty_chain.error->detail, "the server sent an empty certificate list");
    const auto truncated = run(tls12_only(), record(22, handshake(2, from_hex("0303 0102"))));
    EXPECT_EQ(truncated.error->detail, "a malformed ServerHello");
    const auto before_hello = run(tls12_only(), record(22, handshake(11, certificate_body(fake_chain, false))));
    EXPECT_EQ(before_hello.st, status::fallback);
    EXPECT_EQ(run(tls12_only(), record(23, from_hex("00"))).st, status::fallback);
}

// TLS 1.3 through the fake server.

struct tls13_run {
    client c;
    testing::client_hello_view hello;
    testing::tls13_server server;
};

tls13_run start13(std::uint16_t suite = 0x1301, options opts = {.sni = "example.com"},
                  const hello_template& t = modern()) {
    client c(t, opts);
    auto hello = testing::read_client_hello(c.pending_output());
    c.consumed_output(c.pending_output().size());
    return {std::move(c), std::move(hello), testing::tls13_server(suite)};
}

bytes encrypted_extensions(std::string_view alpn) {
    bytes ext;
    if (!alpn.empty()) {
        put16(ext, 0x0010);
        put16(ext, 2 + 1 + alpn.size());
        put16(ext, 1 + alpn.size());
        ext.push_back(static_cast<unsigned char>(alpn.size()));
        ext.insert(ext.end(), alpn.begin(), alpn.end());
    }
    bytes body;
    put16(body, ext.size());
    append(body, ext);
    return handshake(8, body);
}

// The server's whole answer: ServerHello, a CCS, then EE, Certificate (with OCSP) and
// CertificateVerify (a dummy signature), one protected record each.
bytes tls13_flight(testing::tls13_server& server, const testing::client_hello_view& hello, std::size_t padding = 0) {
    bytes out = server.server_hello(hello);
    append(out, record(20, from_hex("01")));
    const bytes ee = encrypted_extensions("h2");
    const bytes cert = handshake(11, certificate_body(fake_chain, true, fake_ocsp));
    const bytes cv = handshake(15, from_hex("0804 0004 01020304"));
    for (const auto& m : {ee, cert, cv}) {
        server.hash(m);
        append(out, server.protect(22, m, padding));
    }
    return out;
}
bytes tls13_flight(tls13_run& r, std::size_t padding = 0) { return tls13_flight(r.server, r.hello, padding); }

TEST(capture_client, tls13_flight_for_each_suite) {
    for (const auto& [suite, name] : {std::pair<std::uint16_t, const char*>{0x1301, "TLS_AES_128_GCM_SHA256"},
                                      {0x1302, "TLS_AES_256_GCM_SHA384"},
                                      {0x1303, "TLS_CHACHA20_POLY1305_SHA256"}}) {
        auto r = start13(suite);
        ASSERT_EQ(r.c.receive(tls13_flight(r)), status::done)
            << name << " " << (r.c.error() ? r.c.error()->detail : "");
        EXPECT_EQ(r.c.result().chain, fake_chain);
        EXPECT_EQ(r.c.result().stapled_ocsp, fake_ocsp);
        EXPECT_EQ(r.c.result().protocol, "TLSv1.3");
        EXPECT_EQ(r.c.result().cipher, name);
        EXPECT_EQ(r.c.result().alpn, "h2");
        EXPECT_EQ(r.c.result().signature_scheme, 0x0804);
        EXPECT_FALSE(r.c.result().hello_retry);
        // The compatibility-mode ChangeCipherSpec, then user_canceled and close_notify
        // protected with the client's handshake keys.
        const auto out = r.c.pending_output();
        ASSERT_EQ(out.size(), 6u + 2 * (5 + 2 + 1 + 16)) << name;
        EXPECT_EQ(bytes(out.begin(), out.begin() + 6), from_hex("14 0303 0001 01"));
        const auto first = r.server.unprotect_client(out.subspan(6, 24));
        const auto second = r.server.unprotect_client(out.subspan(30, 24));
        ASSERT_TRUE(first && second) << name;
        EXPECT_EQ(first->first, 21);
        EXPECT_EQ(first->second, from_hex("015a"));
        EXPECT_EQ(second->first, 21);
        EXPECT_EQ(second->second, from_hex("0100"));
    }
}

// libssl skips empty plaintext handshake records (at most 32 in a row) until TLS 1.3 is
// chosen, so its clients connect to a server that sends one; so does the capture client.
TEST(capture_client, empty_handshake_records_before_tls13_are_skipped_a_bounded_number_of_times) {
    const bytes empty = record(22, {});
    EXPECT_EQ(run(tls12_only(), concat({empty, tls12_flight()})).st, status::done);
    EXPECT_EQ(run(modern(), concat({empty, empty, tls12_flight()})).st, status::done);
    bytes many;
    for (int i = 0; i < 33; ++i) append(many, empty);
    const auto o = run(tls12_only(), many);
    ASSERT_EQ(o.st, status::failed);
    EXPECT_EQ(o.error->detail, "more than 32 empty records");
    // An empty ChangeCipherSpec record too (libssl connects; h63).
    EXPECT_EQ(run(modern(), concat({record(20, {}), tls12_flight()})).st, status::done);
    {
        auto r = start13();
        EXPECT_EQ(r.c.receive(concat({empty, tls13_flight(r)})), status::done)
            << (r.c.error() ? r.c.error()->detail : r.c.fallback_reason());
    }
    {
        auto r = start13();
        ASSERT_EQ(r.c.receive(r.server.hello_retry_request(r.hello, 0x0017, {})), status::want_io);
        EXPECT_EQ(r.c.receive(empty), status::failed) << "TLS 1.3 is chosen: libssl refuses it too";
        EXPECT_EQ(r.c.error()->detail, "an empty handshake record");
    }
}

TEST(capture_client, x25519_share_is_reused_by_a_thread_then_renewed) {
    const auto hello = [] {
        client c(modern(), {.sni = "example.com"});
        return testing::read_client_hello(c.pending_output());
    };
    const auto first = hello();
    const auto second = hello();
    ASSERT_EQ(first.key_share.size(), 32u);
    EXPECT_EQ(second.key_share, first.key_share) << "one thread's connections share the X25519 share";
    EXPECT_NE(second.random, first.random) << "but never the random";
    EXPECT_NE(second.session_id, first.session_id);
    bytes elsewhere;
    std::thread([&] { elsewhere = hello().key_share; }).join();
    EXPECT_NE(elsewhere, first.key_share) << "another thread draws its own";
    int renewed_after = -1;
    for (int i = 0; i <= detail::key_share::x25519_reuse_limit && renewed_after < 0; ++i)
        if (hello().key_share != first.key_share) renewed_after = i;
    EXPECT_GE(renewed_after, 0) << "a share is not used for ever";
    // The renewed share decrypts a flight as the first did.
    auto r = start13();
    EXPECT_EQ(r.c.receive(tls13_flight(r)), status::done);
}

TEST(capture_client, tls13_flight_at_every_split_point_with_padding) {
    auto first = start13();
    const bytes reference = tls13_flight(first, 100);
    ASSERT_EQ(first.c.receive(reference), status::done);
    for (std::size_t cut = 0; cut <= reference.size(); cut += 3) {
        auto r = start13();
        const bytes flight = tls13_flight(r, 100);
        r.c.receive(std::span(flight).first(cut));
        ASSERT_EQ(r.c.receive(std::span(flight).subspan(cut)), status::done) << cut;
        EXPECT_EQ(r.c.result().chain, fake_chain);
    }
}

TEST(capture_client, tls13_messages_split_across_protected_records) {
    auto r = start13();
    bytes out = r.server.server_hello(r.hello);
    const bytes messages =
        concat({encrypted_extensions(""), handshake(13, from_hex("00 0000")),
                handshake(11, certificate_body(fake_chain, true)), handshake(15, from_hex("0403 0002 0102"))});
    r.server.hash(std::span(messages).first(messages.size() - 10));
    for (std::size_t at = 0; at < messages.size(); at += 5)
        append(out,
               r.server.protect(22, std::span(messages).subspan(at, std::min<std::size_t>(5, messages.size() - at))));
    ASSERT_EQ(r.c.receive(out), status::done) << (r.c.error() ? r.c.error()->detail : r.c.fallback_reason());
    EXPECT_EQ(r.c.result().alpn, "");
    EXPECT_EQ(r.c.result().signature_scheme, 0x0403);
}

TEST(capture_client, tls13_failures) {
    {
        auto r = start13();
        bytes out = r.server.server_hello(r.hello);
        append(out, r.server.protect(22, encrypted_extensions("")));
        append(out, r.server.protect(21, from_hex("0228")));
        ASSERT_EQ(r.c.receive(out), status::failed);
        EXPECT_EQ(r.c.error()->detail, "handshake failure (40)");
    }
    {
        auto r = start13();
        bytes out = r.server.server_hello(r.hello);
        append(out, r.server.protect(22, encrypted_extensions("")));
        append(out, r.server.protect(22, handshake(25, from_hex("0001 000100 0000"))));
        ASSERT_EQ(r.c.receive(out), status::fallback);
        EXPECT_EQ(r.c.fallback_reason(), "the server sent a compressed certificate (RFC 8879)");
    }
    {
        auto r = start13();
        bytes out = r.server.server_hello(r.hello);
        bytes bad = r.server.protect(22, encrypted_extensions(""));
        bad[20] ^= 1;
        append(out, bad);
        ASSERT_EQ(r.c.receive(out), status::failed);
        EXPECT_EQ(r.c.error()->detail, "a protected record does not decrypt (bad record MAC)");
    }
    {
        auto r = start13();
        ASSERT_EQ(r.c.receive(r.server.server_hello(r.hello, bytes(32, 0x55))), status::failed);
        EXPECT_EQ(r.c.error()->detail, "the ServerHello does not echo the session id");
    }
    {
        auto r = start13();
        const bytes sh = r.server.server_hello(r.hello);
        // The ServerHello and a plaintext EncryptedExtensions in one record: a key change inside a record.
        bytes joined(sh.begin() + 5, sh.end());
        append(joined, encrypted_extensions(""));
        ASSERT_EQ(r.c.receive(record(22, joined)), status::failed);
        EXPECT_EQ(r.c.error()->detail, "handshake data after the ServerHello in the same record");
    }
    {
        auto r = start13();
        bytes out = r.server.server_hello(r.hello);
        append(out, r.server.protect(22, encrypted_extensions("")));
        append(out, r.server.protect(22, handshake(11, certificate_body({}, true))));
        ASSERT_EQ(r.c.receive(out), status::failed);
        EXPECT_EQ(r.c.error()->detail, "the server sent an empty certificate list");
    }
    {
        auto r = start13();
        bytes out = r.server.server_hello(r.hello);
        append(out, r.server.protect(22, handshake(20, bytes(32, 0))));
        EXPECT_EQ(r.c.receive(out), status::fallback) << "Finished before the certificate";
    }
    {
        auto r = start13();
        bytes out = r.server.server_hello(r.hello);
        append(out, r.server.protect(22, {}, 10));
        ASSERT_EQ(r.c.receive(out), status::failed);
        EXPECT_EQ(r.c.error()->detail, "an empty handshake record");
    }
}

// A TLS 1.3 ServerHello record answering `hello` (its session id echoed) with `suite`,
// supported_versions, then `extensions`.
bytes server_hello13(const testing::client_hello_view& hello, std::uint16_t suite,
                     std::span<const unsigned char> extensions) {
    bytes body = from_hex("0303");
    append(body, bytes(32, 0x11));
    body.push_back(static_cast<unsigned char>(hello.session_id.size()));
    append(body, hello.session_id);
    put16(body, suite);
    body.push_back(0);
    bytes ext = from_hex("002b 0002 0304");
    append(ext, extensions);
    put16(body, ext.size());
    append(body, ext);
    return record(22, handshake(2, body));
}

// Each way a TLS 1.3 ServerHello gets its suite or key share wrong has its own words.
TEST(capture_client, tls13_server_hello_suite_and_key_share_problems_are_named) {
    const auto answer = [](std::uint16_t suite, const std::string& extensions) {
        auto r = start13();
        EXPECT_EQ(r.c.receive(server_hello13(r.hello, suite, from_hex(extensions))), status::failed);
        return r.c.error() ? r.c.error()->detail : r.c.fallback_reason();
    };
    const std::string x25519 = "0033 0024 001d 0020" + std::string(64, '5');
    EXPECT_EQ(answer(0xc02f, x25519),
              "the server chose TLS 1.3 with cipher suite 0xc02f, which is not a TLS 1.3 suite");
    EXPECT_EQ(answer(0x0005, x25519), "the server chose cipher suite 0x0005, which the hello did not offer");
    EXPECT_EQ(answer(0x1301, ""), "the TLS 1.3 ServerHello has no key share");
    EXPECT_EQ(answer(0x1301, "0033 0045 0017 0041 04" + std::string(128, '6')),
              "the ServerHello's key share is for group 0x0017, not the group offered (0x001d)");
    EXPECT_EQ(answer(0x1301, "0033 0004 001d 0000"), "the ServerHello's key share is empty");
}

TEST(capture_client, hello_retry_request_for_each_nist_group_with_a_cookie) {
    for (const std::uint16_t group : {std::uint16_t{0x0017}, std::uint16_t{0x0018}, std::uint16_t{0x0019}}) {
        auto r = start13(0x1302);
        const bytes cookie(300, 0xc0);
        ASSERT_EQ(r.c.receive(r.server.hello_retry_request(r.hello, group, cookie)), status::want_io)
            << (r.c.error() ? r.c.error()->detail : r.c.fallback_reason());
        const auto out = r.c.pending_output();
        ASSERT_GE(out.size(), 6u);
        EXPECT_EQ(bytes(out.begin(), out.begin() + 3), from_hex("16 0303"))
            << "the second hello at once (no ChangeCipherSpec), record version 0x0303";
        const auto second = testing::read_client_hello(out);
        EXPECT_EQ(second.key_share_group, group);
        EXPECT_EQ(second.cookie, cookie);
        EXPECT_EQ(second.random, r.hello.random);
        EXPECT_EQ(second.session_id, r.hello.session_id);
        // Identical but for key_share, cookie and padding.
        auto without = [](const testing::client_hello_view& h) {
            std::vector<std::pair<std::uint16_t, bytes>> kept;
            for (const auto& e : h.extensions)
                if (e.first != 0x0033 && e.first != 0x002c && e.first != 0x0015) kept.push_back(e);
            return kept;
        };
        EXPECT_EQ(without(second), without(r.hello));
        r.c.consumed_output(out.size());
        ASSERT_EQ(r.c.receive(tls13_flight(r.server, second)), status::done)
            << (r.c.error() ? r.c.error()->detail : r.c.fallback_reason());
        EXPECT_TRUE(r.c.result().hello_retry);
        EXPECT_EQ(r.c.result().cipher, "TLS_AES_256_GCM_SHA384");
    }
}

TEST(capture_client, hello_retry_request_problems) {
    {
        auto r = start13();
        ASSERT_EQ(r.c.receive(r.server.hello_retry_request(r.hello, 0x0100, {})), status::fallback);
        EXPECT_EQ(r.c.fallback_reason(),
                  "the server asks for key share group 0x0100, which the capture client cannot compute");
    }
    {
        auto r = start13();
        ASSERT_EQ(r.c.receive(r.server.hello_retry_request(r.hello, 0x001d, {})), status::failed);
        EXPECT_EQ(r.c.error()->detail, "the HelloRetryRequest asks for the key share already sent");
    }
    {
        auto r = start13();
        const bytes cookie = from_hex("0102");
        ASSERT_EQ(r.c.receive(r.server.hello_retry_request(r.hello, 0, cookie)), status::want_io);
        const auto second = testing::read_client_hello(r.c.pending_output());
        EXPECT_EQ(second.key_share, r.hello.key_share) << "a cookie-only retry keeps the X25519 share";
        r.c.consumed_output(r.c.pending_output().size());
        testing::tls13_server again;
        EXPECT_EQ(r.c.receive(again.hello_retry_request(second, 0x0017, {})), status::failed) << "a second retry";
    }
    {
        auto r = start13(0x1301, {.sni = "example.com"}, tls12_only());
        EXPECT_EQ(r.c.current(), status::want_io);
        EXPECT_TRUE(r.hello.key_share.empty());
    }
}

TEST(capture_client, verify_handshake_checks_the_signature) {
    const auto pki = lab::make_hierarchy(lab::key_kind::ec_p256, 1, {"localhost"});
    const auto chain = pki.served_chain();
    for (const bool good : {true, false}) {
        auto r = start13(0x1301, {.sni = "localhost", .verify_handshake = true});
        bytes out = r.server.server_hello(r.hello);
        const bytes ee = encrypted_extensions("");
        const bytes cert = handshake(11, certificate_body(chain, true));
        r.server.hash(ee);
        r.server.hash(cert);
        // A wrong key signs the bad case: the leaf's key must be the one that verifies.
        const auto signer = good ? pki.leaf.k : pki.root.k;
        const bytes cv = r.server.certificate_verify(signer.get(), 0x0403);
        for (const auto& m : {ee, cert, cv}) append(out, r.server.protect(22, m));
        const auto st = r.c.receive(out);
        if (good) {
            EXPECT_EQ(st, status::done) << (r.c.error() ? r.c.error()->detail : "");
        } else {
            ASSERT_EQ(st, status::failed);
            EXPECT_EQ(r.c.error()->code, error_codes::protocol_error);
            EXPECT_EQ(r.c.error()->detail,
                      "CertificateVerify signature (scheme 0x0403) does not verify with the leaf certificate's key");
            EXPECT_EQ(r.c.result().chain, chain) << "the chain is kept";
        }
    }
}

// What the server answers must be what the hello asked for (answer_checks.hpp): anything
// else falls back to libssl, which refuses it as every client does, instead of making a
// clean capture of a server no client can use.

// Certificate, (CertificateStatus), ServerKeyExchange when `key_exchange`, ServerHelloDone.
bytes tls12_rest(bool key_exchange = true) {
    bytes out = record(22, handshake(11, certificate_body(fake_chain, false)));
    if (key_exchange) append(out, record(22, handshake(12, from_hex("03001741 04"))));
    append(out, record(22, handshake(14, {})));
    return out;
}

TEST(capture_client_answers, a_downgrade_sentinel_falls_back_where_the_probe_offered_more) {
    using namespace std::string_literals;
    const std::string tls13_sentinel = "DOWNGRD\x01"s;
    const std::string tls12_sentinel = "DOWNGRD\x00"s;
    const auto answer = [&](std::uint16_t version, std::uint16_t suite, const std::string& tail) {
        return concat({record(22, server_hello12(version, suite, {}, tail)), tls12_rest()});
    };
    const auto modern_got = run(modern(), answer(0x0303, 0xc02f, tls13_sentinel));
    ASSERT_EQ(modern_got.st, status::fallback);
    EXPECT_EQ(modern_got.fallback,
              "the ServerHello carries the downgrade sentinel: the server supports a higher version than it chose");
    EXPECT_EQ(run(tls12_only(), answer(0x0303, 0xc02f, tls13_sentinel)).st, status::done)
        << "a TLS 1.3 server answering a TLS 1.2-only hello sets it rightly";
    EXPECT_EQ(run(tls12_only(), answer(0x0302, 0xc013, tls12_sentinel)).st, status::fallback);
    EXPECT_EQ(run(modern(), answer(0x0301, 0xc013, tls12_sentinel)).st, status::fallback);
    EXPECT_EQ(run(modern(), answer(0x0303, 0xc02f, "DOWNGRD\x02")).st, status::done);
}

TEST(capture_client_answers, versions_the_server_may_not_choose_so) {
    const auto selects12 =
        run(modern(), concat({record(22, server_hello12(0x0303, 0xc02f, from_hex("002b 0002 0303"))), tls12_rest()}));
    ASSERT_EQ(selects12.st, status::fallback);
    EXPECT_EQ(selects12.fallback, "the ServerHello's supported_versions selects 0x0303, below TLS 1.3");

    auto r = start13();
    ASSERT_EQ(r.c.receive(r.server.hello_retry_request(r.hello, 0x0017, {})), status::want_io);
    r.c.consumed_output(r.c.pending_output().size());
    EXPECT_EQ(r.c.receive(concat({record(22, server_hello12(0x0303, 0xc02f, {})), tls12_rest()})), status::fallback);
    EXPECT_EQ(r.c.fallback_reason(), "a ServerHello below TLS 1.3 after a HelloRetryRequest");

    const auto gcm_in_tls10 = run(tls12_only(), concat({record(22, server_hello12(0x0301, 0xc02f, {})), tls12_rest()}));
    ASSERT_EQ(gcm_in_tls10.st, status::fallback);
    EXPECT_EQ(gcm_in_tls10.fallback, "the server chose cipher suite 0xc02f, defined for TLS 1.2 only, with TLSv1");
}

TEST(capture_client_answers, tls12_extensions_the_hello_did_not_offer) {
    const auto with = [&](const char* extensions_hex, options opts = {.sni = "example.com"}) {
        return run(tls12_only(),
                   concat({record(22, server_hello12(0x0303, 0xc02f, from_hex(extensions_hex))), tls12_rest()}), {},
                   false, opts);
    };
    EXPECT_EQ(with("0000 0000 0017 0000 000b 0002 0100 0023 0000 0012 0000 ff01 0001 00").st, status::done)
        << "what servers answer with every day";
    const auto max_fragment = with("0001 0001 01");
    ASSERT_EQ(max_fragment.st, status::fallback);
    EXPECT_EQ(max_fragment.fallback, "the server sent extension 1 where the hello did not offer it");
    EXPECT_EQ(with("0000 0000", {.sni = ""}).st, status::fallback) << "a server_name answer to a hello without one";
    EXPECT_EQ(with("0033 0006 001d 0002 abcd").st, status::fallback) << "key_share in a TLS 1.2 ServerHello";
    const auto renegotiation = with("ff01 0002 0100");
    ASSERT_EQ(renegotiation.st, status::fallback);
    EXPECT_EQ(renegotiation.fallback, "renegotiation_info is not empty on a first handshake");
    const auto alpn = with("0010 0009 0007 06737064792f33");
    ASSERT_EQ(alpn.st, status::fallback);
    EXPECT_EQ(alpn.fallback, "the server selected an ALPN protocol the hello did not offer");
    EXPECT_EQ(with("0000 0001 00").st, status::failed) << "a server_name answer with content is malformed";
}

TEST(capture_client_answers, tls12_key_exchange_messages_follow_the_suite) {
    const auto ecdhe_without =
        run(tls12_only(), concat({record(22, server_hello12(0x0303, 0xc02f, {})), tls12_rest(false)}));
    ASSERT_EQ(ecdhe_without.st, status::fallback);
    EXPECT_EQ(ecdhe_without.fallback, "ServerHelloDone without the ServerKeyExchange its (EC)DHE suite needs");
    const auto rsa_with = run(tls12_only(), concat({record(22, server_hello12(0x0303, 0x009c, {})), tls12_rest(true)}));
    ASSERT_EQ(rsa_with.st, status::fallback);
    EXPECT_EQ(rsa_with.fallback, "a ServerKeyExchange under RSA key exchange");
    EXPECT_EQ(run(tls12_only(), concat({record(22, server_hello12(0x0303, 0x009c, {})), tls12_rest(false)})).st,
              status::done);
}

TEST(capture_client_answers, change_cipher_spec_where_no_handshake_has_one) {
    const bytes ccs = record(20, from_hex("01"));
    const auto before = run(tls12_only(), concat({ccs, record(22, server_hello12(0x0303, 0xc02f, {})), tls12_rest()}));
    ASSERT_EQ(before.st, status::fallback);
    EXPECT_EQ(before.fallback, "a ChangeCipherSpec before a ServerHello below TLS 1.3");
    // The ServerHello split over two records with a ChangeCipherSpec between them.
    const bytes sh = server_hello12(0x0303, 0xc02f, {});
    const bytes head(sh.begin(), sh.begin() + 10);
    const bytes rest(sh.begin() + 10, sh.end());
    const auto inside = run(modern(), concat({record(22, head), ccs, record(22, rest)}));
    ASSERT_EQ(inside.st, status::fallback);
    EXPECT_EQ(inside.fallback, "a ChangeCipherSpec inside a handshake message");
}

// EncryptedExtensions and Certificate of the TLS 1.3 flight as given, then a CertificateVerify.
status tls13_answer(tls13_run& r, const bytes& ee, const bytes& cert) {
    bytes out = r.server.server_hello(r.hello);
    for (const auto& m : {ee, cert, handshake(15, from_hex("0804 0004 01020304"))}) {
        r.server.hash(m);
        append(out, r.server.protect(22, m));
    }
    return r.c.receive(out);
}

TEST(capture_client_answers, tls13_extensions_the_hello_did_not_offer) {
    const bytes cert = handshake(11, certificate_body(fake_chain, true, fake_ocsp));
    {
        auto r = start13();
        EXPECT_EQ(tls13_answer(r, handshake(8, from_hex("000c 000a 0004 0002 0017 0000 0000")), cert), status::done)
            << "supported_groups and a server_name answer may be there";
    }
    {
        auto r = start13();
        ASSERT_EQ(tls13_answer(r, handshake(8, from_hex("0006 0033 0002 001d")), cert), status::fallback);
        EXPECT_EQ(r.c.fallback_reason(), "the server sent extension 51 where the hello did not offer it");
    }
    {
        auto r = start13();
        EXPECT_EQ(tls13_answer(r, encrypted_extensions("spdy/3"), cert), status::fallback);
        EXPECT_EQ(r.c.fallback_reason(), "the server selected an ALPN protocol the hello did not offer");
    }
    {
        auto r = start13();
        EXPECT_EQ(tls13_answer(r, handshake(8, from_hex("000c 000a 0002 0017 000a 0002 0018")), cert), status::failed)
            << "one extension twice is malformed";
    }
    {
        auto r = start13();
        // The leaf's entry carries max_fragment_length.
        const bytes odd = handshake(11, from_hex("00 00000f 000005 3003020101 0005 0001 0001 00"));
        EXPECT_EQ(tls13_answer(r, encrypted_extensions(""), odd), status::fallback);
        EXPECT_EQ(r.c.fallback_reason(), "the server sent extension 1 where the hello did not offer it");
    }
    {
        auto r = start13();
        const bytes twice = handshake(11, from_hex("00 000024 000005 3003020101 001a 0005 0009 01 000005 30030a0100 "
                                                   "0005 0009 01 000005 30030a0100"));
        EXPECT_EQ(tls13_answer(r, encrypted_extensions(""), twice), status::failed) << "status_request twice";
    }
}

TEST(capture_client_answers, where_each_extension_may_be) {
    using detail::answered_in;
    using detail::unsolicited_extension;
    const std::vector<std::uint16_t> sh13{0x002b, 0x0033};
    EXPECT_FALSE(unsolicited_extension(answered_in::tls13_server_hello, sh13, true));
    const std::vector<std::uint16_t> early_data{0x002b, 0x0033, 0x002a};
    EXPECT_EQ(unsolicited_extension(answered_in::tls13_server_hello, early_data, true), 0x002a);
    const std::vector<std::uint16_t> cookie{0x002c};
    EXPECT_EQ(unsolicited_extension(answered_in::tls13_server_hello, cookie, true), 0x002c);
    EXPECT_FALSE(unsolicited_extension(answered_in::hello_retry_request, cookie, true));
    const std::vector<std::uint16_t> status{0x0005};
    EXPECT_EQ(unsolicited_extension(answered_in::encrypted_extensions, status, true), 0x0005);
    EXPECT_FALSE(unsolicited_extension(answered_in::certificate_entry, status, true));
}

}  // namespace
}  // namespace tlsaudit::capture_engine
