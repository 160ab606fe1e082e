// Per-program trust on plain data: Mozilla's store as converted from the real NSS
// certdata.txt of 2026-04-09 (data/nss/), the catalogue's program entries, the finding
// root-program-untrusted, and the Baseline Requirements validity limits.

#include <tlsaudit/program_trust.hpp>
#include <tlsaudit/validity_limits.hpp>

#include "test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

namespace tlsaudit::audit {
namespace {

using namespace tlsaudit::testing;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr const char* r1_sha256 = "ebd41040e4bb3ec742c9e381d31ef2a41a48b6685c96e7cef3c1df6cd4331c99";
constexpr const char* r1_spki = "2bcee858158cf5465fc9d76f0dfa312fef25a4dca8501da9b46b67d1fbfa1b64";
constexpr const char* r3_sha256 = "cbb522d7b7f127ad6a0113865bdf1cd4102e7d0759af635a7cf4720dc963c53b";
constexpr const char* trustcor_ca1_spki = "ea87f462deefffbd7775aa2a4b7e0fcb91c22eee6df69ed90100ccc73b311476";

const mozilla_root* by_label(const std::string& label) {
    const auto& roots = default_mozilla_store().roots;
    const auto it = std::find_if(roots.begin(), roots.end(), [&](const mozilla_root& r) { return r.label == label; });
    return it == roots.end() ? nullptr : &*it;
}

TEST(mozilla_store, converted_from_the_real_certdata) {
    const auto& store = default_mozilla_store();
    EXPECT_EQ(store.date, "2026-04-09");
    EXPECT_EQ(store.roots.size(), 167u);
    EXPECT_EQ(std::count_if(store.roots.begin(), store.roots.end(), [](const mozilla_root& r) { return r.websites; }),
              121);

    const auto* r3 = by_label("GlobalSign Root CA - R3");
    ASSERT_NE(r3, nullptr);
    EXPECT_TRUE(r3->websites);
    EXPECT_EQ(r3->sha256, r3_sha256);
    EXPECT_FALSE(r3->distrust_after);

    // Still in the store, without websites trust since April 2025.
    const auto* r1 = by_label("GlobalSign Root CA");
    ASSERT_NE(r1, nullptr);
    EXPECT_FALSE(r1->websites);
    EXPECT_EQ(r1->sha256, r1_sha256);
    EXPECT_EQ(r1->spki_sha256, r1_spki);

    // Removed altogether (2023): not there by fingerprint nor by key.
    cert_info trustcor;
    trustcor.sha256 = "d40e9c86cd8fe468c1776959f49ea774fa548684b6c406f3909261f4dce2575c";
    trustcor.spki_sha256 = trustcor_ca1_spki;
    EXPECT_EQ(store.find(trustcor), nullptr);
}

TEST(mozilla_store, distrust_after_dates) {
    const auto date = [](const char* label) {
        const auto* r = by_label(label);
        return r != nullptr && r->distrust_after ? *r->distrust_after : time_point{};
    };
    for (const char* entrust :
         {"Entrust Root Certification Authority", "Entrust.net Premium 2048 Secure Server CA",
          "Entrust Root Certification Authority - G2", "Entrust Root Certification Authority - EC1"})
        EXPECT_EQ(date(entrust), at("2024-11-30T23:59:59Z")) << entrust;
    EXPECT_EQ(date("ePKI Root Certification Authority"), at("2025-04-15T23:59:59Z"));
    // NSS puts this one on the trust object, not the certificate object.
    EXPECT_EQ(date("Izenpe.com"), at("2026-04-15T23:59:59Z"));
    const auto& roots = default_mozilla_store().roots;
    EXPECT_EQ(
        std::count_if(roots.begin(), roots.end(), [](const mozilla_root& r) { return r.distrust_after.has_value(); }),
        6);
}

// Every root by its fingerprint and by its key alone (a cross-signed copy); no two roots
// of the real store share a key.
TEST(mozilla_store, the_index_finds_every_root) {
    const auto& store = default_mozilla_store();
    for (const auto& root : store.roots) {
        cert_info same;
        same.sha256 = root.sha256;
        same.spki_sha256 = root.spki_sha256;
        EXPECT_EQ(store.find(same), &root) << root.label;
        cert_info cross;
        cross.sha256 = std::string(64, '0');
        cross.spki_sha256 = root.spki_sha256;
        EXPECT_EQ(store.find(cross), &root) << root.label;
    }
    cert_info unknown;
    unknown.sha256 = std::string(64, 'a');
    unknown.spki_sha256 = std::string(64, 'b');
    EXPECT_EQ(store.find(unknown), nullptr);
    unknown.spki_sha256.clear();
    EXPECT_EQ(store.find(unknown), nullptr);
}

// A store of its own: fingerprint before key, and the key's websites root preferred.
TEST(mozilla_store, fingerprint_first_then_the_key_with_websites_trust) {
    const mozilla_store store("2026-01-01", {{"old", "aa", "k1", false, std::nullopt},
                                             {"current", "bb", "k1", true, std::nullopt},
                                             {"later", "cc", "k1", false, std::nullopt}});
    cert_info c;
    c.sha256 = "cc";
    c.spki_sha256 = "k1";
    EXPECT_EQ(store.find(c)->label, "later");
    c.sha256 = "dd";
    EXPECT_EQ(store.find(c)->label, "current");
}

// A newer certdata.txt with a new distrust-after date needs a rule (with its sources) too.
TEST(mozilla_store, every_distrust_after_date_has_a_catalogue_rule) {
    for (const auto& root : default_mozilla_store().roots) {
        if (!root.distrust_after) continue;
        bool covered = false;
        for (const auto& r : default_catalogue().rules)
            for (const auto& p : r.programs)
                covered |= r.kind == rule_kind::distrusted_ca && p.root_program() == "mozilla" &&
                           p.basis == distrust_basis::not_before && p.after == *root.distrust_after &&
                           std::find(r.match.spki_sha256.begin(), r.match.spki_sha256.end(), root.spki_sha256) !=
                               r.match.spki_sha256.end();
        EXPECT_TRUE(covered) << root.label;
    }
}

// leaf -> intermediate -> the real root `root_sha256`/`root_spki` from the trust store.
chain_case under_root(const std::string& root_cn, const std::string& root_sha256, const std::string& root_spki,
                      time_point when) {
    auto root = ca(root_cn, root_cn, "3");
    root.sha256 = root_sha256;
    root.spki_sha256 = root_spki;
    chain_case c;
    c.name = "shop.example";
    c.when = when;
    c.serve(leaf("shop.example", "Issuing CA"), 0).serve(ca("Issuing CA", root_cn, "2"), 1).unserved(root, 2).trusted();
    c.certs[0].info->not_before = when - std::chrono::days(30);
    c.certs[0].info->not_after = when + std::chrono::days(60);
    return c;
}

const program_verdict& verdict_of(const program_trust& t, const std::string& program) {
    const auto it = std::find_if(t.verdicts.begin(), t.verdicts.end(),
                                 [&](const program_verdict& v) { return v.program == program; });
    if (it == t.verdicts.end()) throw std::invalid_argument(program);
    return *it;
}

program_trust judge(const chain_case& c) {
    chain_input in{c.served, c.certs, c.name, c.when, &c.verdict, {}};
    return judge_programs(in, default_catalogue());
}

TEST(program_trust, globalsign_r1_trusted_here_untrusted_by_mozilla) {
    const auto c = under_root("GlobalSign Root CA", r1_sha256, r1_spki, at("2026-06-01"));
    const auto t = judge(c);
    EXPECT_EQ(t.mozilla_store, "2026-04-09");
    EXPECT_EQ(verdict_of(t, "system").state, "trusted");
    const auto& mozilla = verdict_of(t, "mozilla");
    EXPECT_EQ(mozilla.state, "untrusted");
    EXPECT_EQ(mozilla.date, "2025-04");
    EXPECT_EQ(mozilla.rule, "mozilla-root-age-2025");
    EXPECT_EQ(verdict_of(t, "chrome-constraints").state, "no-constraint");
    EXPECT_EQ(verdict_of(t, "apple-constraints").state, "no-constraint");

    const auto f = c.run();
    ASSERT_THAT(ids(f), ElementsAre("root-program-untrusted"));
    EXPECT_EQ(f[0].level, severity::high);
    EXPECT_EQ(f[0].rule, "mozilla-root-age-2025");
    EXPECT_THAT(f[0].message, HasSubstr("Firefox: the root GlobalSign Root CA lost websites trust in April 2025"));
    EXPECT_THAT(f[0].message, HasSubstr("the system trust store of this run still trusts the chain"));
}

TEST(program_trust, before_the_removal_mozilla_still_trusted_it) {
    const auto c = under_root("GlobalSign Root CA", r1_sha256, r1_spki, at("2025-03-01"));
    EXPECT_EQ(verdict_of(judge(c), "mozilla").state, "trusted");
    EXPECT_THAT(ids(c.run()), IsEmpty());
}

TEST(program_trust, without_a_dated_rule_the_store_bit_decides) {
    auto c = under_root("GlobalSign Root CA", r1_sha256, r1_spki, at("2026-06-01"));
    const auto rules = parse_catalogue(R"({"version": "bare", "rules": []})", "test");
    chain_input in{c.served, c.certs, c.name, c.when, &c.verdict, {}};
    const auto t = judge_programs(in, rules);
    const auto& mozilla = verdict_of(t, "mozilla");
    EXPECT_EQ(mozilla.state, "untrusted");
    EXPECT_THAT(mozilla.reason, HasSubstr("without websites trust"));
    const auto f = c.run(rules, {});
    ASSERT_THAT(ids(f), ElementsAre("root-program-untrusted"));
    EXPECT_THAT(f[0].message, HasSubstr("has no websites trust in Mozilla's store of 2026-04-09"));
}

TEST(program_trust, a_root_mozilla_trusts) {
    const auto c = under_root("GlobalSign", r3_sha256, "ff", at("2026-06-01"));
    const auto t = judge(c);
    const auto& mozilla = verdict_of(t, "mozilla");
    EXPECT_EQ(mozilla.state, "trusted");
    EXPECT_THAT(mozilla.reason, HasSubstr("GlobalSign Root CA - R3"));
}

// Firefox stops at the first root it trusts for websites: an old root above a cross-signed
// copy of R3 (R3's key, signed by GlobalSign Root CA, which lost websites trust in 2025)
// does not make the chain untrusted (its removal rule decided the verdict first).
TEST(program_trust, an_old_root_above_a_cross_signed_trusted_root_does_not_decide) {
    const auto* r3 = by_label("GlobalSign Root CA - R3");
    ASSERT_NE(r3, nullptr);
    auto cross = ca("GlobalSign", "GlobalSign Root CA", "4");
    cross.spki_sha256 = r3->spki_sha256;
    auto r1 = ca("GlobalSign Root CA", "GlobalSign Root CA", "3");
    r1.sha256 = r1_sha256;
    r1.spki_sha256 = r1_spki;
    chain_case c;
    c.name = "shop.example";
    c.when = at("2026-06-01");
    c.serve(leaf("shop.example", "Issuing CA"), 0)
        .serve(ca("Issuing CA", "GlobalSign", "2"), 1)
        .serve(cross, 2)
        .unserved(r1, 3)
        .trusted();
    c.certs[0].info->not_before = c.when - std::chrono::days(30);
    c.certs[0].info->not_after = c.when + std::chrono::days(60);
    const auto t = judge(c);
    const auto& mozilla = verdict_of(t, "mozilla");
    EXPECT_EQ(mozilla.state, "trusted") << mozilla.reason;
    EXPECT_THAT(mozilla.reason, HasSubstr("GlobalSign Root CA - R3"));
    EXPECT_THAT(ids(c.run()), ::testing::Not(::testing::Contains("root-program-untrusted")));
}

TEST(program_trust, a_private_root_is_untrusted_but_not_a_finding) {
    const auto c = under_root("Corp Root", std::string(64, 'c'), std::string(64, 'd'), at("2026-06-01"));
    const auto t = judge(c);
    const auto& mozilla = verdict_of(t, "mozilla");
    EXPECT_EQ(mozilla.state, "untrusted");
    EXPECT_THAT(mozilla.reason, HasSubstr("does not hold"));
    EXPECT_THAT(ids(c.run()), IsEmpty());
}

TEST(program_trust, an_incomplete_path_is_unknown) {
    chain_case c;
    c.name = "shop.example";
    c.serve(leaf("shop.example", "Issuing CA"), 0).error(verify_problem::missing_issuer, 0);
    const auto t = judge(c);
    EXPECT_EQ(verdict_of(t, "system").state, "untrusted");
    EXPECT_EQ(verdict_of(t, "mozilla").state, "unknown");
}

TEST(program_trust, blocklist_and_removal) {
    const auto c = under_root("TrustCor RootCert CA-1", std::string(64, 'e'), trustcor_ca1_spki, at("2026-06-01"));
    const auto t = judge(c);
    const auto& chrome = verdict_of(t, "chrome-constraints");
    EXPECT_EQ(chrome.state, "distrusted");
    EXPECT_EQ(chrome.rule, "trustcor-distrust");
    EXPECT_THAT(chrome.reason, HasSubstr("Chrome 111+: the root is on its blocklist"));
    EXPECT_THAT(chrome.reason, HasSubstr("(root TrustCor RootCert CA-1)"));
    const auto& mozilla = verdict_of(t, "mozilla");
    EXPECT_EQ(mozilla.state, "untrusted");
    EXPECT_EQ(mozilla.date, "2023-11-13");
    // The distrust is reported by the rule; root-program-untrusted does not repeat it.
    const auto f = c.run();
    ASSERT_THAT(ids(f), ElementsAre("issuer-distrusted"));
    EXPECT_THAT(f[0].message, HasSubstr("Chrome 111+ (the root is on its blocklist)"));
    EXPECT_THAT(f[0].message, HasSubstr("Mozilla (the root was removed from its store on 2023-11-13)"));
}

// --- Baseline Requirements validity ---------------------------------------------

// A leaf valid from `not_before` for `length`, trusted under GlobalSign Root CA - R3 (in
// Mozilla's store, so the Baseline Requirements govern it).
chain_case valid_for(time_point not_before, std::chrono::seconds length) {
    chain_case c;
    c.name = "shop.example";
    auto root = ca("GlobalSign", "GlobalSign", "3");
    root.sha256 = r3_sha256;
    c.serve(leaf("shop.example", "Issuing CA"), 0)
        .serve(ca("Issuing CA", "GlobalSign", "2"), 1)
        .unserved(root, 2)
        .trusted();
    c.certs[0].info->not_before = not_before;
    c.certs[0].info->not_after = not_before + length - std::chrono::seconds(1);  // inclusive
    c.when = not_before + std::chrono::days(1);
    return c;
}

TEST(validity_limits, days_are_counted_inclusively_and_rounded_up) {
    cert_info c;
    c.not_before = at("2026-01-01T00:00:00Z");
    c.not_after = at("2026-01-01T23:59:59Z");
    EXPECT_EQ(validity_days(c), 1);
    c.not_after = at("2026-01-02T00:00:00Z");
    EXPECT_EQ(validity_days(c), 2);
    c.not_after = at("2025-12-31T00:00:00Z");
    EXPECT_EQ(validity_days(c), 0);
}

TEST(validity_limits, each_boundary_one_second_and_one_day_either_side) {
    using std::chrono::days;
    using std::chrono::seconds;
    struct step {
        const char* from;
        long long before;  // the limit just before `from`
        long long after;   // the limit from `from`
    };
    for (const step s : {step{"2020-09-01", 825, 398}, step{"2026-03-15", 398, 200}, step{"2027-03-15", 200, 100},
                         step{"2029-03-15", 100, 47}}) {
        const time_point from = at(s.from);
        for (const auto before : {from - seconds(1), from - days(1)}) {
            EXPECT_THAT(ids(valid_for(before, days(s.before)).run()),
                        ::testing::Not(::testing::Contains("validity-too-long")))
                << s.from;
            const auto f = valid_for(before, days(s.before) + seconds(1)).run();
            const auto* too_long = find(f, "validity-too-long");
            ASSERT_NE(too_long, nullptr) << s.from;
            EXPECT_THAT(too_long->message, HasSubstr("at most " + std::to_string(s.before) + " days"));
        }
        for (const auto after : {from, from + seconds(1), from + days(1)}) {
            EXPECT_EQ(find(valid_for(after, days(s.after)).run(), "validity-too-long"), nullptr) << s.from;
            const auto f = valid_for(after, days(s.after) + seconds(1)).run();
            const auto* too_long = find(f, "validity-too-long");
            ASSERT_NE(too_long, nullptr) << s.from;
            EXPECT_EQ(too_long->level, severity::medium);
            EXPECT_THAT(too_long->message, HasSubstr("at most " + std::to_string(s.after) + " days"));
        }
    }
}

TEST(validity_limits, a_private_pki_is_not_held_to_them) {
    using std::chrono::days;
    // Five years under a root neither Mozilla's store nor the catalogue knows (an internal
    // CA the run trusts through --ca-file): no limit applies, now or next.
    auto internal = valid_for(at("2026-06-01"), days(5 * 365));
    internal.verdict.path.back().info.sha256 = std::string(64, 'a');
    EXPECT_THAT(ids(internal.run()), IsEmpty());
    // The same chain unverified (a private root the run was not given) is still judged:
    // nothing says it is private.
    auto unverified = internal;
    unverified.error(verify_problem::untrusted_root, 2);
    EXPECT_THAT(ids(unverified.run()), ::testing::IsSupersetOf({"validity-too-long", "validity-next-limit"}));
    // Under a public root it is too long.
    EXPECT_THAT(ids(valid_for(at("2026-06-01"), days(5 * 365)).run()), ::testing::Contains("validity-too-long"));
    // A root the catalogue names by key is a public CA's, even when no entry's date catches
    // this leaf (a distrust cut-off after its issuance).
    internal.verdict.path.back().info.spki_sha256 = std::string(64, 'b');
    const auto rules = parse_catalogue(R"({"version": "t", "extends": "default", "rules": [{"id": "later",
        "kind": "distrusted-ca", "match": {"spki_sha256": [")" +
                                           std::string(64, 'b') + R"("]},
        "distrust": [{"program": "Chrome 131+", "after": "2030-01-01T00:00:00Z", "basis": "not-before"}],
        "message": "m", "remediation": "r"}]})",
                                       "t.json");
    EXPECT_THAT(ids(internal.run(rules)), ::testing::Contains("validity-too-long"));
}

TEST(validity_limits, the_next_certificate_must_be_shorter) {
    using std::chrono::days;
    // 365 days issued 2025-06-01: allowed (398), but renewal falls after 2026-03-15 (200).
    const auto f = valid_for(at("2025-06-01"), days(365)).run();
    ASSERT_THAT(ids(f), ElementsAre("validity-next-limit"));
    EXPECT_EQ(f[0].level, severity::info);
    EXPECT_THAT(f[0].message, HasSubstr("drops to 200 days on 2026-03-15"));
    // A 90-day certificate already fits the next limit (100 days from 2027-03-15).
    EXPECT_THAT(ids(valid_for(at("2027-01-01"), days(90)).run()), IsEmpty());
    // Issued before the first limit the catalogue knows: not too long, but it outlives the
    // 825-day limit of 2018-03-01, so its replacement must be shorter.
    const auto early = valid_for(at("2017-01-01"), days(1000)).run();
    EXPECT_THAT(ids(early), ::testing::Not(::testing::Contains("validity-too-long")));
    ASSERT_THAT(ids(early), ::testing::Contains("validity-next-limit"));
    EXPECT_THAT(find(early, "validity-next-limit")->message, HasSubstr("drops to 825 days on 2018-03-01"));
    EXPECT_EQ(find(valid_for(at("2017-01-01"), days(800)).run(), "validity-next-limit"), nullptr);
    // Judged after it expired, the limit in force now is the replacement's: 200 days in
    // April 2026, not the 398 days of its notAfter in 2025.
    auto expired = valid_for(at("2024-06-01"), days(365));
    expired.when = at("2026-04-01");
    const auto late = expired.run();
    ASSERT_NE(find(late, "validity-next-limit"), nullptr) << ::testing::PrintToString(ids(late));
    EXPECT_THAT(
        find(late, "validity-next-limit")->message,
        HasSubstr("expired on 2025-05-31T23:59:59Z, and the maximum validity dropped to 200 days on 2026-03-15"));
}

}  // namespace
}  // namespace tlsaudit::audit
