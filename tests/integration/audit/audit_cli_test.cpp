// The `tlsaudit` binary: `check` records and exit codes, scan records with findings,
// and the demo's audited output.

#include "audit_support.hpp"

#include <tlsaudit/lab/real_certs.hpp>

#include <boost/json/parse.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <map>

namespace tlsaudit::testing {
namespace {

using ::testing::HasSubstr;

const std::filesystem::path real_dir = TLSAUDIT_TEST_DATA "/real";

TEST(cli_check, real_leaf_completed_from_ca_file_at_two_dates) {
    temp_dir dir;
    const std::string leaf = (real_dir / "leaf-analysys-cn-globalsign-rsa-dv-2018-expired.pem").string();
    const std::string ca = (real_dir / "globalsign-rsa-dv-ssl-ca-2018.pem").string();
    const auto before =
        run("check " + leaf + " --host www.analysys.cn --ca-file " + ca + " --at 2021-01-21 --fail-on none", dir);
    ASSERT_EQ(before.exit_code, 0) << before.err;
    const auto r1 = records(before.out);
    ASSERT_EQ(r1.size(), 1u);
    EXPECT_THAT(finding_ids(r1[0]), ::testing::ElementsAre("cert-expired", "chain-incomplete",
                                                           "deprecated-intermediate", "validity-next-limit"));
    EXPECT_EQ(r1[0].at("status"), "critical");
    EXPECT_THAT(before.err, HasSubstr("path[1] store"));

    const auto earlier = run("check " + leaf + " --host www.analysys.cn --ca-file " + ca +
                                 " --at 2020-06-01T00:00:00Z"
                                 " --fail-on high",
                             dir);
    EXPECT_EQ(earlier.exit_code, 1);
    const auto r2 = records(earlier.out);
    ASSERT_EQ(r2.size(), 1u);
    // Before the intermediate was retired (2021-01-21), it was current.
    EXPECT_THAT(finding_ids(r2[0]), ::testing::ElementsAre("chain-incomplete", "validity-next-limit"));
    EXPECT_EQ(r2[0].at("status"), "high");
    EXPECT_EQ(r2[0].at("rules_version").as_string(), audit::default_catalogue().version);
}

// "-" reads the chain from standard input (as `openssl s_client -showcerts` prints it) and
// audits it as the file; what is not a chain is exit 2 with what it held.
TEST(cli_check, a_chain_from_standard_input_is_audited_as_the_file) {
    temp_dir dir;
    const std::string leaf = (real_dir / "leaf-analysys-cn-globalsign-rsa-dv-2018-expired.pem").string();
    const std::string ca = (real_dir / "globalsign-rsa-dv-ssl-ca-2018.pem").string();
    const std::string options = " --host www.analysys.cn --ca-file " + ca + " --at 2021-01-21 --fail-on none";
    const auto from_file = run("check " + leaf + options, dir);
    const auto from_stdin = run("check -" + options + " < " + leaf, dir);
    ASSERT_EQ(from_stdin.exit_code, 0) << from_stdin.err;
    const auto a = records(from_file.out), b = records(from_stdin.out);
    ASSERT_EQ(a.size(), 1u);
    ASSERT_EQ(b.size(), 1u);
    EXPECT_EQ(a[0].at("chain"), b[0].at("chain"));
    EXPECT_EQ(finding_ids(a[0]), finding_ids(b[0]));
    EXPECT_EQ(b[0].at("target").at("host"), "www.analysys.cn");

    const auto key = dir.path() / "key.pem";
    std::ofstream(key) << "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
    const auto not_a_chain = run("check - < " + key.string(), dir);
    EXPECT_EQ(not_a_chain.exit_code, 2);
    EXPECT_THAT(not_a_chain.err, HasSubstr("standard input: no \"-----BEGIN CERTIFICATE-----\" block: only "
                                           "PRIVATE KEY blocks"));
    const auto empty = run("check - < /dev/null", dir);
    EXPECT_EQ(empty.exit_code, 2);
    EXPECT_THAT(empty.err, HasSubstr("standard input was empty: no chain to check"));
    const auto closed = run("check - <&-", dir);
    EXPECT_EQ(closed.exit_code, 2);
    EXPECT_THAT(closed.err, HasSubstr("cannot read the chain from standard input: it is closed"));
}

TEST(cli_check, the_record_carries_a_verdict_per_program) {
    temp_dir dir;
    const std::string leaf = (real_dir / "leaf-analysys-cn-globalsign-rsa-dv-2018-expired.pem").string();
    const std::string ca = (real_dir / "globalsign-rsa-dv-ssl-ca-2018.pem").string();
    const auto r =
        run("check " + leaf + " --host www.analysys.cn --ca-file " + ca + " --at 2020-06-01 --fail-on none", dir);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto rec = records(r.out);
    ASSERT_EQ(rec.size(), 1u);
    const auto& trust = rec[0].at("trust").as_object();
    EXPECT_EQ(trust.at("mozilla_store"), "2026-04-09");
    const auto& programs = trust.at("programs").as_object();
    EXPECT_EQ(programs.at("system").at("state"), "trusted");
    EXPECT_EQ(programs.at("mozilla").at("state"), "trusted");
    EXPECT_THAT(std::string(programs.at("mozilla").at("reason").as_string()), HasSubstr("GlobalSign Root CA - R3"));
    EXPECT_EQ(programs.at("chrome-constraints").at("state"), "no-constraint");
    EXPECT_EQ(programs.at("apple-constraints").at("state"), "no-constraint");
}

// --host is read as `scan` reads a target (an IP literal sends no SNI; a name is
// normalised; a URL gives its host and port); without it the file stands in for the host, and `report` takes the record.
TEST(cli_check, the_records_target_is_what_scan_would_write_and_report_reads_it) {
    temp_dir dir;
    const std::string leaf = (real_dir / "leaf-analysys-cn-globalsign-rsa-dv-2018-expired.pem").string();
    const auto target_of = [&](const std::string& host_option) {
        const auto r = run("check " + leaf + host_option + " --fail-on none -q", dir);
        EXPECT_EQ(r.exit_code, 0) << host_option << "\n" << r.err;
        const auto rec = records(r.out);
        return rec.size() == 1 ? rec[0].at("target").as_object() : boost::json::object{};
    };
    const auto ip = target_of(" --host 127.0.0.1");
    EXPECT_EQ(ip.at("host"), "127.0.0.1");
    EXPECT_TRUE(ip.at("sni").is_null()) << boost::json::serialize(ip);
    const auto name = target_of(" --host WWW.Analysys.CN.");
    EXPECT_EQ(name.at("host"), "www.analysys.cn");
    EXPECT_EQ(name.at("sni"), "www.analysys.cn");
    const auto url = target_of(" --host https://www.analysys.cn:8443/login");
    EXPECT_EQ(url.at("host"), "www.analysys.cn");
    EXPECT_EQ(url.at("port"), 8443);
    const auto none = target_of("");
    EXPECT_EQ(none.at("host").as_string(), leaf);
    EXPECT_EQ(none.at("input").as_string(), leaf);

    const auto saved = dir.path() / "check.ndjson";
    ASSERT_EQ(run("check " + leaf + " --fail-on none -q --ndjson " + saved.string(), dir).exit_code, 0);
    const auto report = run("report " + saved.string() + " --fail-on none --json -", dir);
    EXPECT_EQ(report.exit_code, 0) << report.err;
    EXPECT_THAT(report.out, HasSubstr("cert-expired"));

    const auto bad = run("check " + leaf + " --host 'bad host!'", dir);
    EXPECT_EQ(bad.exit_code, 2);
    EXPECT_THAT(bad.err, HasSubstr("--host: "));
}

TEST(cli_rules, lists_explains_and_refuses_an_unknown_id) {
    temp_dir dir;
    const auto table = run("rules", dir);
    ASSERT_EQ(table.exit_code, 0) << table.err;
    EXPECT_THAT(table.out,
                HasSubstr("rules catalogue " + audit::default_catalogue().version + " (Mozilla store 2026-04-09)"));
    EXPECT_THAT(table.out, HasSubstr("Chrome 139+ (not iOS): earliest SCT after 2025-07-31T23:59:59Z"));
    EXPECT_THAT(table.out, HasSubstr("from 2029-03-15: 47 days"));
    EXPECT_THAT(table.out, HasSubstr("globalsign-rsa-dv-ssl-ca-2018  [retired-intermediate, high]"));
    EXPECT_THAT(table.out, HasSubstr("    retired on 2021-01-21\n"));

    const auto j = run("rules --json", dir);
    ASSERT_EQ(j.exit_code, 0) << j.err;
    const auto doc = boost::json::parse(j.out).as_object();
    EXPECT_EQ(doc.at("mozilla_store"), "2026-04-09");
    bool single = false;
    for (const auto& r : doc.at("rules").as_array())
        if (r.at("id") == "epki-mozilla-sunset-2025") single = r.at("single_source").as_bool();
    EXPECT_TRUE(single);

    const auto explain = run("rules --explain izenpe-mozilla-2026", dir);
    ASSERT_EQ(explain.exit_code, 0) << explain.err;
    EXPECT_THAT(explain.out, HasSubstr("Mozilla: notBefore after 2026-04-15T23:59:59Z"));
    EXPECT_THAT(explain.out, HasSubstr("952c2039c0243eb515dd73d83fc3643184874feb0862a9837731ed9b4742e17a"));
    EXPECT_THAT(explain.out, HasSubstr("checked: 2026-12-05"));

    const auto sample = run("rules --rules " + std::string(TLSAUDIT_SOURCE_DIR) +
                                "/samples/rules-fictional-event.json --explain examplesign-distrust-2027",
                            dir);
    ASSERT_EQ(sample.exit_code, 0) << sample.err;
    EXPECT_THAT(sample.out, HasSubstr("Chrome 150+: earliest SCT after 2027-06-30T23:59:59Z"));

    const auto unknown = run("rules --explain no-such-rule", dir);
    EXPECT_EQ(unknown.exit_code, 2);
    EXPECT_THAT(unknown.err, HasSubstr("no rule 'no-such-rule'"));

    // What a rules file changes is all shown: its severities, a rule's name-only severity; a
    // replacing file without validity limits lists no empty heading; its text is escaped.
    const auto own = dir.write_text("own.json", R"({"version": "acme\u001b[31m", "severities": {"cert-expiring": "low"},
        "rules": [{"id": "acme-old", "kind": "retired-intermediate", "name_only_severity": "medium",
        "match": {"sha256": ["952c2039c0243eb515dd73d83fc3643184874feb0862a9837731ed9b4742e17a"]},
        "message": "m", "remediation": "r"}]})");
    const auto listed = run("rules --rules " + own.string(), dir);
    ASSERT_EQ(listed.exit_code, 0) << listed.err;
    EXPECT_THAT(listed.out, HasSubstr("rules catalogue acme\\x1b[31m"));
    EXPECT_THAT(listed.out, HasSubstr("severities set by the rules file:\n    cert-expiring: low\n"));
    EXPECT_THAT(listed.out, ::testing::Not(HasSubstr("maximum validity")));
    const auto own_json = boost::json::parse(run("rules --json --rules " + own.string(), dir).out).as_object();
    EXPECT_EQ(own_json.at("severities").at("cert-expiring"), "low");
    EXPECT_EQ(own_json.at("rules").at(0).at("name_only_severity"), "medium");
    EXPECT_THAT(run("rules --explain acme-old --rules " + own.string(), dir).out,
                HasSubstr("  severity of a name-only match: medium\n"));
}

// A saved chain is held to the limit of a served one: 256 certificates are audited, 257 are
// refused (exit 2) before any work. Auditing one of thousands took minutes.
TEST(cli_check, a_chain_over_the_served_limit_is_refused) {
    const auto read_text = [](const std::filesystem::path& file) {
        std::ifstream in(file, std::ios::binary);
        return std::string(std::istreambuf_iterator<char>(in), {});
    };
    temp_dir dir;
    const auto intermediate = read_text(real_dir / "globalsign-rsa-dv-ssl-ca-2018.pem");
    const auto leaf = read_text(real_dir / "leaf-analysys-cn-globalsign-rsa-dv-2018-expired.pem");
    std::string at_limit = leaf;
    for (std::size_t i = 1; i < max_chain_certificates; ++i) at_limit += intermediate;
    const auto ok = run("check " + dir.write_text("limit.pem", at_limit).string() + " -q --fail-on none", dir);
    EXPECT_EQ(ok.exit_code, 0) << ok.err;
    EXPECT_EQ(records(ok.out).size(), 1u);
    const auto over = run("check " + dir.write_text("over.pem", at_limit + intermediate).string() + " -q", dir);
    EXPECT_EQ(over.exit_code, 2);
    EXPECT_THAT(over.err, HasSubstr("over.pem: 257 certificates, over the limit of 256"));
    EXPECT_TRUE(over.out.empty());
}

TEST(cli_check, malformed_rules_file_exits_2_naming_the_field) {
    temp_dir dir;
    const auto rules =
        dir.write_text("bad.json", R"({"version": "x", "rules": [{"id": "a", "kind": "retired-intermediate",
  "severity": "severe", "match": {"sha256": []}, "message": "m", "remediation": "r"}]})");
    const auto r =
        run("check " + (real_dir / "globalsign-rsa-dv-ssl-ca-2018.pem").string() + " --rules " + rules.string(), dir);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_THAT(r.err, HasSubstr("bad.json: rules[0].severity: expected one of info, low, medium, high, critical"));
    EXPECT_TRUE(r.out.empty());

    const auto syntax = dir.write_text("syntax.json", "{\n  \"version\": \"x\"\n  \"rules\": []\n}\n");
    const auto s =
        run("check " + (real_dir / "globalsign-rsa-dv-ssl-ca-2018.pem").string() + " --rules " + syntax.string(), dir);
    EXPECT_EQ(s.exit_code, 2);
    EXPECT_THAT(s.err, HasSubstr("syntax.json:3:3: invalid JSON"));

    const auto at = run("check " + (real_dir / "globalsign-rsa-dv-ssl-ca-2018.pem").string() + " --at yesterday", dir);
    EXPECT_EQ(at.exit_code, 2);
}

TEST(cli_demo, records_carry_findings_status_and_the_fleet_name) {
    temp_dir dir;
    const auto r = run("demo --out " + dir.path().string(), dir);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto all = records(slurp(dir.path() / "scan.ndjson"));
    std::map<std::string, std::vector<std::string>> by_sni;
    std::vector<boost::json::object> names;
    for (const auto& rec : all) {
        if (rec.at("type") == "name") {
            names.push_back(rec);
            continue;
        }
        if (rec.at("type") != "endpoint") continue;
        const auto& sni = rec.at("target").at("sni");
        if (!sni.is_string() || !rec.at("error").is_null()) continue;
        // Revocation findings depend on the revocation stage's lab setup: only the audit's here.
        auto ids = finding_ids(rec);
        std::erase_if(ids,
                      [](const std::string& id) { return id.rfind("revocation-", 0) == 0 || id == "leaf-revoked"; });
        by_sni[std::string(sni.as_string())] = ids;
    }
    EXPECT_THAT(by_sni.at("old.demo.test"), ::testing::Contains("deprecated-intermediate"));
    EXPECT_THAT(by_sni.at("expired.demo.test"), ::testing::Contains("cert-expired"));
    EXPECT_THAT(by_sni.at("self.demo.test"), ::testing::Contains("self-signed"));
    EXPECT_THAT(by_sni.at("www.demo.test"), ::testing::ElementsAre("hostname-mismatch"));
    EXPECT_THAT(by_sni.at("weak.demo.test"), ::testing::Contains("weak-key"));
    EXPECT_THAT(by_sni.at("entrust.demo.test"), ::testing::Contains("issuer-discontinued"));
    EXPECT_THAT(by_sni.at("rsa.demo.test"), ::testing::IsEmpty());  // the lab root is trusted in the demo
    ASSERT_EQ(names.size(), 1u);
    EXPECT_EQ(names[0].at("target").at("host"), "shop.demo.test");
    EXPECT_THAT(finding_ids(names[0]), ::testing::ElementsAre("inconsistent-deployment"));
}

}  // namespace
}  // namespace tlsaudit::testing
