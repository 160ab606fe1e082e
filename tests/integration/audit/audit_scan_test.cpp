// Live scans of loopback lab servers, audited as the pipeline does: each finding from a
// server built for it, inconsistent-deployment once per name, one validation and one
// per-program judgement per distinct chain.

#include "audit_support.hpp"
#include "scan_support.hpp"
#include <tlsaudit/report/json_records.hpp>

#include <tlsaudit/lab/dns_server.hpp>
#include <tlsaudit/lab/real_certs.hpp>
#include <tlsaudit/lab/tls_server.hpp>
#include <tlsaudit/x509.hpp>

#include <fmt/format.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>

namespace tlsaudit::testing {
namespace {

using std::chrono::days;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

struct lab_case {
    std::string id;
    std::string name;
    std::vector<bytes> chain;
    lab::key leaf_key;
};

class audited_scan : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        const auto& pki = lab_pki();
        const auto& inter = pki.intermediates.back();
        const auto t0 = now();
        auto leaf_case = [&](std::string id, lab::cert_spec spec, std::size_t key, std::vector<bytes> tail) {
            const auto leaf = lab_leaf(spec, key);
            std::vector<bytes> chain{leaf.der};
            chain.insert(chain.end(), tail.begin(), tail.end());
            cases_.push_back({std::move(id), spec.dns_names.front(), std::move(chain), leaf.k});
        };
        cases_.push_back({"good", "good.lab.test", pki.served_chain(), pki.leaf.k});
        auto expired = lab::leaf_spec("expired.lab.test");
        expired.not_before = t0 - days(100);
        expired.not_after = t0 - days(1);
        leaf_case("expired", expired, 80, {inter.der});
        auto expiring = lab::leaf_spec("expiring.lab.test");
        expiring.not_after = t0 + days(7);
        leaf_case("expiring", expiring, 81, {inter.der});
        cases_.push_back({"wrong-host", "www.lab.test", pki.served_chain(), pki.leaf.k});
        leaf_case("extra", lab::leaf_spec("extra.lab.test"), 82,
                  {inter.der, lab::real_cert("entrust-root-ca-g4").front()});
        const auto self =
            lab::make_self_signed(lab::leaf_spec("self.lab.test"), lab::lab_key(lab::key_kind::ec_p256, 83));
        cases_.push_back({"self-signed", "self.lab.test", {self.der}, self.k});
        const auto gs_leaf = lab::issue_under_name(
            lab::real_cert("globalsign-rsa-dv-ssl-ca-2018").front(), lab::lab_key(lab::key_kind::rsa_2048, 84),
            lab::leaf_spec("old.lab.test"), lab::lab_key(lab::key_kind::ec_p256, 84));
        cases_.push_back({"globalsign-2018",
                          "old.lab.test",
                          {gs_leaf.der, lab::real_cert("globalsign-rsa-dv-ssl-ca-2018").front()},
                          gs_leaf.k});

        auto future = lab::leaf_spec("future.lab.test");
        future.not_before = t0 + days(5);
        future.not_after = t0 + days(60);
        leaf_case("not-yet-valid", future, 87, {inter.der});
        leaf_case("incomplete", lab::leaf_spec("incomplete.lab.test"), 88, {});

        lab::hierarchy_options deep_options;
        deep_options.kind = lab::key_kind::ec_p256;
        deep_options.intermediates = 3;
        deep_options.leaf_dns_names = {"deep.lab.test"};
        deep_options.key_index = 90;
        const auto deep = lab::make_hierarchy(deep_options);
        const auto& di = deep.intermediates;
        cases_.push_back(
            {"misordered", "deep.lab.test", {deep.leaf.der, di[0].der, di[2].der, di[1].der}, deep.leaf.k});
        lab::hierarchy_options weak_options;
        weak_options.kind = lab::key_kind::rsa_1024;
        weak_options.leaf_dns_names = {"weak.lab.test"};
        weak_options.key_index = 95;
        weak_options.digest = "sha1";
        const auto weak = lab::make_hierarchy(weak_options);
        cases_.push_back({"weak", "weak.lab.test", weak.served_chain(), weak.leaf.k});
        roots_ = {pki.root.der, deep.root.der, weak.root.der};

        auto entrust = [&](std::string id, const char* not_before, std::size_t key) {
            auto spec = lab::leaf_spec(id + ".lab.test");
            spec.not_before = at(not_before);
            spec.not_after = t0 + days(100);
            const bytes l1k = lab::real_cert("entrust-ca-l1k").front();
            const auto leaf = lab::issue_under_name(l1k, lab::lab_key(lab::key_kind::rsa_2048, key), spec,
                                                    lab::lab_key(lab::key_kind::ec_p256, key));
            cases_.push_back({id, id + ".lab.test", {leaf.der, l1k}, leaf.k});
        };
        entrust("entrust-before", "2024-11-01", 97);
        entrust("entrust-after", "2024-12-02", 98);

        auto fake_spec = lab::ca_spec("GlobalSign RSA DV SSL CA 2018");
        fake_spec.organization = "GlobalSign nv-sa";
        const auto fake = lab::issue(pki.root, fake_spec, lab::lab_key(lab::key_kind::rsa_2048, 99));
        const auto fake_leaf =
            lab::issue(fake, lab::leaf_spec("lookalike.lab.test"), lab::lab_key(lab::key_kind::ec_p256, 99));
        cases_.push_back({"look-alike", "lookalike.lab.test", {fake_leaf.der, fake.der}, fake_leaf.k});

        servers_ = std::make_unique<lab::server_pool>(1);
        for (const auto& c : cases_) {
            lab::server_config config;
            config.chain = c.chain;
            config.leaf_key = c.leaf_key;
            const auto port = servers_->start(config);
            lines_[fmt::format("127.0.0.1:{} sni={}", port, c.name)] = c.id;
        }

        // A fleet: one name, three addresses; the third node was not redeployed.
        dns_ = std::make_unique<lab::dns_server>();
        const auto fresh = lab_leaf(lab::leaf_spec("fleet.lab.test"), 85);
        const auto stale = lab_leaf(lab::leaf_spec("fleet.lab.test"), 86);
        auto config_for = [&](const lab::credential& leaf, const std::string& address, std::uint16_t port) {
            lab::server_config c;
            c.chain = {leaf.der, inter.der};
            c.leaf_key = leaf.k;
            c.bind_address = address;
            c.port = port;
            return c;
        };
        for (int attempt = 0;; ++attempt) {
            try {
                const auto port = servers_->start(config_for(fresh, "127.0.0.1", 0));
                servers_->start(config_for(fresh, "127.0.0.2", port));
                servers_->start(config_for(stale, "127.0.0.3", port));
                dns_->add("fleet.lab.test", {"127.0.0.1", "127.0.0.2", "127.0.0.3"});
                lines_[fmt::format("fleet.lab.test:{}", port)] = "fleet";
                break;
            } catch (const std::system_error&) {
                if (attempt >= 20) throw;  // the port was taken on another address: try another
            }
        }
    }

    // Scans every case, audits each result like the pipeline, and returns the findings
    // by case id (address appended for the fleet) plus the name-level results.
    struct audited {
        std::map<std::string, std::vector<std::string>> ids;
        std::vector<name_result> names;
        std::size_t validations = 0;
        std::size_t judgements = 0;  // per-program
        std::size_t results = 0;
    };
    static audited scan_and_audit(const std::string& extra_lines = {}) {
        std::string text;
        for (const auto& [line, id] : lines_) text += line + "\n";
        text += extra_lines;
        auto config = quick_config(16);
        config.resolver = fmt::format("{}:{}", dns_->address(), dns_->port());
        const auto out = scan_text(text, config);
        // The lab roots are trusted; the lab intermediate is also a --ca-file, so that a
        // leaf served alone is completed from it (chain-incomplete).
        temp_dir dir;
        app::audit_settings settings;
        settings.extra_roots = roots_;
        settings.ca_files = {dir.write_pem("intermediate.pem", {lab_pki().intermediates.back().der})};
        app::audit_runtime runtime(settings, now());
        audited a;
        for (const auto& r : out.results) {
            endpoint_result result{r.ep, r.cap};
            for (const auto& der : result.cap.chain) {
                parsed_cert p;
                p.info = x509::parse_certificate(der, p.error);
                result.certs.push_back(std::move(p));
            }
            runtime.audit(result);
            if (auto name = runtime.track(result)) a.names.push_back(std::move(*name));
            std::string key = lines_.count(r.ep.tgt.input) ? lines_.at(r.ep.tgt.input) : r.ep.tgt.input;
            if (key == "fleet") key += "@" + r.ep.address;
            if (result.cap.error) key += " error " + result.cap.error->code;
            a.ids[key] = ids(result.findings);
            ++a.results;
        }
        for (auto& name : runtime.finish()) a.names.push_back(std::move(name));
        a.validations = runtime.validations();
        a.judgements = runtime.program_judgements();
        return a;
    }

    static void TearDownTestSuite() {
        servers_.reset();
        dns_.reset();
        cases_.clear();
        lines_.clear();
        roots_.clear();
    }

    static inline std::vector<lab_case> cases_;
    static inline std::map<std::string, std::string> lines_;  // target line -> case id
    static inline std::unique_ptr<lab::server_pool> servers_;
    static inline std::unique_ptr<lab::dns_server> dns_;
    static inline std::vector<bytes> roots_;
};

TEST_F(audited_scan, each_endpoint_gets_the_findings_built_for_it) {
    const auto a = scan_and_audit();
    EXPECT_THAT(a.ids.at("good"), IsEmpty());
    EXPECT_THAT(a.ids.at("expired"), ElementsAre("cert-expired"));
    EXPECT_THAT(a.ids.at("expiring"), ElementsAre("cert-expiring"));
    EXPECT_THAT(a.ids.at("wrong-host"), ElementsAre("hostname-mismatch"));
    EXPECT_THAT(a.ids.at("extra"), ElementsAre("chain-extra-certs"));
    EXPECT_THAT(a.ids.at("self-signed"), ElementsAre("self-signed"));
    EXPECT_THAT(a.ids.at("globalsign-2018"), ElementsAre("chain-untrusted", "deprecated-intermediate"));
    EXPECT_THAT(a.ids.at("not-yet-valid"), ElementsAre("cert-not-yet-valid"));
    EXPECT_THAT(a.ids.at("incomplete"), ElementsAre("chain-incomplete"));
    EXPECT_THAT(a.ids.at("misordered"), ElementsAre("chain-misordered"));
    EXPECT_THAT(a.ids.at("weak"),
                ElementsAre("weak-key", "weak-signature", "weak-key", "weak-signature", "weak-key", "forbidden-key",
                            "forbidden-signature", "forbidden-key", "forbidden-signature", "forbidden-key"));
    // Forged lab signatures under the real L1K: chain-untrusted besides the rules.
    // Issued in 2024 and still valid now: longer than the Baseline Requirements allow.
    EXPECT_THAT(a.ids.at("entrust-before"),
                ElementsAre("chain-untrusted", "issuer-discontinued", "validity-too-long", "validity-next-limit"));
    EXPECT_THAT(a.ids.at("entrust-after"), ElementsAre("chain-untrusted", "issuer-distrusted", "issuer-discontinued",
                                                       "validity-too-long", "validity-next-limit"));
    EXPECT_THAT(a.ids.at("look-alike"), ElementsAre("deprecated-intermediate-unconfirmed"));
    EXPECT_THAT(a.ids.at("fleet@127.0.0.1"), IsEmpty());
    EXPECT_THAT(a.ids.at("fleet@127.0.0.3"), IsEmpty());
}

TEST_F(audited_scan, inconsistent_deployment_once_on_the_name) {
    const auto a = scan_and_audit();
    ASSERT_EQ(a.names.size(), 1u);
    EXPECT_EQ(a.names[0].tgt.host, "fleet.lab.test");
    EXPECT_THAT(a.names[0].addresses, ElementsAre("127.0.0.1", "127.0.0.2", "127.0.0.3"));
    ASSERT_THAT(ids(a.names[0].findings), ElementsAre("inconsistent-deployment"));
    EXPECT_EQ(a.names[0].findings[0].level, severity::high);
    EXPECT_THAT(a.names[0].findings[0].message, ::testing::HasSubstr("127.0.0.3 serves leaf"));

    const auto record = report::to_json(a.names[0]);
    EXPECT_EQ(record.at("type"), "name");
    EXPECT_EQ(record.at("status"), "high");
    EXPECT_EQ(record.at("target").at("host"), "fleet.lab.test");
    EXPECT_EQ(record.at("addresses").as_array().size(), 3u);
    EXPECT_EQ(record.at("findings").as_array().at(0).at("id"), "inconsistent-deployment");
    EXPECT_EQ(record.at("rules_version").as_string(), audit::default_catalogue().version);
}

TEST_F(audited_scan, one_validation_per_distinct_chain) {
    // The good endpoint scanned 20 more times under other names: same chain, no new validation.
    std::string extra;
    std::string good_line;
    for (const auto& [line, id] : lines_)
        if (id == "good") good_line = line;
    const auto port = good_line.substr(good_line.find(':') + 1, good_line.find(' ') - good_line.find(':') - 1);
    for (int i = 0; i < 20; ++i) extra += fmt::format("127.0.0.1:{} sni=good{}.lab.test\n", port, i);
    const auto a = scan_and_audit(extra);
    // Every case serves a distinct chain except wrong-host (the good chain); the fleet
    // has two chains behind one line.
    EXPECT_EQ(a.results, lines_.size() + 2 + 20);
    EXPECT_EQ(a.validations, cases_.size() - 1 + 2);
    // Judged per program once per distinct chain too, for the record and the audit alike.
    EXPECT_EQ(a.judgements, a.validations);
}

}  // namespace
}  // namespace tlsaudit::testing
