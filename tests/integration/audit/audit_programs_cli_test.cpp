// Per-program trust and the GlobalSign fixes through the real binary: `tlsaudit check` on
// PEM files and `tlsaudit scan` of loopback lab servers, read back from every output.

#include "audit_support.hpp"

#include <tlsaudit/lab/real_certs.hpp>
#include <tlsaudit/lab/tls_server.hpp>
#include <tlsaudit/x509.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <fmt/format.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace tlsaudit::testing {
namespace {

namespace json = boost::json;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;

const json::object& program(const json::object& record, const char* name) {
    return record.at("trust").at("programs").at(name).as_object();
}

std::string text_of(const json::value& v) { return v.is_string() ? std::string(v.as_string()) : std::string(); }

const json::object* finding_of(const json::object& record, const std::string& id) {
    for (const auto& f : record.at("findings").as_array())
        if (text_of(f.at("id")) == id) return &f.as_object();
    return nullptr;
}

// The one endpoint record of an NDJSON output.
json::object endpoint_record(const std::string& ndjson) {
    std::vector<json::object> found;
    for (auto& r : records(ndjson))
        if (r.at("type") == "endpoint") found.push_back(std::move(r));
    if (found.size() != 1) throw std::runtime_error(fmt::format("{} endpoint records", found.size()));
    return found.front();
}

// `text` as it appears inside a JSON string (the JSON and SARIF reports).
std::string in_json(const std::string& text) {
    const std::string quoted = json::serialize(json::string(text));
    return quoted.substr(1, quoted.size() - 2);
}

// `text` as the HTML report holds it: in the JSON document embedded in the page, with '<'
// written as \u003c so that nothing in it can close the script element.
std::string in_html(const std::string& text) {
    std::string out;
    for (const char c : in_json(text)) out += c == '<' ? std::string("\\u003c") : std::string(1, c);
    return out;
}

// `text` as XML character data (JUnit).
std::string in_xml(const std::string& text) {
    std::string out;
    for (const char c : text) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        default: out += c;
        }
    }
    return out;
}

// One lab TLS server serving `chain`, and a target file naming it with `name` as SNI.
struct served {
    lab::server_pool pool{1};
    std::filesystem::path targets;

    served(const temp_dir& dir, const std::vector<bytes>& chain, const lab::key& leaf_key, const std::string& name) {
        lab::server_config config;
        config.chain = chain;
        config.leaf_key = leaf_key;
        const auto port = pool.start(config);
        targets = dir.write_text("targets.txt", fmt::format("127.0.0.1:{} sni={}\n", port, name));
    }
};

const std::string scan_flags = " --no-revocation --no-geoip --concurrency 2 --fail-on none";

// --- GlobalSign Root CA (R1): the system store trusts it, Mozilla no longer does ------

// What is real and what is imitated. The real R1 (tests/data/real, and in this machine's
// system store) has lost websites trust in Mozilla's store; its private key is not ours,
// so no chain signed by it can be made here. The lab root below carries R1's subject name
// with a lab key (and the lab key's own key identifier: with R1's, OpenSSL takes the real R1
// from the system store as the issuer, and the signature fails, see the next test).
// tlsaudit matches Mozilla's store and the catalogue rules by SHA-256 fingerprint and SPKI
// hash, never by name, so on its own this copy is a private root Mozilla does not hold. The
// test then extends the real catalogue rule (mozilla-root-age-2025, with its dates and
// sources) to the lab key, as a user's --rules file would: the system verdict is a real
// validation by the trust store of the run (the system store plus --ca-file), the Mozilla
// verdict comes from the real rule.
struct r1_copy {
    lab::credential root;
    lab::credential intermediate;
    lab::credential leaf;

    r1_copy() {
        auto spec = lab::ca_spec("GlobalSign Root CA");
        spec.country = "BE";
        spec.organization = "GlobalSign nv-sa";
        spec.organizational_unit = "Root CA";
        root = lab::make_self_signed(spec, lab::lab_key(lab::key_kind::rsa_2048, 110));
        intermediate = lab::issue(root, lab::ca_spec("tlsaudit lab CA under GlobalSign Root CA"),
                                  lab::lab_key(lab::key_kind::rsa_2048, 111));
        leaf = lab::issue(intermediate, lab::leaf_spec("r1.lab.test"), lab::lab_key(lab::key_kind::ec_p256, 112));
    }

    std::vector<bytes> chain() const { return {leaf.der, intermediate.der}; }

    std::string spki() const {
        std::string error;
        return x509::parse_certificate(root.der, error)->spki_sha256;
    }

    // The catalogue's own mozilla-root-age-2025 rule, its key list extended by the lab key.
    std::filesystem::path rules_file(const temp_dir& dir) const {
        const auto catalogue = json::parse(slurp(TLSAUDIT_SOURCE_DIR "/scanner/audit/rules/default.json"));
        json::object rule;
        for (const auto& r : catalogue.at("rules").as_array())
            if (r.at("id") == "mozilla-root-age-2025") rule = r.as_object();
        if (rule.empty()) throw std::runtime_error("no rule mozilla-root-age-2025 in the catalogue");
        rule["match"].as_object()["spki_sha256"].as_array().emplace_back(spki());
        const json::object doc{{"version", "r1-lab-copy"}, {"extends", "default"}, {"rules", json::array{rule}}};
        return dir.write_text("r1-rules.json", json::serialize(doc));
    }
};

void expect_r1_verdicts(const json::object& record) {
    EXPECT_EQ(record.at("trust").at("mozilla_store"), "2026-04-09");
    EXPECT_EQ(program(record, "system").at("state"), "trusted");
    EXPECT_THAT(text_of(program(record, "system").at("reason")), HasSubstr("anchors the chain at GlobalSign Root CA"));
    const auto& mozilla = program(record, "mozilla");
    EXPECT_EQ(mozilla.at("state"), "untrusted");
    EXPECT_EQ(mozilla.at("rule"), "mozilla-root-age-2025");
    EXPECT_EQ(mozilla.at("date"), "2025-04");
    EXPECT_EQ(program(record, "chrome-constraints").at("state"), "no-constraint");
    EXPECT_EQ(program(record, "apple-constraints").at("state"), "no-constraint");
    EXPECT_THAT(finding_ids(record), Contains("root-program-untrusted"));
    const auto* f = finding_of(record, "root-program-untrusted");
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->at("severity"), "high");
    EXPECT_EQ(f->at("rule"), "mozilla-root-age-2025");
    const std::string message = text_of(f->at("message"));
    EXPECT_THAT(message, HasSubstr("Firefox: the root GlobalSign Root CA lost websites trust in April 2025"));
    EXPECT_THAT(message, HasSubstr("Mozilla"));
    EXPECT_THAT(message, HasSubstr("the system trust store of this run still trusts the chain"));
}

TEST(cli_r1, check_trusted_by_the_system_store_untrusted_by_mozilla) {
    temp_dir dir;
    const r1_copy r1;
    const auto chain = dir.write_pem("chain.pem", r1.chain()).string();
    const auto root = dir.write_pem("root.pem", {r1.root.der}).string();

    // The copy alone: a root Mozilla does not hold (R1's name, another key).
    const auto alone = run("check " + chain + " --host r1.lab.test --ca-file " + root + " --fail-on none", dir);
    ASSERT_EQ(alone.exit_code, 0) << alone.err;
    const auto plain = endpoint_record(alone.out);
    EXPECT_EQ(program(plain, "system").at("state"), "trusted");
    EXPECT_EQ(program(plain, "mozilla").at("state"), "untrusted");
    EXPECT_THAT(text_of(program(plain, "mozilla").at("reason")), HasSubstr("does not hold"));
    EXPECT_THAT(finding_ids(plain), Not(Contains("root-program-untrusted")));

    const auto r = run("check " + chain + " --host r1.lab.test --ca-file " + root + " --rules " +
                           r1.rules_file(dir).string() + " --fail-on none",
                       dir);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    expect_r1_verdicts(endpoint_record(r.out));
    EXPECT_THAT(r.err, HasSubstr("root-program-untrusted"));
    EXPECT_THAT(r.err, HasSubstr("Firefox: the root GlobalSign Root CA lost websites trust in April 2025"));
    // The verdicts as a table, one line per program.
    EXPECT_THAT(r.err, HasSubstr("  programs (Mozilla store 2026-04-09):\n"
                                 "    system store         trusted        the trust store of this run anchors the "
                                 "chain at GlobalSign Root CA\n"
                                 "    Mozilla              untrusted      Mozilla: the root was removed from its "
                                 "store in 2025-04 (root GlobalSign Root CA) [2025-04]\n"
                                 "    Chrome constraints   no-constraint\n"
                                 "    Apple constraints    no-constraint\n"));
}

// The real R1 from the system store as the anchor (a leaf "under" it by name and key
// identifier, with a lab signature): OpenSSL builds the path to the store's R1, but the lab
// signature makes every verdict untrusted, Mozilla's for that reason, not R1's removal.
TEST(cli_r1, check_the_real_r1_from_the_system_store) {
    temp_dir dir;
    const auto leaf = lab::issue_under_name(lab::real_cert("globalsign-root-ca-r1").front(),
                                            lab::lab_key(lab::key_kind::rsa_2048, 113), lab::leaf_spec("r1.lab.test"),
                                            lab::lab_key(lab::key_kind::ec_p256, 113));
    const auto r =
        run("check " + dir.write_pem("leaf.pem", {leaf.der}).string() + " --host r1.lab.test --fail-on none", dir);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto record = endpoint_record(r.out);
    EXPECT_EQ(program(record, "system").at("state"), "untrusted");
    const auto& mozilla = program(record, "mozilla");
    EXPECT_EQ(mozilla.at("state"), "untrusted");
    // The lab signature does not verify: untrusted for that, before R1's removal (a path
    // that reaches a CA by name only is no verdict on that CA).
    EXPECT_TRUE(mozilla.at("rule").is_null());
    EXPECT_THAT(text_of(mozilla.at("reason")),
                HasSubstr("the path names the CA GlobalSign Root CA, but it does not verify"));
    EXPECT_THAT(r.err, HasSubstr("path[1] store   CN=GlobalSign Root CA"));
}

TEST(cli_r1, scan_trusted_by_the_system_store_untrusted_by_mozilla) {
    temp_dir dir;
    const r1_copy r1;
    served server(dir, r1.chain(), r1.leaf.k, "r1.lab.test");
    const auto ndjson = dir.path() / "scan.ndjson";
    const auto r =
        run("scan " + server.targets.string() + " --ca-file " + dir.write_pem("root.pem", {r1.root.der}).string() +
                " --rules " + r1.rules_file(dir).string() + " --ndjson " + ndjson.string() + scan_flags,
            dir);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    expect_r1_verdicts(endpoint_record(slurp(ndjson)));
    // The summary counts the endpoints each program does not trust.
    EXPECT_THAT(r.out, HasSubstr("  root programs: Mozilla 1 untrusted (of 1 endpoint judged)\n"));
}

// --- the three GlobalSign cases, each with its own fix, in every output ------------

struct globalsign_case {
    std::string name;  // also the leaf's DNS name
    std::vector<bytes> chain;
    lab::key leaf_key;
    std::vector<bytes> ca_file;  // trusted besides the system store
    std::string how;             // in the finding's message
    std::string fix;             // the start of the fix
    int position;                // of the retired intermediate (-1: not served)
};

bytes real(const char* stem) { return lab::real_cert(stem).front(); }

// Lab leaves under the real intermediates' names (lab signatures, so every chain is also
// chain-untrusted); the retired intermediate is the real GlobalSign RSA DV SSL CA 2018.
std::vector<globalsign_case> globalsign_cases() {
    const bytes retired = real("globalsign-rsa-dv-ssl-ca-2018");
    const bytes current = real("globalsign-gcc-r3-dv-tls-ca-2020");
    auto leaf_under = [](const bytes& issuer, const std::string& name, std::size_t key) {
        return lab::issue_under_name(issuer, lab::lab_key(lab::key_kind::rsa_2048, key), lab::leaf_spec(name),
                                     lab::lab_key(lab::key_kind::ec_p256, key));
    };
    std::vector<globalsign_case> out;
    const auto under = leaf_under(retired, "under.gs.lab.test", 120);
    out.push_back({"under.gs.lab.test",
                   {under.der, retired},
                   under.k,
                   {},
                   "the leaf was issued under it",
                   "Reissue the certificate with a new key pair under GlobalSign GCC R3 DV TLS CA 2020",
                   1});
    const auto beside = leaf_under(current, "beside.gs.lab.test", 121);
    out.push_back({"beside.gs.lab.test",
                   {beside.der, current, retired},
                   beside.k,
                   {},
                   "the retired intermediate is served beside it",
                   "The certificate is new, the chain file is old: it was issued by GlobalSign GCC R3 DV TLS CA 2020",
                   2});
    // The leaf's issuer is served, but it is a cross-certificate of GlobalSign GCC R3 DV TLS
    // CA 2020 under the retired intermediate, which the trust store of the run holds: the
    // path a client builds goes through the retired one although nobody serves it.
    auto cross_spec = lab::ca_spec("GlobalSign GCC R3 DV TLS CA 2020");
    cross_spec.organization = "GlobalSign nv-sa";
    cross_spec.country = "BE";
    const auto cross = lab::issue_under_name(retired, lab::lab_key(lab::key_kind::rsa_2048, 122), cross_spec,
                                             lab::lab_key(lab::key_kind::rsa_2048, 123));
    const auto alternative =
        lab::issue(cross, lab::leaf_spec("alternative.gs.lab.test"), lab::lab_key(lab::key_kind::ec_p256, 124));
    out.push_back({"alternative.gs.lab.test",
                   {alternative.der, cross.der},
                   alternative.k,
                   {retired},
                   "the retired intermediate is only on another path to a root",
                   "No reissue is needed: the certificate was issued by GlobalSign GCC R3 DV TLS CA 2020. Serve the "
                   "leaf with GlobalSign GCC R3 DV TLS CA 2020 explicitly",
                   -1});
    return out;
}

// The deprecated-intermediate finding of the case, checked against the case; its fix.
std::string expect_case_finding(const json::object& record, const globalsign_case& c) {
    const auto* f = finding_of(record, "deprecated-intermediate");
    if (f == nullptr) {
        ADD_FAILURE() << c.name << ": no deprecated-intermediate in " << json::serialize(record.at("findings"));
        return {};
    }
    EXPECT_THAT(text_of(f->at("message")), HasSubstr(c.how)) << c.name;
    EXPECT_EQ(f->at("cert").at("position").to_number<int>(), c.position) << c.name;
    const std::string fix = text_of(f->at("remediation"));
    EXPECT_THAT(fix, ::testing::StartsWith(c.fix)) << c.name;
    return fix;
}

std::string ca_flags(const temp_dir& dir, const globalsign_case& c) {
    return c.ca_file.empty() ? std::string() : " --ca-file " + dir.write_pem("ca.pem", c.ca_file).string();
}

TEST(cli_globalsign, each_case_has_its_own_fix_in_check) {
    std::vector<std::string> fixes;
    for (const auto& c : globalsign_cases()) {
        temp_dir dir;
        const auto r = run("check " + dir.write_pem("chain.pem", c.chain).string() + " --host " + c.name +
                               ca_flags(dir, c) + " --fail-on none",
                           dir);
        ASSERT_EQ(r.exit_code, 0) << c.name << ": " << r.err;
        const auto fix = expect_case_finding(endpoint_record(r.out), c);
        EXPECT_THAT(r.err, HasSubstr("fix: " + fix)) << c.name;
        fixes.push_back(fix);
    }
    ASSERT_EQ(fixes.size(), 3u);
    EXPECT_NE(fixes[0], fixes[1]);
    EXPECT_NE(fixes[1], fixes[2]);
    EXPECT_NE(fixes[0], fixes[2]);
}

TEST(cli_globalsign, each_case_has_its_own_fix_in_scan_and_every_report) {
    for (const auto& c : globalsign_cases()) {
        temp_dir dir;
        served server(dir, c.chain, c.leaf_key, c.name);
        const auto& d = dir.path();
        const auto r =
            run(fmt::format("scan {}{} --ndjson {} --json {} --html {} --csv {} --junit {} --sarif {}{}",
                            server.targets.string(), ca_flags(dir, c), (d / "scan.ndjson").string(),
                            (d / "report.json").string(), (d / "report.html").string(), (d / "report.csv").string(),
                            (d / "junit.xml").string(), (d / "report.sarif").string(), scan_flags),
                dir);
        ASSERT_EQ(r.exit_code, 0) << c.name << ": " << r.err;
        const auto fix = expect_case_finding(endpoint_record(slurp(d / "scan.ndjson")), c);
        ASSERT_FALSE(fix.empty()) << c.name;
        EXPECT_THAT(r.out, HasSubstr("fix: " + fix)) << c.name << " (terminal)";
        EXPECT_THAT(slurp(d / "report.json"), HasSubstr(in_json(fix))) << c.name << " (JSON)";
        EXPECT_THAT(slurp(d / "report.sarif"), HasSubstr(in_json(fix))) << c.name << " (SARIF)";
        // A CSV field doubles its quotes; the fixes have none.
        ASSERT_EQ(fix.find('"'), std::string::npos);
        EXPECT_THAT(slurp(d / "report.csv"), HasSubstr(fix)) << c.name << " (CSV)";
        EXPECT_THAT(slurp(d / "report.html"), HasSubstr(in_html(fix))) << c.name << " (HTML)";
        EXPECT_THAT(slurp(d / "junit.xml"), HasSubstr(in_xml(fix))) << c.name << " (JUnit)";
    }
}

}  // namespace
}  // namespace tlsaudit::testing
