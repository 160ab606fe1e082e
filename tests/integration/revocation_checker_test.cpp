// revocation::checker against a real loopback OCSP responder and CRL server (issue 4):
// one behaviour per test, statuses and server-side counters checked.

#include "revocation_support.hpp"

#include <tlsaudit/audit.hpp>
#include <tlsaudit/lab/tls_server.hpp>

#include <fmt/format.h>

#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace tlsaudit::testing {
namespace {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

revocation_status leaf_status(const revocation::chain_status& s) {
    if (s.empty() || !s[0]) throw std::runtime_error("leaf not checked");
    return *s[0];
}

TEST(revocation_checker, good_via_live_ocsp) {
    revocation_lab lab;
    const auto leaf = lab.leaf(true, false);
    revocation::checker c(quick_options(lab));
    const auto status = check_now(c, lab.request_for(leaf));
    ASSERT_EQ(status.size(), 2u);
    EXPECT_EQ(leaf_status(status).state, "good") << leaf_status(status).reason;
    EXPECT_EQ(leaf_status(status).source, "ocsp");
    EXPECT_FALSE(status[1]);  // depth leaf: the intermediate is not checked
    EXPECT_EQ(lab.responder.request_count(), 1u);
    EXPECT_EQ(lab.responder.request_count(lab::serial_of(leaf.der)), 1u);
}

TEST(revocation_checker, post_is_used_when_get_is_off) {
    revocation_lab lab;
    const auto leaf = lab.leaf(true, false);
    lab.responder.set(lab::serial_of(leaf.der), {lab::cert_state::revoked, 4, {}});
    auto o = quick_options(lab);
    o.ocsp_get = false;
    revocation::checker c(o);
    const auto s = leaf_status(check_now(c, lab.request_for(leaf)));
    EXPECT_EQ(s.state, "revoked") << s.reason;
    EXPECT_EQ(s.reason, "superseded");
    EXPECT_EQ(lab.responder.request_count(), 1u);
}

TEST(revocation_checker, revoked_key_compromise_via_ocsp) {
    revocation_lab lab;
    const auto leaf = lab.leaf(true, true);
    const time_point when = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()) - 72h;
    lab.responder.set(lab::serial_of(leaf.der), {lab::cert_state::revoked, 1, when});
    revocation::checker c(quick_options(lab));
    const auto status = check_now(c, lab.request_for(leaf));
    const auto& s = leaf_status(status);
    EXPECT_EQ(s.state, "revoked");
    EXPECT_EQ(s.source, "ocsp");
    EXPECT_EQ(s.reason, "keyCompromise");
    ASSERT_TRUE(s.revoked_at);
    EXPECT_EQ(*s.revoked_at, when);
    EXPECT_EQ(lab.crl_server.request_count(), 0u);  // OCSP answered: no CRL download

    std::vector<parsed_cert> certs(2);
    const auto findings = audit::audit_revocation(status, certs, false, audit::catalogue{});
    ASSERT_EQ(findings.size(), 1u);
    EXPECT_EQ(findings[0].id, "leaf-revoked");
    EXPECT_EQ(findings[0].level, severity::critical);
}

// A hostile endpoint serves a copy of another endpoint's leaf (its issuer and serial) that
// names a responder nobody may reach. Its failure must not answer for the real leaf, which
// is asked at its own responder and found revoked; and a certificate naming many
// responders asks the first 4 only.
TEST(revocation_checker, a_forged_copy_naming_other_responders_cannot_hide_a_revocation) {
    revocation_lab lab;
    const auto leaf = lab.leaf(true, false);
    const auto serial = lab::serial_of(leaf.der);
    lab.responder.set(serial, {lab::cert_state::revoked, 1,
                               std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()) - 72h});
    lab::cert_spec forged_spec = lab::leaf_spec("leaf.lab.test");
    forged_spec.serial = serial;
    forged_spec.ocsp_url = "http://10.6.6.6/";
    const auto forged = lab::issue(lab.ca(), forged_spec, lab::lab_key(lab::key_kind::ec_p256, 80));
    revocation::checker c(quick_options(lab));
    const auto& hostile = leaf_status(check_now(c, lab.request_for(forged)));
    EXPECT_EQ(hostile.state, "unknown");
    EXPECT_NE(hostile.reason.find("10.6.6.6"), std::string::npos) << hostile.reason;
    const auto& real = leaf_status(check_now(c, lab.request_for(leaf)));
    EXPECT_EQ(real.state, "revoked") << real.reason;
    EXPECT_EQ(lab.responder.request_count(), 1u);
}

TEST(revocation_checker, revoked_via_crl_only) {
    revocation_lab lab;
    const auto leaf = lab.leaf(false, true);
    lab.publish_crl(crl_listing(lab::serial_of(leaf.der), 1));
    revocation::checker c(quick_options(lab));
    const auto& s = leaf_status(check_now(c, lab.request_for(leaf)));
    EXPECT_EQ(s.state, "revoked") << s.reason;
    EXPECT_EQ(s.source, "crl");
    EXPECT_EQ(s.reason, "keyCompromise");
    EXPECT_EQ(lab.crl_server.request_count(lab.crl_path), 1u);
    EXPECT_EQ(lab.responder.request_count(), 0u);
}

TEST(revocation_checker, crl_first_order_skips_ocsp) {
    revocation_lab lab;
    const auto leaf = lab.leaf(true, true);
    lab.publish_crl({});
    auto o = quick_options(lab);
    o.order = *revocation::parse_order("crl,ocsp");
    revocation::checker c(o);
    const auto& s = leaf_status(check_now(c, lab.request_for(leaf)));
    EXPECT_EQ(s.state, "good");
    EXPECT_EQ(s.source, "crl");
    EXPECT_EQ(lab.responder.request_count(), 0u);
}

TEST(revocation_checker, stapled_revoked_needs_no_request) {
    revocation_lab lab;
    const auto leaf = lab.leaf(true, true);
    const bytes stapled = lab::make_ocsp_response_for(lab.ca(), leaf.der, {lab::cert_state::revoked, 1, {}});
    revocation::checker c(quick_options(lab));
    const auto& s = leaf_status(check_now(c, lab.request_for(leaf, stapled)));
    EXPECT_EQ(s.state, "revoked");
    EXPECT_EQ(s.source, "stapled");
    EXPECT_EQ(s.reason, "keyCompromise");
    EXPECT_EQ(lab.responder.request_count(), 0u);
    EXPECT_EQ(c.stats().stapled_used, 1u);
}

TEST(revocation_checker, stapled_with_wrong_key_falls_back_to_live_ocsp) {
    revocation_lab lab;
    const auto leaf = lab.leaf(true, false);
    lab::ocsp_response_options forged;
    forged.signer = lab::make_impostor(lab.ca(), lab::lab_key(lab::key_kind::ec_p256, 78));
    // The forgery says "good"; the real responder says revoked.
    const bytes stapled = lab::make_ocsp_response_for(lab.ca(), leaf.der, {}, forged);
    lab.responder.set(lab::serial_of(leaf.der), {lab::cert_state::revoked, 1, {}});
    revocation::checker c(quick_options(lab));
    const auto& s = leaf_status(check_now(c, lab.request_for(leaf, stapled)));
    EXPECT_EQ(s.state, "revoked");
    EXPECT_EQ(s.source, "ocsp");
    EXPECT_NE(s.staple_rejected.find("signature"), std::string::npos) << s.staple_rejected;
    EXPECT_EQ(c.stats().stapled_rejected, 1u);
    EXPECT_EQ(lab.responder.request_count(), 1u);
}

// An expired staple (a stale ssl_stapling_file) and another certificate's staple (left
// after a reissue) are rejected and said, though the live responder answers "good": the
// audit raises ocsp-staple-unusable for them.
TEST(revocation_checker, an_unusable_staple_is_said_when_the_responder_answers) {
    revocation_lab lab;
    const auto leaf = lab.leaf(true, false);
    const auto old_leaf = lab.leaf(true, false);
    const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    lab::ocsp_response_options expired;
    expired.this_update = now - 30 * 24h;
    expired.next_update = now - 20 * 24h;
    const std::vector<std::pair<bytes, std::string>> staples{
        {lab::make_ocsp_response_for(lab.ca(), leaf.der, {}, expired), "stale"},
        {lab::make_ocsp_response_for(lab.ca(), old_leaf.der, {lab::cert_state::revoked, 1, {}}), "certificate"},
    };
    for (const auto& [stapled, said] : staples) {
        revocation::checker c(quick_options(lab));
        const auto& s = leaf_status(check_now(c, lab.request_for(leaf, stapled)));
        EXPECT_EQ(s.state, "good") << said;
        EXPECT_EQ(s.source, "ocsp") << said;
        EXPECT_NE(s.staple_rejected.find(said), std::string::npos) << s.staple_rejected;
        const std::vector<std::optional<revocation_status>> statuses{s};
        const auto findings = audit::audit_revocation(statuses, {}, false, audit::default_catalogue());
        ASSERT_EQ(findings.size(), 1u) << said;
        EXPECT_EQ(findings[0].id, "ocsp-staple-unusable");
        EXPECT_EQ(findings[0].level, severity::medium);
        EXPECT_NE(findings[0].message.find("the CA's OCSP responder says it is good"), std::string::npos)
            << findings[0].message;
    }
}

// A served impostor of the leaf's CA (its subject and key identifier, its own key) cannot
// vouch for a stapled "good" it signed itself: the issuer is the certificate whose key
// verifies the leaf, here the genuine CA from the built path.
TEST(revocation_checker, a_served_impostor_of_the_issuer_cannot_staple_good) {
    revocation_lab lab;
    const auto leaf = lab.leaf(true, false);
    lab::cert_spec spec;
    const unsigned char* p = lab.ca().der.data();
    const std::unique_ptr<X509, decltype(&X509_free)> genuine(d2i_X509(nullptr, &p, long(lab.ca().der.size())),
                                                              X509_free);
    ASSERT_TRUE(genuine);
    unsigned char* name = nullptr;
    const int name_length = i2d_X509_NAME(X509_get_subject_name(genuine.get()), &name);
    ASSERT_GT(name_length, 0);
    spec.raw_subject_der.assign(name, name + name_length);
    OPENSSL_free(name);
    const ASN1_OCTET_STRING* key_id = X509_get0_subject_key_id(genuine.get());
    ASSERT_NE(key_id, nullptr);
    bytes ski{0x04, static_cast<unsigned char>(ASN1_STRING_length(key_id))};
    ski.insert(ski.end(), ASN1_STRING_get0_data(key_id), ASN1_STRING_get0_data(key_id) + ASN1_STRING_length(key_id));
    spec.is_ca = true;
    spec.key_identifiers = false;
    spec.extra_extensions.push_back({"2.5.29.14", ski, false});
    const auto impostor = lab::make_self_signed(spec, lab::lab_key(lab::key_kind::ec_p256, 78));
    const bytes stapled = lab::make_ocsp_response_for(impostor, leaf.der, {});  // "good"
    lab.responder.set(lab::serial_of(leaf.der), {lab::cert_state::revoked, 1, {}});

    revocation::checker c(quick_options(lab));
    const revocation::request req{{leaf.der, impostor.der}, stapled, {lab.ca().der}, {}};
    const auto& s = leaf_status(check_now(c, req));
    EXPECT_EQ(s.state, "revoked") << s.reason;
    EXPECT_EQ(s.source, "ocsp");
    EXPECT_EQ(lab.responder.request_count(), 1u);
}

TEST(revocation_checker, expired_ocsp_response_is_stale) {
    revocation_lab lab;
    const auto leaf = lab.leaf(true, false);
    const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    lab::ocsp_response_options expired;
    expired.this_update = now - 72h;
    expired.next_update = now - 24h;
    lab.responder.set_options(expired);
    revocation::checker c(quick_options(lab));
    const auto& s = leaf_status(check_now(c, lab.request_for(leaf)));
    EXPECT_EQ(s.state, "unknown");
    EXPECT_NE(s.reason.find("stale OCSP response"), std::string::npos) << s.reason;
    EXPECT_NE(s.reason.find("crl: no CRL distribution point"), std::string::npos) << s.reason;
}

TEST(revocation_checker, responder_down_is_unknown_and_the_scan_goes_on) {
    revocation_lab lab;
    lab::cert_spec spec = lab::leaf_spec("down.lab.test");
    const lab::closed_port closed;
    spec.ocsp_url = fmt::format("http://127.0.0.1:{}/ocsp", closed.port());
    const auto down = lab::issue(lab.ca(), spec, lab::lab_key(lab::key_kind::ec_p256, 79));
    const auto fine = lab.leaf(true, false);

    auto o = quick_options(lab);
    o.fetch.allow.push_back(fmt::format("127.0.0.1:{}", closed.port()));  // allowed, but nobody listens
    revocation::checker c(o);
    std::promise<revocation::chain_status> first, second;
    c.check(lab.request_for(down), [&](revocation::chain_status s) { first.set_value(std::move(s)); });
    c.check(lab.request_for(fine), [&](revocation::chain_status s) { second.set_value(std::move(s)); });
    auto f1 = first.get_future();
    auto f2 = second.get_future();
    ASSERT_EQ(f1.wait_for(30s), std::future_status::ready);
    ASSERT_EQ(f2.wait_for(30s), std::future_status::ready);
    const auto s1 = f1.get();
    const auto s2 = f2.get();
    EXPECT_EQ(leaf_status(s1).state, "unknown");
    EXPECT_NE(leaf_status(s1).reason.find("cannot connect"), std::string::npos) << leaf_status(s1).reason;
    EXPECT_EQ(leaf_status(s2).state, "good");

    // With a CRL as well, an unreachable responder only costs the fallback.
    spec.crl_url = lab.crl_server.url(lab.crl_path);
    spec.common_name = "down-with-crl.lab.test";
    const auto with_crl = lab::issue(lab.ca(), spec, lab::lab_key(lab::key_kind::ec_p256, 79));
    lab.publish_crl({});
    const auto& s3 = leaf_status(check_now(c, lab.request_for(with_crl)));
    EXPECT_EQ(s3.state, "good");
    EXPECT_EQ(s3.source, "crl");
}

TEST(revocation_checker, stalling_responder_is_unknown_within_the_deadline) {
    revocation_lab lab;
    lab.responder.set_mode(lab::responder_mode::stall);
    const auto leaf = lab.leaf(true, false);
    auto o = quick_options(lab);
    o.request_timeout = 500ms;
    revocation::checker c(o);
    const auto start = clock_type::now();
    const auto& s = leaf_status(check_now(c, lab.request_for(leaf)));
    const auto elapsed = clock_type::now() - start;
    EXPECT_EQ(s.state, "unknown");
    EXPECT_NE(s.reason.find("timeout after 500 ms"), std::string::npos) << s.reason;
    EXPECT_GE(elapsed, 450ms);
    EXPECT_LT(elapsed, 5s);
    EXPECT_EQ(lab.responder.request_count(), 1u);
}

// A body that keeps coming, steadily, is cut at the deadline too (every read completing in
// time must not keep the exchange alive), and redirects share the one deadline.
TEST(revocation_checker, a_steady_slow_body_is_cut_at_the_deadline) {
    revocation_lab lab;
    const auto leaf = lab.leaf(false, true);
    auto o = quick_options(lab);
    o.request_timeout = 800ms;
    o.crl_max_bytes = 1ull << 30;
    lab::http_reply slow;
    slow.filler_bytes = 256ull << 20;
    slow.filler_interval = 20ms;  // 64 KiB every 20 ms: 3.2 MB/s for over a minute
    lab.crl_server.route(lab.crl_path, slow);
    revocation::checker c(o);
    const auto start = clock_type::now();
    const auto& s = leaf_status(check_now(c, lab.request_for(leaf)));
    const auto elapsed = clock_type::now() - start;
    EXPECT_EQ(s.state, "unknown");
    EXPECT_NE(s.reason.find("timeout after 800 ms"), std::string::npos) << s.reason;
    EXPECT_LT(elapsed, 3s);
}

// A name server that never answers: every lookup of a URL's name ends at its request's
// deadline, and fetches to other hosts (here an IP literal) are not held behind it (the
// blocking getaddrinfo of Asio's resolver held every fetch of the checker for 50 s).
TEST(revocation_checker, a_silent_name_server_holds_up_only_its_own_lookups) {
    revocation_lab lab;
    const int silent = ::socket(AF_INET, SOCK_DGRAM, 0);
    ASSERT_GE(silent, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::bind(silent, reinterpret_cast<const sockaddr*>(&address), sizeof address), 0);
    socklen_t length = sizeof address;
    ASSERT_EQ(::getsockname(silent, reinterpret_cast<sockaddr*>(&address), &length), 0);

    lab::cert_spec spec = lab::leaf_spec("named.lab.test");
    spec.ocsp_url = "http://ocsp.silent.test/";
    const auto named = lab::issue(lab.ca(), spec, lab::lab_key(lab::key_kind::ec_p256, 79));
    std::vector<lab::credential> fine;
    for (int i = 0; i < 3; ++i) fine.push_back(lab.leaf(true, false, {}, fmt::format("fine{}.lab.test", i)));

    auto o = quick_options(lab);
    o.request_timeout = 1500ms;
    o.resolver = fmt::format("127.0.0.1:{}", ntohs(address.sin_port));
    revocation::checker c(o);
    const auto start = clock_type::now();
    std::vector<std::promise<revocation::chain_status>> done(4);
    c.check(lab.request_for(named), [&](revocation::chain_status s) { done[0].set_value(std::move(s)); });
    for (std::size_t i = 0; i < fine.size(); ++i)
        c.check(lab.request_for(fine[i]), [&, i](revocation::chain_status s) { done[i + 1].set_value(std::move(s)); });
    std::vector<revocation::chain_status> status;
    for (auto& d : done) {
        auto f = d.get_future();
        ASSERT_EQ(f.wait_for(30s), std::future_status::ready);
        status.push_back(f.get());
    }
    const auto elapsed = clock_type::now() - start;
    ::close(silent);
    EXPECT_EQ(leaf_status(status[0]).state, "unknown");
    EXPECT_NE(leaf_status(status[0]).reason.find("timeout after 1500 ms"), std::string::npos)
        << leaf_status(status[0]).reason;
    for (std::size_t i = 1; i < status.size(); ++i)
        EXPECT_EQ(leaf_status(status[i]).state, "good") << leaf_status(status[i]).reason;
    EXPECT_LT(elapsed, 10s) << "one deadline, not one per queued lookup";
    EXPECT_EQ(lab.responder.request_count(), 3u);
}

// Interim answers (100 Continue, 103 Early Hints) before the CRL are skipped (RFC 9110 15.2):
// the status was read from the first, "HTTP 100".
TEST(revocation_checker, interim_responses_before_the_answer_are_skipped) {
    revocation_lab lab;
    const auto leaf = lab.leaf(false, true);
    lab::http_reply reply;
    reply.content_type = "application/pkix-crl";
    reply.body = lab::make_crl(lab.ca(), crl_listing(lab::serial_of(leaf.der)));
    reply.interim = {100, 103};
    lab.crl_server.route(lab.crl_path, reply);
    revocation::checker c(quick_options(lab));
    const auto& s = leaf_status(check_now(c, lab.request_for(leaf)));
    EXPECT_EQ(s.state, "revoked") << s.reason;
    EXPECT_EQ(s.source, "crl");
}

TEST(revocation_checker, crl_over_the_limit_is_refused_early) {
    revocation_lab lab;
    const auto leaf = lab.leaf(false, true);
    auto o = quick_options(lab);
    o.crl_max_bytes = 64 * 1024;
    o.request_timeout = 10s;
    // 1 GiB announced by Content-Length: refused after the header.
    lab::http_reply huge;
    huge.filler_bytes = 1ull << 30;
    lab.crl_server.route(lab.crl_path, huge);
    {
        revocation::checker c(o);
        const auto start = clock_type::now();
        const auto& s = leaf_status(check_now(c, lab.request_for(leaf)));
        EXPECT_EQ(s.state, "unknown");
        EXPECT_NE(s.reason.find("Content-Length exceeds the limit of 65536 bytes"), std::string::npos) << s.reason;
        EXPECT_LT(clock_type::now() - start, 5s);
    }
    // Same size without Content-Length: cut off while reading the body.
    huge.send_content_length = false;
    lab.crl_server.route(lab.crl_path, huge);
    {
        revocation::checker c(o);
        const auto& s = leaf_status(check_now(c, lab.request_for(leaf)));
        EXPECT_EQ(s.state, "unknown");
        EXPECT_NE(s.reason.find("body exceeds the limit of 65536 bytes"), std::string::npos) << s.reason;
    }
    // Far less than the 2 GiB offered was ever written (socket buffers hold a few MiB).
    EXPECT_LT(lab.crl_server.body_bytes_sent(), 64ull << 20);
}

TEST(revocation_checker, crl_serial_sharing_leading_bytes_is_not_revoked) {
    revocation_lab lab;
    const auto leaf = lab.leaf(false, true, bytes{0x00, 0xA1, 0x05}, "short-serial.lab.test");
    lab::crl_options options;
    for (const bytes& s : {bytes{0xA1}, bytes{0xA1, 0x05, 0x00}, bytes{0x0A, 0x10, 0x50}, bytes{0x01, 0xA1, 0x05}})
        options.revoked.push_back({s, lab::revocation_entry{lab::cert_state::revoked, 1, {}}});
    lab.publish_crl(options);
    revocation::checker c(quick_options(lab));
    const auto& s = leaf_status(check_now(c, lab.request_for(leaf)));
    EXPECT_EQ(s.state, "good") << s.reason;
    EXPECT_EQ(s.source, "crl");
}

TEST(revocation_checker, issuer_not_served_is_unknown) {
    revocation_lab lab;
    const auto leaf = lab.leaf(true, true);
    revocation::checker c(quick_options(lab));
    const auto status = check_now(c, revocation::request{{leaf.der}, {}, {}, {}});
    EXPECT_EQ(leaf_status(status).state, "unknown");
    EXPECT_EQ(leaf_status(status).reason, "issuer not served");
    // A built path can supply it.
    const auto supplied = check_now(c, revocation::request{{leaf.der}, {}, {lab.ca().der}, {}});
    EXPECT_EQ(leaf_status(supplied).state, "good");
}

// A self-signed leaf has no issuer to revoke it, whatever its keyUsage: as OpenSSL's
// verification (and so the audit's self-signed finding) judges it, not by whether the
// certificate could issue itself (which wants keyCertSign). No status, as for a root.
TEST(revocation_checker, a_self_signed_leaf_without_key_cert_sign_has_no_status) {
    revocation_lab lab;
    const auto self = lab::make_self_signed(lab::leaf_spec("self.lab.test"), lab::lab_key(lab::key_kind::ec_p256, 81));
    const unsigned char* p = self.der.data();
    const std::unique_ptr<X509, decltype(&X509_free)> cert(d2i_X509(nullptr, &p, static_cast<long>(self.der.size())),
                                                           &X509_free);
    ASSERT_TRUE(cert);
    ASSERT_EQ(X509_check_issued(cert.get(), cert.get()), X509_V_ERR_KEYUSAGE_NO_CERTSIGN)
        << "the case under test: it cannot issue itself";
    revocation::checker c(quick_options(lab));
    const auto status = check_now(c, revocation::request{{self.der}, {}, {}, {}});
    ASSERT_EQ(status.size(), 1u);
    EXPECT_FALSE(status[0]) << status[0]->state << ": " << status[0]->reason;
}

TEST(revocation_checker, depth_all_checks_served_intermediates) {
    revocation_lab lab;
    // root -> intermediate (listed on the root's CRL) -> leaf; the server sends all three.
    lab::cert_spec ca_spec = lab::ca_spec("revoked intermediate");
    ca_spec.crl_url = lab.crl_server.url("/root.crl");
    const auto intermediate = lab::issue(lab.h.root, ca_spec, lab::lab_key(lab::key_kind::ec_p256, 77));
    lab::cert_spec leaf_spec = lab::leaf_spec("deep.lab.test");
    leaf_spec.ocsp_url = lab.responder.url();
    const auto leaf = lab::issue(intermediate, leaf_spec, lab::lab_key(lab::key_kind::ec_p256, 79));
    lab::http_reply crl;
    crl.body = lab::make_crl(lab.h.root, crl_listing(lab::serial_of(intermediate.der), 2));
    lab.crl_server.route("/root.crl", crl);

    auto o = quick_options(lab);
    o.depth = revocation::depth::all;
    revocation::checker c(o);
    const auto status = check_now(c, revocation::request{{leaf.der, intermediate.der, lab.h.root.der}, {}, {}, {}});
    ASSERT_EQ(status.size(), 3u);
    // The lab responder answers for another CA: "unknown" for this leaf.
    ASSERT_TRUE(status[0]);
    EXPECT_EQ(status[0]->state, "unknown");
    ASSERT_TRUE(status[1]);
    EXPECT_EQ(status[1]->state, "revoked");
    EXPECT_EQ(status[1]->reason, "cACompromise");
    EXPECT_EQ(status[1]->source, "crl");
    EXPECT_FALSE(status[2]);  // self-signed root: nothing to ask

    std::vector<parsed_cert> certs(3);
    const auto findings = audit::audit_revocation(status, certs, true, audit::catalogue{});
    ASSERT_EQ(findings.size(), 2u);
    EXPECT_EQ(findings[0].id, "revocation-unknown");
    EXPECT_EQ(findings[0].level, severity::high);
    EXPECT_EQ(findings[1].id, "leaf-revoked");
    EXPECT_EQ(findings[1].cert->position, 1);
}

TEST(revocation_checker, callback_exception_is_rethrown_by_drain) {
    revocation_lab lab;
    const auto leaf = lab.leaf(false, false);  // nothing to ask: completes without I/O
    revocation::checker c(quick_options(lab));
    c.check(lab.request_for(leaf), [](revocation::chain_status) { throw std::runtime_error("disk full"); });
    EXPECT_THROW(c.drain(), std::runtime_error);
    c.drain();  // reported once
    EXPECT_EQ(c.stats().checks, 1u);
}

}  // namespace
}  // namespace tlsaudit::testing
