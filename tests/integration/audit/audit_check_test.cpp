// `tlsaudit check`, in-process: every finding raised by a lab chain built for it, and
// not raised by a good chain; the real GlobalSign 2018 and Entrust cases; --at; the
// rules file; --fetch-missing against a loopback HTTP server.

#include "aia_fetch.hpp"
#include "audit_support.hpp"
#include "exit_codes.hpp"

#include <tlsaudit/lab/http_server.hpp>
#include <tlsaudit/lab/real_certs.hpp>
#include <tlsaudit/x509.hpp>

#include <boost/json/parse.hpp>

#include <fmt/format.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/x509.h>

#include <fstream>
#include <memory>

namespace tlsaudit::testing {
namespace {

using std::chrono::days;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

const std::filesystem::path real_dir = TLSAUDIT_TEST_DATA "/real";
bytes real(const char* stem) { return lab::real_cert(stem).front(); }

std::vector<std::string> check_ids(const std::vector<bytes>& chain, const std::string& host, time_point when,
                                   app::audit_settings settings = {}) {
    return ids(check(chain, host, when, {lab_pki().root.der}, std::move(settings)).result.findings);
}

lab::cert_spec spec_for(const std::string& name, time_point nb, time_point na) {
    auto s = lab::leaf_spec(name);
    s.not_before = nb;
    s.not_after = na;
    return s;
}

TEST(check_lab, good_chain_has_no_finding) {
    EXPECT_THAT(check_ids(lab_pki().served_chain(), "good.lab.test", now()), IsEmpty());
}

TEST(check_lab, validity_findings_and_at) {
    const auto t0 = now();
    const auto leaf = lab_leaf(spec_for("v.lab.test", t0 - days(30), t0 + days(10)));
    const std::vector<bytes> chain{leaf.der, lab_pki().intermediates.back().der};
    EXPECT_THAT(check_ids(chain, "v.lab.test", t0), ElementsAre("cert-expiring"));
    app::audit_settings short_warning;
    short_warning.expiry_warn_days = 5;
    EXPECT_THAT(check_ids(chain, "v.lab.test", t0, short_warning), IsEmpty());
    EXPECT_THAT(check_ids(chain, "v.lab.test", t0 + days(11)), ElementsAre("cert-expired"));
    // Before the lab CA certificates too: all three are not yet valid.
    EXPECT_THAT(check_ids(chain, "v.lab.test", t0 - days(31)),
                ElementsAre("cert-not-yet-valid", "cert-not-yet-valid", "cert-not-yet-valid"));
    const auto future = lab_leaf(spec_for("f.lab.test", t0 + days(5), t0 + days(60)), 71);
    const auto f = check({future.der, lab_pki().intermediates.back().der}, "f.lab.test", t0, {lab_pki().root.der});
    ASSERT_THAT(ids(f.result.findings), ElementsAre("cert-not-yet-valid"));
    EXPECT_EQ(f.result.findings[0].cert->position, 0);
    EXPECT_EQ(f.result.findings[0].level, severity::high);
}

TEST(check_lab, hostname) {
    auto spec = lab::leaf_spec("*.wild.lab.test");
    spec.ip_addresses = {"127.0.0.9"};
    const std::vector<bytes> chain{lab_leaf(spec).der, lab_pki().intermediates.back().der};
    EXPECT_THAT(check_ids(chain, "a.wild.lab.test", now()), IsEmpty());
    EXPECT_THAT(check_ids(chain, "127.0.0.9", now()), IsEmpty());
    EXPECT_THAT(check_ids(chain, "wild.lab.test", now()), ElementsAre("hostname-mismatch"));
    EXPECT_THAT(check_ids(chain, "a.b.wild.lab.test", now()), ElementsAre("hostname-mismatch"));
    EXPECT_THAT(check_ids(chain, "", now()), IsEmpty());
}

TEST(check_lab, untrusted_without_the_lab_root) {
    const auto r = check(lab_pki().served_chain(), "good.lab.test", now());
    EXPECT_THAT(ids(r.result.findings), ElementsAre("chain-untrusted"));
    EXPECT_FALSE(r.verdict->trusted);
}

TEST(check_lab, incomplete_when_the_intermediate_comes_from_a_ca_file) {
    temp_dir dir;
    app::audit_settings s;
    s.ca_files = {dir.write_pem("int.pem", {lab_pki().intermediates.back().der})};
    const std::vector<bytes> leaf_only{lab_pki().leaf.der};
    EXPECT_THAT(check_ids(leaf_only, "good.lab.test", now()), ElementsAre("chain-untrusted"));
    const auto r = check(leaf_only, "good.lab.test", now(), {lab_pki().root.der}, s);
    ASSERT_THAT(ids(r.result.findings), ElementsAre("chain-incomplete"));
    EXPECT_EQ(r.result.findings[0].cert->position, -1);
    EXPECT_TRUE(r.verdict->trusted);
    EXPECT_EQ(r.verdict->path[1].origin, cert_origin::store);
}

// The subject Name of `der`, byte for byte (to issue another certificate of that name).
bytes subject_der(const bytes& der) {
    const unsigned char* p = der.data();
    X509* x = d2i_X509(nullptr, &p, static_cast<long>(der.size()));
    if (x == nullptr) return {};
    unsigned char* out = nullptr;
    const int n = i2d_X509_NAME(X509_get_subject_name(x), &out);
    bytes name(out, out + std::max(n, 0));
    OPENSSL_free(out);
    X509_free(x);
    return name;
}

// A CA spec of `of`'s subject, byte for byte.
lab::cert_spec spec_of(const lab::credential& of) {
    auto spec = lab::ca_spec("");
    spec.raw_subject_der = subject_der(of.der);
    return spec;
}

// A certificate of `of`'s name and key issued by `issuer`, valid from `nb` to `na`.
lab::credential copy_of(const lab::credential& of, const lab::credential& issuer, time_point nb, time_point na) {
    auto spec = lab::ca_spec("");
    spec.raw_subject_der = subject_der(of.der);
    spec.not_before = nb;
    spec.not_after = na;
    return lab::issue(issuer, spec, of.k);
}

// The server sends an expired copy of the intermediate (same name and key) and the current
// one is in a --ca-file: the path is trusted, but clients without the current copy fail, so
// the served one does not count as sent (it passed: no finding at all).
TEST(check_lab, an_out_of_date_served_intermediate_is_not_sent) {
    const auto& pki = lab_pki();
    const auto& inter = pki.intermediates.back();
    const auto old = copy_of(inter, pki.root, now() - days(800), now() - days(30));
    temp_dir dir;
    app::audit_settings s;
    s.ca_files = {dir.write_pem("int.pem", {inter.der})};
    const auto r = check({pki.leaf.der, old.der}, "good.lab.test", now(), {pki.root.der}, s);
    EXPECT_TRUE(r.verdict->trusted);
    ASSERT_THAT(ids(r.result.findings), ::testing::Contains("chain-incomplete"));
    const auto& f = *std::find_if(r.result.findings.begin(), r.result.findings.end(),
                                  [](const finding& x) { return x.id == "chain-incomplete"; });
    EXPECT_THAT(f.message, HasSubstr("sends only an out-of-date copy of the intermediate"));
    EXPECT_THAT(f.message, HasSubstr("(position 1, valid"));
    // Not also "remove it" as an expired extra: that advice would leave no intermediate at all.
    EXPECT_THAT(ids(r.result.findings), ::testing::Not(::testing::Contains("chain-extra-certs")));
    // A current served copy counts, as before.
    const auto fresh = copy_of(inter, pki.root, now() - days(10), now() + days(300));
    EXPECT_THAT(ids(check({pki.leaf.der, fresh.der}, "good.lab.test", now(), {pki.root.der}, s).result.findings),
                IsEmpty());
}

// A cross-signed copy of the root served beside the path is no extra, unless it has expired
// (Let's Encrypt's chain through DST Root CA X3 after 2021-09-30): then it is said.
TEST(check_lab, an_expired_cross_sign_served_beside_the_path_is_said) {
    const auto& pki = lab_pki();
    const auto old_root = lab::make_self_signed(lab::ca_spec("Lab Old Root"), lab::lab_key(lab::key_kind::ec_p256, 91));
    const auto chain = [&](time_point na) {
        return std::vector<bytes>{pki.leaf.der, pki.intermediates.back().der,
                                  copy_of(pki.root, old_root, now() - days(800), na).der};
    };
    const auto current = check(chain(now() + days(300)), "good.lab.test", now(), {pki.root.der});
    EXPECT_TRUE(current.verdict->trusted);
    EXPECT_THAT(ids(current.result.findings), IsEmpty());
    const auto expired = check(chain(now() - days(30)), "good.lab.test", now(), {pki.root.der});
    EXPECT_TRUE(expired.verdict->trusted);
    ASSERT_THAT(ids(expired.result.findings), ElementsAre("chain-extra-certs"));
    EXPECT_THAT(expired.result.findings[0].message, HasSubstr("is served beside the path but expired on"));
    EXPECT_EQ(expired.result.findings[0].cert->position, 2);
}

// A cross-signed copy of an intermediate, served before the copy that leads to the trusted
// root, is a dead end OpenSSL's path building took: browsers backtrack, and so does the audit.
TEST(check_lab, a_dead_end_cross_sign_served_first_is_backtracked) {
    const auto deep = lab::make_hierarchy(lab::key_kind::ec_p256, 2, {"cross.lab.test"});
    const auto other_root =
        lab::make_self_signed(lab::ca_spec("Lab Other Root"), lab::lab_key(lab::key_kind::ec_p256, 95));
    const auto cross = copy_of(deep.intermediates[0], other_root, now() - days(10), now() + days(300));
    const std::vector<bytes> chain{deep.leaf.der, deep.intermediates[1].der, cross.der, deep.intermediates[0].der};
    const auto r = check(chain, "cross.lab.test", now(), {deep.root.der});
    EXPECT_TRUE(r.verdict->trusted) << ::testing::PrintToString(ids(r.result.findings));
    EXPECT_THAT(ids(r.result.findings), IsEmpty());
    ASSERT_EQ(r.verdict->path.size(), 4u);
    EXPECT_EQ(r.verdict->path[2].served_position, 3);
    // Backtracking undoes a choice that led nowhere, not the good one above it: a copy of the
    // lower intermediate whose signature does not verify, and the dead-end cross-sign of the
    // upper one, each served before its good copy. (Leaving out the nearest-the-root choice
    // first kept the good upper copy out for good: untrusted.)
    const auto forged = lab::issue_under_name(deep.intermediates[0].der, lab::lab_key(lab::key_kind::ec_p256, 97),
                                              spec_of(deep.intermediates[1]), deep.intermediates[1].k);
    const auto both =
        check({deep.leaf.der, forged.der, deep.intermediates[1].der, deep.intermediates[0].der, cross.der},
              "cross.lab.test", now(), {deep.root.der});
    EXPECT_TRUE(both.verdict->trusted) << ::testing::PrintToString(ids(both.result.findings));
    // Every copy of a dead end goes at once: nine copies served first are one choice.
    std::vector<bytes> copies{deep.leaf.der, deep.intermediates[1].der};
    for (int i = 0; i < 9; ++i) copies.push_back(cross.der);
    copies.push_back(deep.intermediates[0].der);
    EXPECT_TRUE(check(copies, "cross.lab.test", now(), {deep.root.der}).verdict->trusted);
    // With no way out (the good copy not served), it stays untrusted.
    const auto stuck =
        check({deep.leaf.der, deep.intermediates[1].der, cross.der}, "cross.lab.test", now(), {deep.root.der});
    EXPECT_FALSE(stuck.verdict->trusted);
    EXPECT_THAT(ids(stuck.result.findings), ElementsAre("chain-untrusted"));
}

// An expired root from the trust store is not the server's chain file to fix: the advice says so.
TEST(check_lab, an_expired_store_root_gets_its_own_advice) {
    auto root_spec = lab::ca_spec("Lab Expired Root");
    root_spec.not_before = now() - days(4000);
    root_spec.not_after = now() - days(1);
    const auto root = lab::make_self_signed(root_spec, lab::lab_key(lab::key_kind::ec_p256, 92));
    const auto inter =
        lab::issue(root, lab::ca_spec("Lab Int Under Expired Root"), lab::lab_key(lab::key_kind::ec_p256, 93));
    const auto leaf = lab::issue(inter, lab::leaf_spec("old-root.lab.test"), lab::lab_key(lab::key_kind::ec_p256, 94));
    const auto r = check({leaf.der, inter.der}, "old-root.lab.test", now(), {root.der});
    const auto f = std::find_if(r.result.findings.begin(), r.result.findings.end(),
                                [](const finding& x) { return x.id == "cert-expired"; });
    ASSERT_NE(f, r.result.findings.end()) << ::testing::PrintToString(ids(r.result.findings));
    EXPECT_EQ(f->cert->position, -1);
    EXPECT_THAT(f->remediation, HasSubstr("The root this chain ends at has expired"));
}

// An intermediate in a --ca-file (a CA bundle that holds an issuing CA) does not cut the
// path a browser builds through the served chain: OpenSSL searched nothing served above a
// certificate from the store, so a complete chain was untrusted, its top called extra.
TEST(check_lab, an_intermediate_in_a_ca_file_leaves_the_served_path_whole) {
    const auto deep = lab::make_hierarchy(lab::key_kind::ec_p256, 2, {"deep.lab.test"});
    temp_dir dir;
    app::audit_settings s;
    s.ca_files = {dir.write_pem("int.pem", {deep.intermediates.back().der})};
    const auto r = check(deep.served_chain(), "deep.lab.test", now(), {deep.root.der}, s);
    EXPECT_THAT(ids(r.result.findings), IsEmpty());
    EXPECT_TRUE(r.verdict->trusted);
    ASSERT_EQ(r.verdict->path.size(), 4u);
    EXPECT_EQ(r.verdict->path[2].origin, cert_origin::served);
    // Without the upper intermediate served, the path needs it: untrusted, as before.
    const auto short_chain =
        check({deep.leaf.der, deep.intermediates.back().der}, "deep.lab.test", now(), {deep.root.der}, s);
    EXPECT_THAT(ids(short_chain.result.findings), ElementsAre("chain-untrusted"));
}

// In a --ca-dir (OpenSSL's hashed lookup, which cannot be split) an intermediate still cuts
// the served path: the message says so, instead of "neither served nor found".
TEST(check_lab, an_intermediate_in_a_ca_dir_is_named_as_the_cause) {
    const auto deep = lab::make_hierarchy(lab::key_kind::ec_p256, 2, {"dir.lab.test"});
    const auto& inter = deep.intermediates.back();
    const unsigned char* p = inter.der.data();
    X509* x = d2i_X509(nullptr, &p, static_cast<long>(inter.der.size()));
    ASSERT_NE(x, nullptr);
    const unsigned long hash = X509_subject_name_hash(x);
    X509_free(x);
    temp_dir dir;
    dir.write_pem(fmt::format("{:08x}.0", hash), {inter.der});  // the c_rehash layout
    app::audit_settings s;
    s.ca_dirs = {dir.path()};
    const auto r = check(deep.served_chain(), "dir.lab.test", now(), {deep.root.der}, s);
    ASSERT_THAT(ids(r.result.findings), ::testing::Contains("chain-untrusted"));
    const auto& f = *std::find_if(r.result.findings.begin(), r.result.findings.end(),
                                  [](const finding& x) { return x.id == "chain-untrusted"; });
    EXPECT_THAT(f.message, HasSubstr("is served at position 2 but was not used"));
    EXPECT_THAT(f.message, HasSubstr("an intermediate in a --ca-dir"));
    // A served certificate of the issuer's name and another key is named as such.
    const auto other = lab::make_hierarchy(
        {.kind = lab::key_kind::ec_p256, .intermediates = 2, .leaf_dns_names = {"dir.lab.test"}, .key_index = 77});
    const auto wrong = check({deep.leaf.der, other.intermediates.back().der}, "dir.lab.test", now(), {deep.root.der});
    const auto g = std::find_if(wrong.result.findings.begin(), wrong.result.findings.end(),
                                [](const finding& x) { return x.id == "chain-untrusted"; });
    ASSERT_NE(g, wrong.result.findings.end()) << ::testing::PrintToString(ids(wrong.result.findings));
    EXPECT_THAT(g->message, HasSubstr("is served at position 1, but it did not issue it (another key?)"));
}

TEST(check_lab, self_signed) {
    const auto self = lab::make_self_signed(lab::leaf_spec("self.lab.test"), lab::lab_key(lab::key_kind::ec_p256, 61));
    EXPECT_THAT(check_ids({self.der}, "self.lab.test", now()), ElementsAre("self-signed"));
}

TEST(check_lab, misordered_and_extra) {
    lab::hierarchy_options o;
    o.kind = lab::key_kind::ec_p256;
    o.intermediates = 3;
    o.leaf_dns_names = {"deep.lab.test"};
    o.key_index = 62;
    const auto deep = lab::make_hierarchy(o);
    const auto& i = deep.intermediates;
    EXPECT_THAT(check_ids(deep.served_chain(), "deep.lab.test", now(), {}), ElementsAre("chain-untrusted"));
    const auto ok = check(deep.served_chain(), "deep.lab.test", now(), {deep.root.der});
    EXPECT_THAT(ids(ok.result.findings), IsEmpty());
    const auto mis = check({deep.leaf.der, i[0].der, i[2].der, i[1].der}, "deep.lab.test", now(), {deep.root.der});
    EXPECT_THAT(ids(mis.result.findings), ElementsAre("chain-misordered"));
    auto extra = deep.served_chain();
    extra.push_back(lab_pki().intermediates.back().der);
    const auto ex = check(extra, "deep.lab.test", now(), {deep.root.der});
    ASSERT_THAT(ids(ex.result.findings), ElementsAre("chain-extra-certs"));
    EXPECT_EQ(ex.result.findings[0].cert->position, 4);
    // An intermediate served twice: the second copy is extra, the order still fine.
    auto twice = deep.served_chain();
    twice.insert(twice.begin() + 2, twice[1]);
    const auto tw = check(twice, "deep.lab.test", now(), {deep.root.der});
    ASSERT_THAT(ids(tw.result.findings), ElementsAre("chain-extra-certs"));
    EXPECT_EQ(tw.result.findings[0].cert->position, 2);
    EXPECT_THAT(tw.result.findings[0].message, ::testing::HasSubstr("served twice (first at position 1)"));
}

TEST(check_lab, weak_key_and_signature) {
    lab::hierarchy_options o;
    o.kind = lab::key_kind::rsa_1024;
    o.leaf_dns_names = {"weak.lab.test"};
    o.key_index = 63;
    o.digest = "sha1";
    const auto weak = lab::make_hierarchy(o);
    const auto r = check(weak.served_chain(), "weak.lab.test", now(), {weak.root.der});
    // Leaf and intermediate: RSA-1024 and SHA-1; the root's key is weak too, its
    // self-signature does not count.
    // The browser profile (the default) adds that browsers refuse both: forbidden-key on
    // all three, forbidden-signature on the two that are not self-signed.
    EXPECT_THAT(ids(r.result.findings),
                ElementsAre("weak-key", "weak-signature", "weak-key", "weak-signature", "weak-key", "forbidden-key",
                            "forbidden-signature", "forbidden-key", "forbidden-signature", "forbidden-key"));
}

// A root's key rollover: the new root (same name, new key) signed by the old one with SHA-1.
// Clients check that signature, as any below the anchor: it was taken for a self-signature.
TEST(check_lab, a_sha1_signature_on_a_rolled_over_root_counts) {
    const auto& pki = lab_pki();
    auto spec = lab::ca_spec("");
    spec.raw_subject_der = subject_der(pki.root.der);
    spec.digest = "sha1";
    const auto old_root = lab::make_self_signed(spec, lab::lab_key(lab::key_kind::rsa_2048, 96));
    spec.digest = "sha1";
    const auto rolled = lab::issue(old_root, spec, pki.root.k);  // the new root's key, old root's signature
    const auto r =
        check({pki.leaf.der, pki.intermediates.back().der, rolled.der}, "good.lab.test", now(), {old_root.der});
    ASSERT_TRUE(r.verdict->trusted);
    ASSERT_EQ(r.verdict->path.size(), 4u);
    EXPECT_THAT(ids(r.result.findings), ElementsAre("weak-signature", "forbidden-signature"));
    EXPECT_EQ(r.result.findings[0].cert->position, 2);
    // Expired, the rollover certificate is the server's to replace, not the root's to move off.
    spec.digest = "sha256";
    spec.not_before = now() - days(400);
    spec.not_after = now() - days(1);
    const auto expired = lab::issue(old_root, spec, pki.root.k);
    const auto e =
        check({pki.leaf.der, pki.intermediates.back().der, expired.der}, "good.lab.test", now(), {old_root.der});
    const auto x = std::find_if(e.result.findings.begin(), e.result.findings.end(),
                                [](const finding& f) { return f.id == "cert-expired"; });
    ASSERT_NE(x, e.result.findings.end()) << ::testing::PrintToString(ids(e.result.findings));
    EXPECT_THAT(x->remediation, HasSubstr("Deploy the issuer's current intermediate"));
}

// --- real certificates ---------------------------------------------------------------

std::vector<bytes> under_real(const char* stem, lab::cert_spec spec, std::size_t key_index) {
    const bytes issuer = real(stem);
    const auto leaf = lab::issue_under_name(issuer, lab::lab_key(lab::key_kind::rsa_2048, key_index), spec,
                                            lab::lab_key(lab::key_kind::ec_p256, key_index));
    return {leaf.der, issuer};
}

TEST(check_real, globalsign_2018_served_raises_deprecated_intermediate) {
    const auto chain = under_real("globalsign-rsa-dv-ssl-ca-2018", lab::leaf_spec("old.lab.test"), 64);
    const auto r = check(chain, "old.lab.test", now());
    const finding* f = find(r.result.findings, "deprecated-intermediate");
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->level, severity::high);
    EXPECT_EQ(f->cert->position, 1);
    EXPECT_EQ(f->cert->sha256, "9e898ed03fa46969690dad73c7296675045ff9b5a0100a399beb8435a98f5185");
    EXPECT_THAT(f->remediation, HasSubstr("GlobalSign GCC R3 DV TLS CA 2020"));
    // The lab leaf's signature is forged, so the chain is also untrusted; nothing else.
    EXPECT_THAT(ids(r.result.findings), ElementsAre("chain-untrusted", "deprecated-intermediate"));
    EXPECT_EQ(audit::status_of(r.result), "high");

    const auto replacement = under_real("globalsign-gcc-r3-dv-tls-ca-2020", lab::leaf_spec("new.lab.test"), 65);
    EXPECT_THAT(ids(check(replacement, "new.lab.test", now()).result.findings), ElementsAre("chain-untrusted"));
}

// The certificate is new (under GCC R3 DV TLS CA 2020), the chain file is old: the fix is
// the chain, not a reissue. Issued under the 2018 intermediate: reissue.
TEST(check_real, globalsign_fix_depends_on_who_issued_the_leaf) {
    const auto old_leaf = under_real("globalsign-rsa-dv-ssl-ca-2018", lab::leaf_spec("old.lab.test"), 70);
    const auto issued_under = check(old_leaf, "old.lab.test", now());
    const finding* reissue = find(issued_under.result.findings, "deprecated-intermediate");
    ASSERT_NE(reissue, nullptr);
    EXPECT_THAT(reissue->message, HasSubstr("the leaf was issued under it"));
    EXPECT_THAT(reissue->remediation, HasSubstr("Reissue the certificate with a new key pair"));

    auto beside = under_real("globalsign-gcc-r3-dv-tls-ca-2020", lab::leaf_spec("new.lab.test"), 71);
    beside.push_back(real("globalsign-rsa-dv-ssl-ca-2018"));
    const auto r = check(beside, "new.lab.test", now());
    const finding* chain_fix = find(r.result.findings, "deprecated-intermediate");
    ASSERT_NE(chain_fix, nullptr);
    EXPECT_EQ(chain_fix->cert->position, 2);
    EXPECT_THAT(chain_fix->message, HasSubstr("served beside it"));
    EXPECT_THAT(chain_fix->remediation, HasSubstr("The certificate is new, the chain file is old"));
    EXPECT_THAT(chain_fix->remediation, HasSubstr("leaf followed by GlobalSign GCC R3 DV TLS CA 2020"));
    EXPECT_THAT(chain_fix->remediation, ::testing::Not(HasSubstr("new key pair")));
}

TEST(check_real, look_alike_2018_is_reported_name_only) {
    // Same subject name as the retired intermediate, another key.
    auto ca = lab::ca_spec("GlobalSign RSA DV SSL CA 2018");
    ca.organization = "GlobalSign nv-sa";
    ca.country = "BE";
    const auto fake = lab::issue(lab_pki().root, ca, lab::lab_key(lab::key_kind::rsa_2048, 66));
    const auto leaf = lab::issue(fake, lab::leaf_spec("fake.lab.test"), lab::lab_key(lab::key_kind::ec_p256, 66));
    const auto r = check({leaf.der, fake.der}, "fake.lab.test", now(), {lab_pki().root.der});
    EXPECT_THAT(ids(r.result.findings), ElementsAre("deprecated-intermediate-unconfirmed"));
    EXPECT_EQ(r.result.findings[0].level, severity::low);
    EXPECT_EQ(find(r.result.findings, "deprecated-intermediate"), nullptr);
}

TEST(check_real, real_leaf_alone_completed_from_ca_file_and_at) {
    const std::vector<bytes> leaf{real("leaf-analysys-cn-globalsign-rsa-dv-2018-expired")};
    app::audit_settings s;
    s.ca_files = {real_dir / "globalsign-rsa-dv-ssl-ca-2018.pem"};
    const auto before = check(leaf, "www.analysys.cn", at("2020-06-01"), {}, s);
    // 424 days, issued under the 825-day limit, renewed under the 398-day one: the info says so.
    // The intermediate was retired on 2021-01-21: current at the first date.
    EXPECT_THAT(ids(before.result.findings), ElementsAre("chain-incomplete", "validity-next-limit"));
    const auto after = check(leaf, "www.analysys.cn", at("2021-01-21"), {}, s);
    EXPECT_THAT(ids(after.result.findings),
                ElementsAre("cert-expired", "chain-incomplete", "deprecated-intermediate", "validity-next-limit"));
    EXPECT_EQ(find(after.result.findings, "deprecated-intermediate")->cert->position, -1);
    // Without the intermediate: a name-only hint, and untrusted.
    EXPECT_THAT(
        ids(check(leaf, "www.analysys.cn", at("2021-01-21")).result.findings),
        ElementsAre("cert-expired", "chain-untrusted", "deprecated-intermediate-unconfirmed", "validity-next-limit"));
}

TEST(check_real, entrust_before_and_after_the_cut_off) {
    auto spec_at = [](const char* nb) {
        auto s = lab::leaf_spec("entrust.lab.test");
        s.not_before = at(nb);
        s.not_after = at(nb) + days(300);
        return s;
    };
    const auto when = at("2025-02-01");
    const auto before = check(under_real("entrust-ca-l1k", spec_at("2024-11-01"), 67), "entrust.lab.test", when);
    EXPECT_THAT(ids(before.result.findings), ElementsAre("chain-untrusted", "issuer-discontinued"));
    const auto after = check(under_real("entrust-ca-l1k", spec_at("2024-12-02"), 68), "entrust.lab.test", when);
    EXPECT_THAT(ids(after.result.findings), ElementsAre("chain-untrusted", "issuer-distrusted", "issuer-discontinued"));
    const finding* f = find(after.result.findings, "issuer-distrusted");
    EXPECT_THAT(f->message, HasSubstr("Chrome 131+"));
    EXPECT_THAT(f->message, HasSubstr("Apple"));
    EXPECT_THAT(f->message, HasSubstr("Mozilla"));
    // The rule matches the L1K intermediate: the verdicts name it a CA, not a root.
    ASSERT_TRUE(after.result.trust);
    bool named = false;
    for (const auto& v : after.result.trust->verdicts)
        if (v.program == "chrome-constraints") {
            EXPECT_THAT(v.reason, HasSubstr("(CA Entrust Certification Authority - L1K)"));
            named = true;
        }
    EXPECT_TRUE(named);
    // Between Chrome's and Mozilla's cut-offs.
    const auto mid = check(under_real("entrust-ca-l1k", spec_at("2024-11-13"), 69), "entrust.lab.test", when);
    const finding* m = find(mid.result.findings, "issuer-distrusted");
    ASSERT_NE(m, nullptr);
    EXPECT_THAT(m->message, HasSubstr("Chrome 131+"));
    EXPECT_THAT(m->message, ::testing::Not(HasSubstr("Mozilla")));
}

// --- the command itself ------------------------------------------------------------

int run(app::check_command_options o) { return app::run_check_command(o); }

TEST(check_command, writes_the_record_and_honours_fail_on) {
    temp_dir dir;
    app::check_command_options o;
    o.file = dir.write_pem("chain.pem", under_real("globalsign-rsa-dv-ssl-ca-2018", lab::leaf_spec("old.lab.test"), 64))
                 .string();
    o.host = "old.lab.test";
    o.ndjson = (dir.path() / "out.ndjson").string();
    o.quiet = true;
    EXPECT_EQ(run(o), app::exit_code::findings);  // --fail-on high by default
    o.fail_on = "none";
    EXPECT_EQ(run(o), app::exit_code::ok);
    std::ifstream in(o.ndjson);
    std::string line;
    ASSERT_TRUE(std::getline(in, line));
    const auto record = boost::json::parse(line).as_object();
    EXPECT_EQ(record.at("type"), "endpoint");
    EXPECT_EQ(record.at("chain").as_array().size(), 2u);
    o.fail_on = "high";
    EXPECT_EQ(run(o), app::exit_code::findings);
    o.fail_on = "critical";
    EXPECT_EQ(run(o), app::exit_code::ok);
}

// `check` of `cert` alone for `host` (--fail-on none): what it prints on stderr.
std::string report_on_stderr(const temp_dir& dir, const lab::credential& cert, const std::string& host) {
    app::check_command_options o;
    o.file = dir.write_pem("chain.pem", {cert.der}).string();
    o.host = host;
    o.ndjson = (dir.path() / "out.ndjson").string();
    o.fail_on = "none";
    ::testing::internal::CaptureStderr();
    EXPECT_EQ(run(o), app::exit_code::ok);
    return ::testing::internal::GetCapturedStderr();
}

// The human report lists findings worst first, as the reports and the scan summary do:
// a self-signed leaf (high) that also expires soon (medium, found first by the audit).
TEST(check_command, the_report_on_stderr_lists_the_worst_finding_first) {
    temp_dir dir;
    const auto t0 = now();
    const auto self = lab::make_self_signed(spec_for("self.lab.test", t0 - days(30), t0 + days(10)),
                                            lab::lab_key(lab::key_kind::ec_p256, 61));
    const std::string err = report_on_stderr(dir, self, "self.lab.test");
    const auto high = err.find("self-signed");
    const auto medium = err.find("cert-expiring");
    ASSERT_NE(high, std::string::npos) << err;
    ASSERT_NE(medium, std::string::npos) << err;
    EXPECT_LT(high, medium) << err;
}

// A subject of any length prints as one line of at most 1,024 bytes of it (docs/security.md),
// in the path lines and in the finding messages that quote it.
TEST(check_command, the_report_on_stderr_cuts_long_server_text) {
    temp_dir dir;
    const auto t0 = now();
    auto spec = spec_for("long.lab.test", t0 - days(30), t0 + days(300));
    spec.organization = std::string(20'000, 'o');
    const auto self = lab::make_self_signed(spec, lab::lab_key(lab::key_kind::ec_p256, 61));
    const std::string err = report_on_stderr(dir, self, "long.lab.test");
    EXPECT_THAT(err, HasSubstr("path[0]"));
    EXPECT_THAT(err, HasSubstr("self-signed"));
    EXPECT_THAT(err, HasSubstr("more bytes)"));
    std::istringstream lines(err);
    for (std::string line; std::getline(lines, line);) EXPECT_LT(line.size(), 1200u) << line.substr(0, 100);
}

TEST(check_command, configuration_errors) {
    temp_dir dir;
    app::check_command_options o;
    o.file = dir.write_text("empty.pem", "no certificate here\n").string();
    o.ndjson = (dir.path() / "out.ndjson").string();
    o.quiet = true;
    EXPECT_THROW(run(o), app::config_error);
    // A DER file is not PEM: the message says how to convert it.
    const auto der = lab_pki().served_chain().front();
    o.file = dir.write_text("leaf.der", std::string(der.begin(), der.end())).string();
    try {
        run(o);
        FAIL() << "accepted DER";
    } catch (const app::config_error& e) {
        EXPECT_THAT(std::string(e.what()), HasSubstr("DER is not read: convert it with `openssl x509 -inform der"));
    }
    o.file = dir.write_pem("chain.pem", lab_pki().served_chain()).string();
    o.audit.rules =
        dir.write_text("rules.json", R"({"version": "x", "rules": [{"id": "a", "kind": "retired-intermediate",
  "match": {"sha256": ["zz"]}, "message": "m", "remediation": "r"}]})");
    try {
        run(o);
        FAIL() << "accepted a malformed rules file";
    } catch (const app::config_error& e) {
        EXPECT_THAT(std::string(e.what()), HasSubstr("rules.json: rules[0].match.sha256[0]: expected 64 hex digits"));
    }
    o.audit.rules.reset();
    o.audit.ca_files = {dir.path() / "missing.pem"};
    EXPECT_THROW(run(o), app::config_error);
    // An output that cannot be written, or that is the chain file, is a usage error (exit
    // 2) found before the audit, as for scan and report.
    o.audit.ca_files.clear();
    for (const auto& out : {(dir.path() / "no" / "out.ndjson").string(), o.file}) {
        o.ndjson = out;
        EXPECT_THROW(run(o), app::config_error) << out;
    }
    EXPECT_EQ(x509::read_pem_file(o.file), lab_pki().served_chain());  // the chain file is untouched
}

// The lab's HTTP server is loopback on an ephemeral port, which the default fetch policy
// refuses: these tests allow exactly that destination, as a user would with --fetch-allow.
app::aia_fetch_limits allowing(const lab::http_server& http) {
    app::aia_fetch_limits limits;
    limits.policy.allow = {fmt::format("127.0.0.1:{}", http.port())};
    return limits;
}

TEST(check_command, fetch_missing_downloads_the_issuer_over_loopback_http) {
    lab::http_server http;
    const auto& pki = lab_pki();
    http.route("/int.cer",
               lab::http_reply{200, "application/pkix-cert", pki.intermediates.back().der, {}, 0, true, false});
    auto spec = lab::leaf_spec("aia.lab.test");
    spec.ca_issuers_url = http.url("/int.cer");
    const auto leaf = lab_leaf(spec, 70);

    const auto without = check({leaf.der}, "aia.lab.test", now(), {pki.root.der});
    EXPECT_THAT(ids(without.result.findings), ElementsAre("chain-untrusted"));
    EXPECT_EQ(http.request_count(), 0u);

    const auto fetching = [&] {
        app::audit_settings s;
        s.extra_roots = {pki.root.der};
        s.fetch_missing = true;
        return s;
    };
    app::audit_runtime runtime(fetching(), now(), app::make_issuer_fetcher(allowing(http)));
    const auto with = app::audit_saved_chain({leaf.der}, "aia.lab.test", "test", runtime);
    EXPECT_THAT(ids(with.result.findings), ElementsAre("chain-incomplete"));
    EXPECT_TRUE(with.verdict->trusted);
    EXPECT_EQ(with.verdict->path[1].origin, cert_origin::fetched);
    // A second chain with the same AIA URL does not fetch again.
    app::audit_saved_chain({leaf.der}, "aia.lab.test", "test", runtime);
    EXPECT_EQ(http.request_count("/int.cer"), 1u);

    // Without --fetch-allow the download is refused, and the finding says so.
    app::audit_runtime refused(fetching(), now(), app::make_issuer_fetcher());
    const auto denied = app::audit_saved_chain({leaf.der}, "aia.lab.test", "test", refused);
    ASSERT_THAT(ids(denied.result.findings), ElementsAre("chain-untrusted"));
    const auto& message = denied.result.findings[0].message;
    EXPECT_THAT(message,
                HasSubstr("; --fetch-missing could not download it: " + http.url("/int.cer") + ": destination"));
    EXPECT_THAT(message, HasSubstr("--fetch-allow"));
    EXPECT_EQ(http.request_count("/int.cer"), 1u);
}

TEST(check_command, fetch_follows_a_redirect_and_keeps_the_size_limit) {
    lab::http_server http;
    const bytes der = lab_pki().intermediates.back().der;
    http.route("/moved.cer",
               lab::http_reply{302, "text/plain", {}, {{"Location", http.url("/int.cer")}}, 0, true, false});
    http.route("/int.cer", lab::http_reply{200, "application/pkix-cert", der, {}, 0, true, false});
    http.route("/huge.cer", lab::http_reply{200, "application/pkix-cert", {}, {}, 1u << 20, true, false});
    EXPECT_EQ(app::fetch_issuer(http.url("/moved.cer"), allowing(http)), std::optional<bytes>(der));
    EXPECT_EQ(http.request_count("/moved.cer"), 1u);
    EXPECT_EQ(http.request_count("/int.cer"), 1u);
    EXPECT_FALSE(app::fetch_issuer(http.url("/huge.cer"), allowing(http)).has_value());  // over 64 KiB
}

TEST(check_command, fetch_failures_are_not_errors) {
    lab::http_server http;  // no route: 404
    std::string why;
    EXPECT_FALSE(app::fetch_issuer(http.url("/missing.cer"), allowing(http), &why).has_value());
    EXPECT_THAT(why, HasSubstr("404"));
    EXPECT_EQ(http.request_count("/missing.cer"), 1u);
    EXPECT_FALSE(app::fetch_issuer("https://127.0.0.1/x.cer").has_value());
    EXPECT_FALSE(app::fetch_issuer("not a url").has_value());
}

TEST(check_command, aia_fetch_obeys_the_destination_policy_and_counts_in_the_budget) {
    lab::http_server http;
    const bytes der = lab_pki().intermediates.back().der;
    http.route("/int.cer", lab::http_reply{200, "application/pkix-cert", der, {}, 0, true, false});
    app::aia_fetch_limits limits;
    limits.budget = std::make_shared<revocation::fetch_budget>(1);
    EXPECT_FALSE(app::fetch_issuer(http.url("/int.cer"), limits).has_value());  // loopback: refused
    EXPECT_EQ(http.request_count(), 0u);
    EXPECT_EQ(limits.budget->refusals(), 1u);

    limits.policy.allow = {"127.0.0.0/8"};  // the address, but not the ephemeral port
    EXPECT_FALSE(app::fetch_issuer(http.url("/int.cer"), limits).has_value());
    EXPECT_EQ(http.request_count(), 0u);

    limits.policy.allow = {fmt::format("127.0.0.1:{}", http.port())};
    EXPECT_EQ(app::fetch_issuer(http.url("/int.cer"), limits), std::optional<bytes>(der));
    EXPECT_EQ(http.request_count(), 1u);
    EXPECT_GT(limits.budget->bytes(), der.size());  // body and headers
    // One destination is the cap: another host:port is refused before any connection.
    limits.policy.allow.push_back("127.0.0.2");
    EXPECT_FALSE(app::fetch_issuer(fmt::format("http://127.0.0.2:{}/int.cer", http.port()), limits).has_value());
    EXPECT_EQ(limits.budget->destinations(), 1u);
    EXPECT_EQ(limits.budget->refusals(), 3u);
}

}  // namespace
}  // namespace tlsaudit::testing
