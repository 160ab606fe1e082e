// Every distrust event of the catalogue on lab leaves "under" the real roots (the root's
// name and key identifier, a lab signature), just before and just after each cut-off,
// with and without an embedded SCT list: the verdict of the program concerned is exact.
// The path is built by OpenSSL with the real root as the only anchor, as a scan builds it.

#include <tlsaudit/audit.hpp>
#include <tlsaudit/lab/pki.hpp>
#include <tlsaudit/lab/real_certs.hpp>
#include <tlsaudit/program_trust.hpp>
#include <tlsaudit/trust.hpp>
#include <tlsaudit/x509.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <limits>
#include <optional>

namespace tlsaudit {
namespace {

using std::chrono::days;
using std::chrono::milliseconds;
using std::chrono::seconds;

time_point at(const char* text) { return *audit::parse_time(text); }

struct judged {
    program_trust trust;
    std::vector<finding> findings;
    std::optional<std::chrono::sys_time<std::chrono::milliseconds>> earliest_sct;  // as scanner/x509 read it back

    const program_verdict& of(const std::string& program) const {
        for (const auto& v : trust.verdicts)
            if (v.program == program) return v;
        throw std::invalid_argument(program);
    }
};

// A leaf issued at `not_before` under the real root `stem`, with SCTs at `scts`, judged at
// `when` (the leaf's notBefore + 1 day unless given).
judged judge_under(const char* stem, time_point not_before,
                   std::vector<std::chrono::sys_time<std::chrono::milliseconds>> scts = {},
                   std::optional<time_point> when = std::nullopt, bool forged = false) {
    const bytes root = lab::real_cert(stem).front();
    lab::cert_spec spec = lab::leaf_spec("shop.example");
    spec.not_before = not_before;
    spec.not_after = not_before + days(90);
    if (!scts.empty()) spec.extra_extensions.push_back(lab::sct_list_extension(scts));
    // OpenSSL only takes the root as the issuer when the signature's key type matches its key.
    std::string ignored;
    const auto root_info = x509::parse_certificate(root, ignored);
    const auto signer = root_info && root_info->key_type == "EC" ? lab::key_kind::ec_p256 : lab::key_kind::rsa_2048;
    const auto leaf =
        lab::issue_under_name(root, lab::lab_key(signer, 7), spec, lab::lab_key(lab::key_kind::ec_p256, 7));
    const time_point t = when.value_or(not_before + days(1));

    x509::trust_options o;
    o.system_default = false;
    o.extra_roots = {root};
    const x509::trust_store store(o);
    const std::vector<bytes> served{leaf.der};
    auto verdict = store.verify(served, t);
    // The lab cannot sign with the real root's key: the one signature error is left out, so
    // the path reads as the CA's own leaf would (a path that does not verify is untrusted
    // by every program, whatever its anchor).
    if (!forged)
        std::erase_if(verdict.errors, [](const verify_error& e) { return e.problem == verify_problem::bad_signature; });
    std::vector<parsed_cert> certs(1);
    certs[0].info = x509::parse_certificate(leaf.der, certs[0].error);
    if (!certs[0].info) throw std::runtime_error(certs[0].error);
    if (verdict.path.size() != 2)
        throw std::runtime_error(std::string(stem) + ": the path has " + std::to_string(verdict.path.size()) +
                                 " certificates, not 2");

    audit::chain_input in{served, certs, "shop.example", t, &verdict, {}};
    return {audit::judge_programs(in, audit::default_catalogue()),
            audit::audit_chain(in, audit::default_catalogue(), {}), certs[0].info->earliest_sct};
}

struct dated_event {
    const char* root;
    const char* program;  // the verdict concerned
    const char* cut_off;  // the last second still trusted
    const char* rule;
};

TEST(program_events, each_dated_cut_off_by_not_before) {
    for (const dated_event e : {
             dated_event{"epki-root-certification-authority", "chrome-constraints", "2025-07-31T23:59:59Z",
                         "chunghwa-netlock-chrome-2025"},
             dated_event{"hipki-root-ca-g1", "chrome-constraints", "2025-07-31T23:59:59Z",
                         "chunghwa-netlock-chrome-2025"},
             dated_event{"netlock-arany-class-gold", "chrome-constraints", "2025-07-31T23:59:59Z",
                         "chunghwa-netlock-chrome-2025"},
             dated_event{"globaltrust-2020", "chrome-constraints", "2024-06-30T23:59:59Z", "globaltrust-2020-distrust"},
             dated_event{"epki-root-certification-authority", "mozilla", "2025-04-15T23:59:59Z",
                         "epki-mozilla-sunset-2025"},
             dated_event{"izenpe-com", "mozilla", "2026-04-15T23:59:59Z", "izenpe-mozilla-2026"},
             dated_event{"globaltrust-2020", "mozilla", "2024-06-30T23:59:59Z", "globaltrust-2020-distrust"},
             dated_event{"trustcor-rootcert-ca-1", "mozilla", "2022-11-30T23:59:59Z", "trustcor-distrust"},
             dated_event{"startcom-certification-authority", "mozilla", "2016-10-21T23:59:59Z",
                         "wosign-startcom-distrust"},
         }) {
        SCOPED_TRACE(std::string(e.root) + " / " + e.program);
        const time_point cut = at(e.cut_off);
        const auto before = judge_under(e.root, cut);
        EXPECT_NE(before.of(e.program).state, "distrusted") << before.of(e.program).reason;
        EXPECT_EQ(before.of(e.program).rule, "");

        const auto after = judge_under(e.root, cut + seconds(1));
        EXPECT_EQ(after.of(e.program).state, "distrusted") << after.of(e.program).reason;
        EXPECT_EQ(after.of(e.program).rule, e.rule);
        EXPECT_EQ(after.of(e.program).date, e.cut_off);
        EXPECT_THAT(after.findings, ::testing::Contains(::testing::Field(&finding::id, "issuer-distrusted")));
    }
}

TEST(program_events, mozilla_trusts_epki_and_izenpe_before_their_cut_offs) {
    EXPECT_EQ(judge_under("epki-root-certification-authority", at("2025-04-15T23:59:59Z")).of("mozilla").state,
              "trusted");
    EXPECT_EQ(judge_under("izenpe-com", at("2026-04-15T23:59:59Z")).of("mozilla").state, "trusted");
    // Chrome's Chunghwa cut-off is later: no constraint yet.
    EXPECT_EQ(judge_under("epki-root-certification-authority", at("2025-04-16")).of("chrome-constraints").state,
              "no-constraint");
}

// A path that names a Mozilla root but whose signature does not verify reaches it only by
// name: untrusted (it read "trusted", beside the system store's signature failure).
TEST(program_events, a_path_that_does_not_verify_is_not_trusted_by_mozilla) {
    const auto forged = judge_under("izenpe-com", at("2020-01-01"), {}, std::nullopt, true);
    EXPECT_EQ(forged.of("mozilla").state, "untrusted");
    EXPECT_THAT(forged.of("mozilla").reason, ::testing::HasSubstr("but it does not verify"));
    EXPECT_EQ(judge_under("izenpe-com", at("2020-01-01")).of("mozilla").state, "trusted");
}

TEST(program_events, chrome_reads_the_earliest_sct) {
    const time_point cut = at("2025-07-31T23:59:59Z");
    // Issued before the cut-off, first logged just after it: distrusted.
    const auto late_log = judge_under("netlock-arany-class-gold", cut - days(2), {cut + seconds(1), cut + days(1)});
    EXPECT_EQ(late_log.earliest_sct, cut + seconds(1));
    EXPECT_EQ(late_log.of("chrome-constraints").state, "distrusted");
    EXPECT_THAT(late_log.of("chrome-constraints").reason, ::testing::HasSubstr("earliest SCT"));
    // Logs write milliseconds: half a second after the cut-off is after it.
    const auto half_second = judge_under("netlock-arany-class-gold", cut - days(2), {cut + milliseconds(500)});
    EXPECT_EQ(half_second.earliest_sct, cut + milliseconds(500));
    EXPECT_EQ(half_second.of("chrome-constraints").state, "distrusted");
    EXPECT_THAT(half_second.of("chrome-constraints").reason,
                ::testing::HasSubstr("earliest SCT 2025-07-31T23:59:59.500Z is after 2025-07-31T23:59:59Z"));
    // Logged at the cut-off (the earliest of two SCTs): not.
    const auto on_time = judge_under("netlock-arany-class-gold", cut - days(2), {cut + days(1), cut});
    EXPECT_EQ(on_time.earliest_sct, cut);
    EXPECT_EQ(on_time.of("chrome-constraints").state, "no-constraint");
    // A notBefore after the cut-off does not matter when the SCT is before it.
    const auto backdated_sct = judge_under("hipki-root-ca-g1", cut + days(1), {cut});
    EXPECT_EQ(backdated_sct.of("chrome-constraints").state, "no-constraint");
    // Mozilla compares notBefore, never the SCT.
    const auto izenpe = judge_under("izenpe-com", at("2026-04-15T23:59:59Z"), {at("2026-05-01")});
    EXPECT_EQ(izenpe.of("mozilla").state, "trusted");
}

TEST(program_events, blocklisted_and_removed_roots_whatever_the_date) {
    struct removed {
        const char* root;
        const char* rule;
        const char* chrome;  // the Chrome program named, "" when Chrome has no entry
    };
    for (const removed r : {removed{"trustcor-rootcert-ca-1", "trustcor-distrust", "Chrome 111+"},
                            removed{"trustcor-rootcert-ca-2", "trustcor-distrust", "Chrome 111+"},
                            removed{"trustcor-eca-1", "trustcor-distrust", "Chrome 111+"},
                            removed{"camerfirma-chambers-of-commerce-root", "camerfirma-distrust", "Chrome 90+"},
                            removed{"chambers-of-commerce-root-2008", "camerfirma-distrust", "Chrome 90+"},
                            removed{"global-chambersign-root-2008", "camerfirma-distrust", "Chrome 90+"},
                            removed{"startcom-certification-authority", "wosign-startcom-distrust", "Chrome 61+"},
                            removed{"startcom-certification-authority-g2", "wosign-startcom-distrust", "Chrome 61+"},
                            removed{"wosign", "wosign-startcom-distrust", "Chrome 61+"},
                            removed{"wosign-china", "wosign-startcom-distrust", "Chrome 61+"},
                            removed{"certification-authority-of-wosign-g2", "wosign-startcom-distrust", "Chrome 61+"},
                            removed{"ca-wosign-ecc-root", "wosign-startcom-distrust", "Chrome 61+"},
                            removed{"certinomis-root-ca", "certinomis-mozilla-removal", ""}}) {
        SCOPED_TRACE(r.root);
        // Judged today: Mozilla no longer holds the root, Chrome blocks it.
        const auto j = judge_under(r.root, at("2026-05-01"), {}, at("2026-06-01"));
        EXPECT_EQ(j.of("mozilla").state, "untrusted");
        EXPECT_EQ(j.of("mozilla").rule, r.rule);
        if (*r.chrome != '\0') {
            EXPECT_EQ(j.of("chrome-constraints").state, "distrusted");
            EXPECT_THAT(j.of("chrome-constraints").reason, ::testing::StartsWith(r.chrome));
            // The blocklist has no date: a leaf from long before is caught too.
            EXPECT_EQ(judge_under(r.root, at("2017-01-01")).of("chrome-constraints").state, "distrusted");
        } else {
            EXPECT_EQ(j.of("chrome-constraints").state, "no-constraint");
        }
    }
}

TEST(program_events, the_sct_extension_is_read_back) {
    const std::vector<std::chrono::sys_time<milliseconds>> scts{at("2025-08-01T12:00:00Z"),
                                                                at("2025-08-01T11:00:00Z") + milliseconds(7)};
    EXPECT_EQ(judge_under("hipki-root-ca-g1", at("2025-07-01"), scts).earliest_sct,
              at("2025-08-01T11:00:00Z") + milliseconds(7));
    EXPECT_FALSE(judge_under("hipki-root-ca-g1", at("2025-07-01")).earliest_sct.has_value());
    // A timestamp past the year 9999 is no log's: left out (it was printed as a date of the
    // year -6911), the others kept.
    const std::chrono::sys_time<milliseconds> never{milliseconds{std::numeric_limits<std::int64_t>::max()}};
    EXPECT_EQ(judge_under("hipki-root-ca-g1", at("2025-07-01"), {never, at("2025-08-01T12:00:00Z")}).earliest_sct,
              at("2025-08-01T12:00:00Z"));
    EXPECT_FALSE(judge_under("hipki-root-ca-g1", at("2025-07-01"), {never}).earliest_sct.has_value());
}

}  // namespace
}  // namespace tlsaudit
