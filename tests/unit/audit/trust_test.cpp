// Chain validation (tlsaudit/trust.hpp) with the system store, --ca-file and lab roots,
// at pinned times (the real certificates are clock-sensitive), and the audit on top.

#include <tlsaudit/audit.hpp>
#include <tlsaudit/cert_cache.hpp>
#include <tlsaudit/lab/pki.hpp>
#include <tlsaudit/lab/real_certs.hpp>
#include <tlsaudit/trust.hpp>
#include <tlsaudit/x509.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

namespace tlsaudit {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

const std::filesystem::path real_dir = TLSAUDIT_TEST_DATA "/real";

time_point at(const char* text) { return *audit::parse_time(text); }

x509::trust_options options(std::vector<std::filesystem::path> files, std::vector<std::filesystem::path> dirs = {},
                            std::vector<bytes> roots = {}, bool system = true) {
    x509::trust_options o;
    o.system_default = system;
    o.ca_files = std::move(files);
    o.ca_dirs = std::move(dirs);
    o.extra_roots = std::move(roots);
    return o;
}

bytes real(const char* stem) { return lab::real_cert(stem).front(); }

const x509::trust_store& system_store() {
    static const x509::trust_store store{x509::trust_options{}};
    return store;
}

std::vector<parsed_cert> parse_all(const std::vector<bytes>& chain) {
    std::vector<parsed_cert> out;
    for (const auto& der : chain) {
        parsed_cert p;
        p.info = x509::parse_certificate(der, p.error);
        out.push_back(std::move(p));
    }
    return out;
}

std::vector<std::string> audit_ids(const std::vector<bytes>& chain, const chain_verdict& v, const char* name,
                                   time_point when) {
    const auto certs = parse_all(chain);
    audit::chain_input in{chain, certs, name, when, &v, {}};
    std::vector<std::string> out;
    for (const auto& f : audit::audit_chain(in, audit::default_catalogue(), {})) out.push_back(f.id);
    return out;
}

TEST(trust, real_globalsign_2018_chain_against_the_system_store) {
    const std::vector<bytes> chain{real("leaf-analysys-cn-globalsign-rsa-dv-2018-expired"),
                                   real("globalsign-rsa-dv-ssl-ca-2018")};
    const auto v = system_store().verify(chain, at("2020-06-01"));
    EXPECT_TRUE(v.trusted) << (v.errors.empty() ? "" : v.errors.front().text);
    ASSERT_EQ(v.path.size(), 3u);
    EXPECT_EQ(v.path[0].origin, cert_origin::served);
    EXPECT_EQ(v.path[1].served_position, 1);
    EXPECT_EQ(v.path[2].origin, cert_origin::store);
    EXPECT_EQ(v.path[2].info.sha256, "cbb522d7b7f127ad6a0113865bdf1cd4102e7d0759af635a7cf4720dc963c53b");
    // The intermediate was retired on 2021-01-21: current at this date.
    EXPECT_THAT(audit_ids(chain, v, "www.analysys.cn", at("2020-06-01")), ElementsAre("validity-next-limit"));

    // --at moves the verdict: the leaf expired on 2020-11-15, the intermediate retired.
    const auto later = system_store().verify(chain, at("2021-01-21"));
    EXPECT_FALSE(later.trusted);
    EXPECT_TRUE(later.has(verify_problem::expired));
    EXPECT_EQ(later.path.size(), 3u);
    EXPECT_THAT(audit_ids(chain, later, "www.analysys.cn", at("2021-01-21")),
                ElementsAre("cert-expired", "deprecated-intermediate", "validity-next-limit"));
}

TEST(trust, a_leaf_alone_is_completed_from_a_ca_file) {
    const std::vector<bytes> chain{real("leaf-analysys-cn-globalsign-rsa-dv-2018-expired")};
    const auto alone = system_store().verify(chain, at("2020-06-01"));
    EXPECT_FALSE(alone.trusted);
    EXPECT_TRUE(alone.has(verify_problem::missing_issuer));
    EXPECT_THAT(audit_ids(chain, alone, "analysys.cn", at("2020-06-01")),
                ElementsAre("chain-untrusted", "validity-next-limit"));
    EXPECT_THAT(
        audit_ids(chain, alone, "analysys.cn", at("2021-01-21")),
        ElementsAre("cert-expired", "chain-untrusted", "deprecated-intermediate-unconfirmed", "validity-next-limit"));

    const x509::trust_store with_file{options({real_dir / "globalsign-rsa-dv-ssl-ca-2018.pem"})};
    const auto v = with_file.verify(chain, at("2020-06-01"));
    EXPECT_TRUE(v.trusted);
    ASSERT_EQ(v.path.size(), 3u);
    EXPECT_EQ(v.path[1].origin, cert_origin::store);
    EXPECT_THAT(audit_ids(chain, v, "analysys.cn", at("2020-06-01")),
                ElementsAre("chain-incomplete", "validity-next-limit"));
}

TEST(trust, fetched_helpers_are_marked) {
    const std::vector<bytes> chain{real("leaf-analysys-cn-globalsign-rsa-dv-2018-expired")};
    const std::vector<bytes> fetched{real("globalsign-rsa-dv-ssl-ca-2018")};
    const auto v = system_store().verify(chain, at("2020-06-01"), fetched);
    EXPECT_TRUE(v.trusted);
    ASSERT_EQ(v.path.size(), 3u);
    EXPECT_EQ(v.path[1].origin, cert_origin::fetched);
}

TEST(trust, lab_hierarchy_with_an_extra_root) {
    const auto h = lab::make_hierarchy(lab::key_kind::ec_p256, 1, {"lab.example"});
    const auto chain = h.served_chain();
    // Lab certificates are valid from a day before they are made: judge them now.
    const auto now = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
    EXPECT_TRUE(system_store().verify(chain, now).has(verify_problem::missing_issuer));
    const x509::trust_store lab_store{options({}, {}, {h.root.der}, false)};
    const auto v = lab_store.verify(chain, now);
    EXPECT_TRUE(v.trusted);
    EXPECT_EQ(v.path.size(), 3u);
    EXPECT_THAT(audit_ids(chain, v, "lab.example", now), IsEmpty());

    // The root served too: still trusted, nothing extra.
    auto with_root = chain;
    with_root.push_back(h.root.der);
    const auto v2 = lab_store.verify(with_root, now);
    EXPECT_TRUE(v2.trusted);
    EXPECT_EQ(v2.path.back().served_position, 2);
    EXPECT_THAT(audit_ids(with_root, v2, "lab.example", now), IsEmpty());
}

TEST(trust, self_signed_and_garbage) {
    const auto self = lab::make_self_signed(lab::leaf_spec("self.example"), lab::lab_key(lab::key_kind::ec_p256, 40));
    const std::vector<bytes> chain{self.der};
    const auto now = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
    const auto v = system_store().verify(chain, now);
    EXPECT_FALSE(v.trusted);
    EXPECT_TRUE(v.has(verify_problem::self_signed_leaf));
    EXPECT_THAT(audit_ids(chain, v, "self.example", now), ElementsAre("self-signed"));

    const std::vector<bytes> garbage{bytes{0x30, 0x03, 0x01, 0x01, 0xff}};
    const auto g = system_store().verify(garbage, now);
    EXPECT_FALSE(g.trusted);
    EXPECT_FALSE(g.leaf_error.empty());
    EXPECT_TRUE(g.path.empty());
}

TEST(trust, entrust_lab_leaf_under_the_real_l1k) {
    // A lab leaf named as issued by the real L1K: the path is built by name and key id
    // up to the real G2 root in the system store; the forged signature fails, the
    // identities still say "Entrust".
    auto chain_for = [](const char* not_before) {
        auto spec = lab::leaf_spec("entrust.example");
        spec.not_before = at(not_before);
        spec.not_after = at(not_before) + std::chrono::days(200);
        const auto l = lab::issue_under_name(real("entrust-ca-l1k"), lab::lab_key(lab::key_kind::rsa_2048, 41), spec,
                                             lab::lab_key(lab::key_kind::ec_p256, 41));
        return std::vector<bytes>{l.der, real("entrust-ca-l1k")};
    };
    const auto before = chain_for("2024-10-01");
    const auto v = system_store().verify(before, at("2025-01-10"));
    ASSERT_EQ(v.path.size(), 3u);
    EXPECT_EQ(v.path[2].info.subject_cn, "Entrust Root Certification Authority - G2");
    EXPECT_TRUE(v.has(verify_problem::bad_signature));
    EXPECT_THAT(audit_ids(before, v, "entrust.example", at("2025-01-10")),
                ElementsAre("chain-untrusted", "issuer-discontinued"));

    const auto after = chain_for("2024-12-02");
    const auto v2 = system_store().verify(after, at("2025-01-10"));
    EXPECT_THAT(audit_ids(after, v2, "entrust.example", at("2025-01-10")),
                ElementsAre("chain-untrusted", "issuer-distrusted", "issuer-discontinued"));
}

TEST(trust, configuration_errors_throw) {
    EXPECT_THROW(x509::trust_store(options({"/nonexistent.pem"})), std::runtime_error);
    EXPECT_THROW(x509::trust_store(options({real_dir / "SOURCES.md"})), std::runtime_error);
    EXPECT_THROW(x509::trust_store(options({}, {"/nonexistent-dir"})), std::runtime_error);
    EXPECT_THROW(x509::trust_store(options({}, {}, {bytes{1, 2, 3}})), std::runtime_error);
    EXPECT_NO_THROW(x509::trust_store(options({}, {real_dir})));
}

TEST(verify_cache, one_validation_per_distinct_chain_across_threads) {
    x509::verify_cache cache(system_store());
    const std::vector<bytes> chain{real("leaf-analysys-cn-globalsign-rsa-dv-2018-expired"),
                                   real("globalsign-rsa-dv-ssl-ca-2018")};
    std::vector<std::thread> threads;
    std::atomic<int> trusted{0};
    for (int t = 0; t < 8; ++t)
        threads.emplace_back([&] {
            for (int i = 0; i < 250; ++i)
                if (cache.verify(chain, at("2020-06-01"))->trusted) ++trusted;
        });
    for (auto& t : threads) t.join();
    EXPECT_EQ(trusted.load(), 2000);
    EXPECT_EQ(cache.validations(), 1u);
    cache.verify(chain, at("2021-01-20"));  // another time is another question
    cache.verify(std::span(chain).first(1), at("2020-06-01"));
    EXPECT_EQ(cache.validations(), 3u);
}

TEST(verify_cache, keys_on_the_scans_digests_and_stays_bounded) {
    x509::cert_cache certs;
    const std::vector<bytes> chain{real("leaf-analysys-cn-globalsign-rsa-dv-2018-expired"),
                                   real("globalsign-rsa-dv-ssl-ca-2018")};
    const std::vector<parsed_cert> parsed{certs.parse(chain[0]), certs.parse(chain[1])};
    const std::string identity = x509::chain_identity(chain, parsed);
    ASSERT_EQ(identity.size(), 128u);
    std::vector<parsed_cert> unparsed = parsed;
    unparsed[1].info.reset();
    EXPECT_EQ(x509::chain_identity(chain, unparsed), "");  // a certificate that did not parse: hash the DER
    EXPECT_EQ(x509::chain_identity(std::span(chain).first(1), parsed), "");  // not one for one

    x509::verify_cache cache(system_store(), 2);
    // With or without the identity, the same chain is the same entry.
    EXPECT_TRUE(cache.verify(chain, at("2020-06-01"), {}, identity)->trusted);
    EXPECT_TRUE(cache.verify(chain, at("2020-06-01"))->trusted);
    EXPECT_EQ(cache.validations(), 1u);
    // A third distinct question empties the full cache rather than growing it.
    cache.verify(chain, at("2020-07-01"), {}, identity);
    cache.verify(chain, at("2020-08-01"), {}, identity);
    EXPECT_EQ(cache.validations(), 3u);
    cache.verify(chain, at("2020-06-01"), {}, identity);
    EXPECT_EQ(cache.validations(), 4u);
}

}  // namespace
}  // namespace tlsaudit
