// Catalogue rules on plain data: retired intermediate (by fingerprint, by key, by name
// only), Entrust distrust per root program, discontinued issuer; and deployments.

#include "test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fmt/format.h>

namespace tlsaudit::audit {
namespace {

using namespace tlsaudit::testing;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr const char* gs2018_sha256 = "9e898ed03fa46969690dad73c7296675045ff9b5a0100a399beb8435a98f5185";
constexpr const char* gs2018_spki = "cdffa2fdf6ac5b800b7ba3ccf5716646d28dfc7142a5a9a5ab614af33fd5bafb";
constexpr const char* l1k_spki = "f7cd08a27aa9df0918b4df5265580ccee590cc9b5ad677f134fc137a6d57d2e7";
constexpr const char* g2_spki = "76ee8590374c715437bbca6bba6028eadde2dc6dbbb8c3f610e851f11d1ab7f5";

chain_case under(cert_info intermediate, const std::string& root_cn = "GlobalSign") {
    chain_case c;
    c.name = "shop.example";
    c.serve(leaf("shop.example", intermediate.subject_cn), 0)
        .serve(std::move(intermediate), 1)
        .unserved(ca(root_cn, root_cn, "3"), 2)
        .trusted();
    return c;
}

cert_info gs2018(bool real_fingerprint, bool real_key) {
    auto c = ca("GlobalSign RSA DV SSL CA 2018", "GlobalSign", "2");
    if (real_fingerprint) c.sha256 = gs2018_sha256;
    if (real_key) c.spki_sha256 = gs2018_spki;
    return c;
}

TEST(retired_intermediate, matched_by_fingerprint_or_key) {
    for (auto [fp, key] : {std::pair{true, true}, std::pair{true, false}, std::pair{false, true}}) {
        const auto f = under(gs2018(fp, key)).run();
        ASSERT_THAT(ids(f), ElementsAre("deprecated-intermediate")) << fp << key;
        EXPECT_EQ(f[0].level, severity::high);
        EXPECT_EQ(f[0].rule, "globalsign-rsa-dv-ssl-ca-2018");
        EXPECT_EQ(f[0].cert->position, 1);
        EXPECT_THAT(f[0].remediation, HasSubstr("GlobalSign GCC R3 DV TLS CA 2020"));
    }
}

TEST(retired_intermediate, also_when_only_in_the_built_path) {
    chain_case c;
    c.name = "shop.example";
    c.serve(leaf("shop.example", "GlobalSign RSA DV SSL CA 2018"), 0)
        .unserved(gs2018(true, true), 1)
        .unserved(ca("GlobalSign", "GlobalSign", "3"), 2)
        .trusted();
    const auto f = c.run();
    ASSERT_THAT(ids(f), ElementsAre("chain-incomplete", "deprecated-intermediate"));
    EXPECT_EQ(f[1].cert->position, -1);
    // The missing intermediate is the retired one: adding it is not the fix.
    EXPECT_THAT(f[0].remediation, HasSubstr("Do not add it: it is a retired intermediate (rule "
                                            "globalsign-rsa-dv-ssl-ca-2018)"));
    EXPECT_THAT(f[0].remediation, ::testing::Not(HasSubstr("Add the missing intermediate")));
}

// Judged at a time before the retirement (--at), the intermediate was current.
TEST(retired_intermediate, not_before_the_day_it_was_retired) {
    auto before = under(gs2018(true, true));
    before.when = at("2021-01-20T23:59:59Z");
    EXPECT_THAT(ids(before.run()), ::testing::Not(::testing::Contains("deprecated-intermediate")));
    auto on = under(gs2018(true, true));
    on.when = at("2021-01-21");
    EXPECT_THAT(ids(on.run()), ::testing::Contains("deprecated-intermediate"));
}

// The three ways the retired intermediate gets into a chain, each with its own fix.
TEST(retired_intermediate, leaf_issued_under_it_needs_reissue) {
    const auto f = under(gs2018(true, true)).run();
    ASSERT_THAT(ids(f), ElementsAre("deprecated-intermediate"));
    EXPECT_THAT(f[0].message, HasSubstr("the leaf was issued under it"));
    EXPECT_THAT(f[0].remediation, HasSubstr("Reissue the certificate with a new key pair"));
}

TEST(retired_intermediate, leaf_issued_elsewhere_served_beside_it_needs_a_new_chain_file) {
    chain_case c;
    c.name = "shop.example";
    c.serve(leaf("shop.example", "GlobalSign GCC R3 DV TLS CA 2020"), 0)
        .serve(ca("GlobalSign GCC R3 DV TLS CA 2020", "GlobalSign", "4"), 1)
        .serve(gs2018(true, true), -1)
        .unserved(ca("GlobalSign", "GlobalSign", "3"), 2)
        .trusted();
    const auto f = c.run();
    ASSERT_THAT(ids(f), ElementsAre("chain-extra-certs", "deprecated-intermediate"));
    EXPECT_EQ(f[1].cert->position, 2);
    EXPECT_THAT(
        f[1].message,
        HasSubstr("issued by GlobalSign GCC R3 DV TLS CA 2020, and the retired intermediate is served beside it"));
    EXPECT_THAT(f[1].remediation, HasSubstr("the chain file is old"));
    EXPECT_THAT(f[1].remediation, HasSubstr("leaf followed by GlobalSign GCC R3 DV TLS CA 2020"));
    EXPECT_THAT(f[1].remediation, HasSubstr("No reissue is needed"));
    EXPECT_THAT(f[1].remediation, ::testing::Not(HasSubstr("new key pair")));
}

// Served twice, the finding names the first copy (it named the last, "position 3").
TEST(retired_intermediate, served_twice_names_the_first_copy) {
    chain_case c;
    c.name = "shop.example";
    c.serve(leaf("shop.example", "GlobalSign RSA DV SSL CA 2018"), 0)
        .serve(gs2018(true, true), 1)
        .serve(ca("GlobalSign GCC R3 DV TLS CA 2020", "GlobalSign", "4"), -1)
        .serve(gs2018(true, true), -1)
        .unserved(ca("GlobalSign", "GlobalSign", "3"), 2)
        .trusted();
    const auto f = c.run();
    const auto it =
        std::find_if(f.begin(), f.end(), [](const finding& x) { return x.id == "deprecated-intermediate"; });
    ASSERT_NE(it, f.end());
    EXPECT_EQ(it->cert->position, 1);
    EXPECT_THAT(it->message, HasSubstr("the leaf was issued under it"));
}

TEST(retired_intermediate, only_on_an_alternative_path_needs_the_current_chain_served) {
    chain_case c;
    c.name = "shop.example";
    c.serve(leaf("shop.example", "GlobalSign GCC R3 DV TLS CA 2020"), 0)
        .unserved(ca("GlobalSign GCC R3 DV TLS CA 2020", "GlobalSign RSA DV SSL CA 2018", "4"), 1)
        .unserved(gs2018(true, true), 2)
        .unserved(ca("GlobalSign", "GlobalSign", "3"), 3)
        .trusted();
    const auto f = c.run();
    const auto* d = find(f, "deprecated-intermediate");
    ASSERT_NE(d, nullptr);
    EXPECT_THAT(d->message, HasSubstr("only on another path to a root"));
    EXPECT_THAT(d->remediation, HasSubstr("No reissue is needed"));
    EXPECT_THAT(d->remediation, HasSubstr("Serve the leaf with GlobalSign GCC R3 DV TLS CA 2020 explicitly"));
}

// The retired intermediate served first (a misordered chain, or `check` given the CA file):
// it is the retired one by its fingerprint, never a name-only look-alike.
TEST(retired_intermediate, served_first_in_the_leafs_place) {
    chain_case c;
    c.name = "shop.example";
    c.serve(gs2018(true, true), 0).serve(leaf("shop.example", "GlobalSign RSA DV SSL CA 2018"), 1);
    const auto f = c.run();
    const auto* d = find(f, "deprecated-intermediate");
    ASSERT_NE(d, nullptr) << ::testing::PrintToString(ids(f));
    EXPECT_EQ(d->level, severity::high);
    EXPECT_EQ(d->cert->position, 0);
    EXPECT_THAT(d->message, HasSubstr("it is served first, in the leaf's place"));
    EXPECT_EQ(find(f, "deprecated-intermediate-unconfirmed"), nullptr);
}

TEST(retired_intermediate, look_alike_with_another_key_is_name_only) {
    const auto f = under(gs2018(false, false)).run();
    ASSERT_THAT(ids(f), ElementsAre("deprecated-intermediate-unconfirmed"));
    EXPECT_EQ(f[0].level, severity::low);
    EXPECT_THAT(f[0].message, HasSubstr("look-alike"));
}

// A rule that names only fingerprints says nothing of keys: the message does not claim the
// look-alike has another key (it may be a cross-sign of the retired CA's key).
TEST(retired_intermediate, a_fingerprint_only_rule_does_not_speak_of_keys) {
    const auto rules = parse_catalogue(fmt::format(R"({{"version": "fp", "rules": [{{"id": "old-ca",
        "kind": "retired-intermediate", "match": {{"sha256": ["{}"], "subject_cn": ["GlobalSign RSA DV SSL CA 2018"]}},
        "message": "m", "remediation": "r"}}]}})",
                                                   gs2018_sha256),
                                       "fp.json");
    const auto f = under(gs2018(false, true)).run(rules, {});
    ASSERT_THAT(ids(f), ElementsAre("deprecated-intermediate-unconfirmed"));
    EXPECT_THAT(f[0].message, HasSubstr("not its fingerprint (the rule names no key)"));
    EXPECT_THAT(f[0].message, ::testing::Not(HasSubstr("look-alike")));
}

// A user's rule names a look-alike of the retired CA by key (a private copy under test):
// its finding stands alone, without the built-in rule's "a look-alike, not the retired one".
TEST(retired_intermediate, a_copy_another_rule_names_by_key_is_not_called_a_look_alike) {
    const std::string copy_key(64, 'c');
    const auto rules = parse_catalogue(fmt::format(R"({{"version": "estate", "extends": "default", "rules": [{{
        "id": "estate-gs-dv-2018", "kind": "retired-intermediate", "match": {{"spki_sha256": ["{}"]}},
        "message": "our copy of the 2018 CA", "remediation": "r"}}]}})",
                                                   copy_key),
                                       "estate.json");
    auto look_alike = gs2018(false, false);
    look_alike.spki_sha256 = copy_key;
    const auto f = under(look_alike).run(rules, {});
    ASSERT_THAT(ids(f), ElementsAre("deprecated-intermediate"));
    EXPECT_EQ(f[0].rule, "estate-gs-dv-2018");
    // Without that rule it is a look-alike.
    EXPECT_THAT(ids(under(look_alike).run()), ElementsAre("deprecated-intermediate-unconfirmed"));
}

// Placeholders are filled in one pass: a certificate whose subject holds "{sha256}" is
// quoted as it is, not filled in again (rules.md: any other {...} is left as written).
TEST(retired_intermediate, placeholders_in_a_subject_are_not_filled_in) {
    const auto rules = parse_catalogue(fmt::format(R"({{"version": "ph", "rules": [{{"id": "old-ca",
        "kind": "retired-intermediate", "match": {{"sha256": ["{}"]}},
        "message": "{{subject}} ({{sha256}}) {{unknown}} {{", "remediation": "r"}}]}})",
                                                   gs2018_sha256),
                                       "ph.json");
    auto c = under(gs2018(true, true));
    c.certs[1].info->subject = "CN=Evil {sha256} CA {not_after}";
    c.verdict.path[1].info.subject = c.certs[1].info->subject;
    const auto f = c.run(rules, {});
    ASSERT_FALSE(f.empty());
    EXPECT_THAT(f[0].message,
                HasSubstr(fmt::format("CN=Evil {{sha256}} CA {{not_after}} ({}) {{unknown}} {{", gs2018_sha256)));
}

TEST(retired_intermediate, leaf_naming_the_issuer_without_it) {
    chain_case c;
    c.name = "shop.example";
    c.serve(leaf("shop.example", "GlobalSign RSA DV SSL CA 2018"), 0).error(verify_problem::missing_issuer, 0);
    const auto f = c.run();
    ASSERT_THAT(ids(f), ElementsAre("chain-untrusted", "deprecated-intermediate-unconfirmed"));
    EXPECT_THAT(f[1].message, HasSubstr("cannot be confirmed"));
}

TEST(retired_intermediate, the_replacement_is_not_flagged) {
    EXPECT_THAT(ids(under(ca("GlobalSign GCC R3 DV TLS CA 2020", "GlobalSign", "2")).run()), IsEmpty());
}

chain_case entrust_chain(time_point not_before, std::optional<time_point> sct = std::nullopt) {
    auto l1k = ca("Entrust Certification Authority - L1K", "Entrust Root Certification Authority - G2", "2");
    l1k.spki_sha256 = l1k_spki;
    auto c = under(l1k, "Entrust Root Certification Authority - G2");
    c.verdict.path[2].info.spki_sha256 = g2_spki;
    c.certs[0].info->not_before = not_before;
    c.certs[0].info->not_after = not_before + std::chrono::days(365);
    c.certs[0].info->earliest_sct = sct;
    c.when = not_before + std::chrono::days(10);
    return c;
}

// Found by the rules fuzz target (tests/fuzz/corpus/rules/crash-distrust-after-year-1029.json):
// dates outside 1678-2262 overflowed (UB) in fmt's chrono formatter when written into messages.
TEST(entrust, dates_far_from_now_are_written_out) {
    const auto rules = parse_catalogue(std::string(R"({"version": "old", "rules": [{"id": "d", "kind": "distrusted-ca",
        "match": {"spki_sha256": [")") + g2_spki +
                                           R"("]},
        "distrust": [{"program": "P", "after": "1029-01-01T00:00:00Z", "basis": "not-before"}],
        "message": "distrusted by {programs} until {leaf_not_after}", "remediation": "r"}]})",
                                       "test");
    auto c = entrust_chain(at("2024-12-01T00:00:00Z"));
    c.certs[0].info->not_after = std::chrono::sys_days{std::chrono::year{9999} / 12 / 31};
    const auto f = c.run(rules, {});
    // This catalogue does not date G2's removal from Mozilla's store, so the store's
    // missing websites bit applies whatever the time.
    ASSERT_THAT(ids(f), ElementsAre("issuer-distrusted", "root-program-untrusted"));
    EXPECT_THAT(f[0].message, HasSubstr("is after 1029-01-01T00:00:00Z"));
    EXPECT_THAT(f[0].message, HasSubstr("until 9999-12-31T00:00:00Z"));
}

TEST(entrust, before_the_cut_off_only_discontinued) {
    const auto f = entrust_chain(at("2024-11-11T23:59:59Z")).run();
    ASSERT_THAT(ids(f), ElementsAre("issuer-discontinued"));
    EXPECT_EQ(f[0].level, severity::medium);
    EXPECT_THAT(f[0].remediation, HasSubstr("2025-11-11T23:59:59Z"));
}

TEST(entrust, after_each_program_cut_off) {
    const auto chrome = entrust_chain(at("2024-11-12T00:00:00Z")).run();
    ASSERT_THAT(ids(chrome), ElementsAre("issuer-distrusted", "issuer-discontinued"));
    EXPECT_EQ(chrome[0].level, severity::high);
    EXPECT_EQ(chrome[0].cert->position, 0);
    EXPECT_THAT(chrome[0].message, HasSubstr("Chrome 131+ (notBefore 2024-11-12T00:00:00Z"));
    EXPECT_THAT(chrome[0].message, ::testing::Not(HasSubstr("Apple")));

    const auto apple = entrust_chain(at("2024-11-16T00:00:00Z")).run();
    EXPECT_THAT(apple[0].message, HasSubstr("Apple"));
    EXPECT_THAT(apple[0].message, ::testing::Not(HasSubstr("Mozilla")));
    const auto all = entrust_chain(at("2024-12-01T00:00:00Z")).run();
    EXPECT_THAT(all[0].message, HasSubstr("Chrome 131+"));
    EXPECT_THAT(all[0].message, HasSubstr("Apple"));
    EXPECT_THAT(all[0].message, HasSubstr("Mozilla"));
}

TEST(entrust, chrome_uses_the_earliest_sct) {
    // Issued (notBefore) before the cut-off but logged after it: Chrome distrusts.
    const auto late_sct = entrust_chain(at("2024-11-10"), at("2024-11-12T08:00:00Z")).run();
    ASSERT_THAT(ids(late_sct), ElementsAre("issuer-distrusted", "issuer-discontinued"));
    EXPECT_THAT(late_sct[0].message, HasSubstr("earliest SCT 2024-11-12T08:00:00Z"));
    // Back-dated notBefore after the cut-off, SCT before it: Chrome does not (Apple, Mozilla do).
    const auto early_sct = entrust_chain(at("2024-12-05"), at("2024-11-01")).run();
    EXPECT_THAT(early_sct[0].message, ::testing::Not(HasSubstr("Chrome")));
    EXPECT_THAT(early_sct[0].message, HasSubstr("Mozilla"));
}

TEST(entrust, anchoring_is_by_key_not_name) {
    auto c = entrust_chain(at("2025-01-01"));
    c.certs[1].info->spki_sha256 = std::string(64, 'c');
    c.verdict.path[1].info.spki_sha256 = std::string(64, 'c');
    c.verdict.path[2].info.spki_sha256 = std::string(64, 'd');
    EXPECT_THAT(ids(c.run()), IsEmpty());
}

TEST(entrust, a_served_but_unrelated_entrust_root_does_not_anchor) {
    auto c = under(ca("Other CA", "Other Root", "2"), "Other Root");
    auto g2 = ca("Entrust Root Certification Authority - G2", "Entrust Root Certification Authority - G2", "8");
    g2.spki_sha256 = g2_spki;
    c.serve(g2, -1);
    c.certs[0].info->not_before = at("2025-01-01");
    EXPECT_THAT(ids(c.run()), ElementsAre("chain-extra-certs"));
}

TEST(deployment, different_chains_behind_one_name) {
    const std::vector<node_chain> nodes{
        {"127.0.0.1", {"L1", "NEW"}, "CN=shop", {"GlobalSign GCC R3 DV TLS CA 2020"}, "", {}, ""},
        {"127.0.0.2", {"L1", "NEW"}, "CN=shop", {"GlobalSign GCC R3 DV TLS CA 2020"}, "", {}, ""},
        {"127.0.0.3", {"L0", "OLD"}, "CN=shop", {"GlobalSign RSA DV SSL CA 2018"}, "", {}, ""},
    };
    const auto f = audit_deployment("shop.example:443", nodes, default_catalogue());
    ASSERT_TRUE(f.has_value());
    EXPECT_EQ(f->id, "inconsistent-deployment");
    EXPECT_EQ(f->level, severity::high);
    EXPECT_THAT(f->message, HasSubstr("127.0.0.1, 127.0.0.2 serve leaf"));
    EXPECT_THAT(f->message, HasSubstr("127.0.0.3 serves leaf"));
    EXPECT_THAT(f->message, HasSubstr("GlobalSign RSA DV SSL CA 2018"));
    EXPECT_FALSE(audit_deployment("x", std::span(nodes).first(2), default_catalogue()).has_value());
    // Addresses that served nothing are counted in the message.
    const auto partly = audit_deployment("shop.example:443", nodes, default_catalogue(), 5);
    ASSERT_TRUE(partly.has_value());
    EXPECT_THAT(partly->message, HasSubstr("the 5 addresses behind shop.example:443 serve 2 different chains (2 "
                                           "served none): "));
}

// A node whose RSA-only probe timed out (no answer, not an alert) is known in part: it agrees
// with a node that serves what it served and more, and a finding says which probes failed.
// It was reported as a node without the RSA chain, a high finding out of one lost packet.
TEST(deployment, a_node_known_in_part_agrees_with_one_that_serves_more) {
    node_chain full{"127.0.0.11", {"ECDSA-LEAF", "NEW"}, "CN=shop", {"GlobalSign GCC R3 DV TLS CA 2020"}, "", {}, ""};
    full.others.push_back({"", {"RSA-LEAF", "NEW-RSA"}, "CN=shop", {"GlobalSign GCC R3 DV TLS CA 2020"}, "", {}, ""});
    node_chain partial{
        "127.0.0.14", {"ECDSA-LEAF", "NEW"}, "CN=shop", {"GlobalSign GCC R3 DV TLS CA 2020"}, "", {}, ""};
    partial.unknown = "rsa (timeout-handshake)";
    const std::vector<node_chain> agreeing{partial, full};
    EXPECT_FALSE(audit_deployment("shop.example:443", agreeing, default_catalogue()).has_value());
    // What it did serve still has to match.
    partial.chain_sha256 = {"OTHER-LEAF", "NEW"};
    const std::vector<node_chain> differing{full, partial};
    const auto f = audit_deployment("shop.example:443", differing, default_catalogue());
    ASSERT_TRUE(f.has_value());
    EXPECT_THAT(f->message, HasSubstr("127.0.0.14 serves leaf OTHER-LEAF…"));
    EXPECT_THAT(f->message,
                HasSubstr("(no answer to probes, so known in part: rsa (timeout-handshake) at 127.0.0.14)"));
}

// An interrupted scan judges a name on the addresses it reached, and says so.
TEST(deployment, an_interrupted_scan_counts_the_addresses_it_reached) {
    const std::vector<node_chain> nodes{
        {"127.0.0.1", {"L1", "NEW"}, "CN=shop", {"GlobalSign GCC R3 DV TLS CA 2020"}, "", {}, ""},
        {"127.0.0.3", {"L0", "OLD"}, "CN=shop", {"GlobalSign RSA DV SSL CA 2018"}, "", {}, ""},
    };
    const auto f = audit_deployment("partial.example:443", nodes, default_catalogue(), 52, 7);
    ASSERT_TRUE(f.has_value());
    EXPECT_THAT(f->message, HasSubstr("the 52 addresses behind partial.example:443 serve 2 different chains (7 of "
                                      "them scanned before the scan stopped; 5 served none): "));
}

// The name of the finding is the name resolved, with an SNI override beside it.
TEST(deployment, the_finding_names_the_host_resolved_and_its_sni) {
    deployment_tracker tracker;
    const auto node = [](std::string address, std::string leaf) {
        endpoint_result r;
        r.ep.tgt.host = "lb.example";
        r.ep.tgt.sni = "shop.example";
        r.ep.tgt.port = 8443;
        r.ep.tgt.line_no = 1;
        r.ep.address = std::move(address);
        r.ep.address_count = 2;
        r.cap.chain = {bytes{1}};
        cert_info info;
        info.sha256 = std::move(leaf);
        r.certs.push_back(parsed_cert{info, ""});
        return r;
    };
    EXPECT_FALSE(tracker.add(node("127.0.0.1", "A"), default_catalogue()).has_value());
    const auto judged = tracker.add(node("127.0.0.2", "B"), default_catalogue());
    ASSERT_TRUE(judged.has_value());
    ASSERT_EQ(judged->findings.size(), 1u);
    EXPECT_THAT(judged->findings[0].message, HasSubstr("behind lb.example:8443 (SNI shop.example) serve 2"));
}

// Nodes that agree on the chain modern clients get but not on the one RSA-only clients get.
TEST(deployment, chains_served_to_other_probes_are_compared) {
    const auto node_with = [](std::string address, std::string rsa_leaf) {
        node_chain n{std::move(address),
                     {"ECDSA-LEAF", "NEW"},
                     "CN=shop",
                     {"GlobalSign GCC R3 DV TLS CA 2020"},
                     "modern clients",
                     {},
                     ""};
        n.others.push_back({"",
                            {std::move(rsa_leaf), "OLD"},
                            "CN=shop",
                            {"GlobalSign RSA DV SSL CA 2018"},
                            "RSA-only clients",
                            {},
                            ""});
        return n;
    };
    const std::vector<node_chain> nodes{node_with("127.0.0.61", "RSA-1"), node_with("127.0.0.62", "RSA-2")};
    const auto f = audit_deployment("shop.example:443", nodes, default_catalogue());
    ASSERT_TRUE(f.has_value());
    EXPECT_THAT(f->message, HasSubstr("serve 2 different chain sets"));
    EXPECT_THAT(f->message, HasSubstr("127.0.0.61 serves leaf ECDSA-LEAF… (CN=shop) via GlobalSign GCC R3 DV TLS CA "
                                      "2020 to modern clients and leaf RSA-1… (CN=shop) via GlobalSign RSA DV SSL CA "
                                      "2018 to RSA-only clients"));
    EXPECT_THAT(f->message, HasSubstr("127.0.0.62 serves leaf ECDSA-LEAF…"));
    // The same chains to other probes (or in another order) agree.
    auto swapped = node_with("127.0.0.63", "RSA-1");
    std::swap(swapped.chain_sha256, swapped.others[0].chain_sha256);
    const std::vector<node_chain> same{nodes[0], swapped};
    EXPECT_FALSE(audit_deployment("shop.example:443", same, default_catalogue()).has_value());
    // A node without the RSA chain differs from one with it.
    auto single = nodes[0];
    single.address = "127.0.0.64";
    single.others.clear();
    const std::vector<node_chain> one_less{nodes[0], single};
    EXPECT_TRUE(audit_deployment("shop.example:443", one_less, default_catalogue()).has_value());
}

endpoint_result node(const std::string& host, const std::string& address, const std::string& leaf_tag,
                     std::size_t address_count) {
    endpoint_result r;
    r.ep.tgt.host = host;
    r.ep.tgt.sni = host;
    r.ep.address = address;
    r.ep.address_count = address_count;
    r.cap.chain = {bytes{1}};
    r.certs = {parsed_cert{leaf(host, "Int", leaf_tag), {}}};
    return r;
}

TEST(deployment, tracker_judges_each_name_when_its_last_address_is_in) {
    const auto& rules = default_catalogue();
    deployment_tracker tracker;
    EXPECT_FALSE(tracker.add(node("a.example", "127.0.3.1", "1", 4), rules));
    EXPECT_FALSE(tracker.add(node("b.example", "127.0.3.5", "7", 2), rules));
    EXPECT_FALSE(tracker.add(node("a.example", "127.0.3.2", "1", 4), rules));
    // b's two nodes agree: complete, nothing to report.
    EXPECT_FALSE(tracker.add(node("b.example", "127.0.3.6", "7", 2), rules));
    EXPECT_FALSE(tracker.add(node("a.example", "127.0.3.3", "2", 4), rules));
    auto failed = node("a.example", "127.0.3.4", "3", 4);
    failed.cap.error = scan_error{"connect", "refused", ""};
    const auto name = tracker.add(failed, rules);  // a's fourth and last endpoint
    ASSERT_TRUE(name);
    EXPECT_EQ(name->tgt.host, "a.example");
    EXPECT_THAT(name->addresses, ElementsAre("127.0.3.1", "127.0.3.2", "127.0.3.3"));
    ASSERT_THAT(ids(name->findings), ElementsAre("inconsistent-deployment"));
    EXPECT_THAT(tracker.finish(rules), IsEmpty());  // nothing left open
}

// Under --no-dedupe a target listed on two lines is two targets: each line's addresses are
// judged together, never mixed with the other line's.
TEST(deployment, a_repeated_target_is_judged_per_line) {
    const auto& rules = default_catalogue();
    deployment_tracker tracker;
    const auto on_line = [](endpoint_result r, std::uint64_t line) {
        r.ep.tgt.line_no = line;
        return r;
    };
    EXPECT_FALSE(tracker.add(on_line(node("e.example", "127.0.3.11", "1", 2), 1), rules));
    EXPECT_FALSE(tracker.add(on_line(node("e.example", "127.0.3.11", "1", 2), 3), rules));
    const auto first = tracker.add(on_line(node("e.example", "127.0.3.12", "2", 2), 1), rules);
    ASSERT_TRUE(first);
    EXPECT_THAT(first->addresses, ElementsAre("127.0.3.11", "127.0.3.12"));
    const auto second = tracker.add(on_line(node("e.example", "127.0.3.12", "2", 2), 3), rules);
    ASSERT_TRUE(second);
    EXPECT_EQ(second->tgt.line_no, 3u);
    EXPECT_THAT(second->addresses, ElementsAre("127.0.3.11", "127.0.3.12"));
    EXPECT_THAT(tracker.finish(rules), IsEmpty());
}

// The tracker reads every chain of a result: the one its first probe got and its other_chains.
TEST(deployment, tracker_compares_the_chains_of_every_probe) {
    const auto& rules = default_catalogue();
    const auto dual = [](const std::string& address, const std::string& rsa_tag) {
        auto r = node("f.example", address, "1", 2);
        endpoint_result rsa = node("f.example", address, rsa_tag, 2);
        r.other_chains.push_back(std::move(rsa));
        r.cap.probes = {probe_outcome{"modern", 0, "capture", "", std::nullopt},
                        probe_outcome{"rsa", 1, "capture", "", std::nullopt}};
        return r;
    };
    deployment_tracker tracker;
    EXPECT_FALSE(tracker.add(dual("127.0.3.13", "8"), rules));
    const auto name = tracker.add(dual("127.0.3.14", "9"), rules);
    ASSERT_TRUE(name);
    ASSERT_THAT(ids(name->findings), ElementsAre("inconsistent-deployment"));
    EXPECT_THAT(name->findings[0].message, HasSubstr("to RSA-only clients"));
    deployment_tracker agreeing;
    EXPECT_FALSE(agreeing.add(dual("127.0.3.13", "8"), rules));
    EXPECT_FALSE(agreeing.add(dual("127.0.3.14", "8"), rules));
}

// A probe the server answered without a chain (a chain too large, an alert) tells what that
// node serves: it still differs from a node that serves the RSA chain. Only a probe that got
// no answer (a timeout) leaves the node known in part.
TEST(deployment, a_probe_the_server_answered_is_no_unknown) {
    const auto& rules = default_catalogue();
    const auto dual = [](const std::string& address) {
        auto r = node("g.example", address, "1", 2);
        r.other_chains.push_back(node("g.example", address, "8", 2));
        r.cap.probes = {probe_outcome{"modern", 0, "capture", "", std::nullopt},
                        probe_outcome{"rsa", 1, "capture", "", std::nullopt}};
        return r;
    };
    const auto failed_rsa = [](const std::string& address, const char* code) {
        auto r = node("g.example", address, "1", 2);
        r.cap.probes = {probe_outcome{"modern", 0, "capture", "", std::nullopt},
                        probe_outcome{"rsa", -1, "capture", "", scan_error{"handshake", code, "x"}}};
        return r;
    };
    for (const auto* answered : {error_codes::chain_too_large, error_codes::tls_alert, error_codes::not_tls}) {
        deployment_tracker tracker;
        EXPECT_FALSE(tracker.add(dual("127.0.3.21"), rules));
        EXPECT_TRUE(tracker.add(failed_rsa("127.0.3.22", answered), rules)) << answered;
    }
    deployment_tracker unanswered;
    EXPECT_FALSE(unanswered.add(dual("127.0.3.21"), rules));
    EXPECT_FALSE(unanswered.add(failed_rsa("127.0.3.22", error_codes::timeout_handshake), rules));
}

TEST(deployment, single_address_targets_are_not_held) {
    const auto& rules = default_catalogue();
    deployment_tracker tracker;
    // Same name, one address each (e.g. two ports): nothing to compare, nothing held.
    EXPECT_FALSE(tracker.add(node("c.example", "127.0.3.7", "1", 1), rules));
    EXPECT_FALSE(tracker.add(node("c.example", "127.0.3.8", "2", 1), rules));
    EXPECT_THAT(tracker.finish(rules), IsEmpty());
}

TEST(deployment, an_interrupted_name_is_judged_at_finish) {
    const auto& rules = default_catalogue();
    deployment_tracker tracker;
    EXPECT_FALSE(tracker.add(node("d.example", "127.0.3.9", "1", 3), rules));
    EXPECT_FALSE(tracker.add(node("d.example", "127.0.3.10", "2", 3), rules));
    const auto names = tracker.finish(rules);  // the third address never came
    ASSERT_EQ(names.size(), 1u);
    EXPECT_EQ(names[0].tgt.host, "d.example");
    EXPECT_THAT(tracker.finish(rules), IsEmpty());
}

}  // namespace
}  // namespace tlsaudit::audit
