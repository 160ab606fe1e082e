// `tlsaudit scan` with revocation on the lab: the NDJSON record of each endpoint carries
// a revocation status per chain certificate, findings raise the endpoint's status, and
// --no-revocation / bad values behave.

#include "cli_support.hpp"
#include "revocation_support.hpp"

#include <tlsaudit/lab/tls_server.hpp>

#include <boost/json/parse.hpp>

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string_view>

#include <unistd.h>

namespace tlsaudit::testing {
namespace {

namespace json = boost::json;

// Endpoint records of an NDJSON text, by port.
std::map<std::int64_t, json::object> endpoints_by_port(const std::string& ndjson) {
    std::map<std::int64_t, json::object> out;
    std::istringstream in(ndjson);
    for (std::string line; std::getline(in, line);) {
        if (line.empty()) continue;
        auto record = json::parse(line).as_object();
        if (record["type"] != "endpoint") continue;
        out[record["target"].as_object()["port"].to_number<std::int64_t>()] = record;
    }
    return out;
}

json::value leaf_revocation(json::object& record) { return record["chain"].as_array().at(0).as_object()["revocation"]; }

TEST(revocation_cli, scan_records_revocation_per_certificate) {
    revocation_lab lab;
    const auto revoked = lab.leaf(true, false, {}, "revoked.lab.test");
    const auto stapled = lab.leaf(true, false, {}, "stapled.lab.test");
    lab.responder.set(lab::serial_of(revoked.der), {lab::cert_state::revoked, 1, {}});
    lab::server_pool servers(1);
    const auto key = lab::lab_key(lab::key_kind::ec_p256, 79);
    const auto p1 = servers.start({.chain = {revoked.der, lab.ca().der}, .leaf_key = key});
    const auto p2 = servers.start({.chain = {stapled.der, lab.ca().der},
                                   .leaf_key = key,
                                   .stapled_ocsp = lab::make_ocsp_response_for(lab.ca(), stapled.der, {})});
    const std::string input = fmt::format("127.0.0.1:{}\n127.0.0.1:{}\n", p1, p2);

    // Exit code 1 is the --fail-on policy (the lab chains are untrusted): still a scan.
    auto r = run_tlsaudit("scan - --ndjson - --revocation hard --revocation-timeout 2" + lab.fetch_allow_args(), input);
    ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 1) << r.err;
    auto records = endpoints_by_port(r.out);
    ASSERT_EQ(records.size(), 2u) << r.out;
    auto first = leaf_revocation(records[p1]).as_object();
    EXPECT_EQ(first["state"], "revoked");
    EXPECT_EQ(first["source"], "ocsp");
    EXPECT_EQ(first["reason"], "keyCompromise");
    EXPECT_TRUE(first["revoked_at"].is_string());
    auto second = leaf_revocation(records[p2]).as_object();
    EXPECT_EQ(second["state"], "good");
    EXPECT_EQ(second["source"], "stapled");
    EXPECT_TRUE(records[p1]["chain"].as_array().at(1).as_object()["revocation"].is_null());  // depth leaf
    EXPECT_NE(r.err.find("leaf-revoked"), std::string::npos) << r.err;  // in the summary's worst findings
    EXPECT_EQ(lab.responder.request_count(), 1u);

    r = run_tlsaudit("scan - --ndjson - --no-revocation", input);
    ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 1) << r.err;
    EXPECT_EQ(r.err.find("leaf-revoked"), std::string::npos) << r.err;
    records = endpoints_by_port(r.out);
    ASSERT_EQ(records.size(), 2u);
    EXPECT_TRUE(leaf_revocation(records[p1]).is_null());
    EXPECT_EQ(lab.responder.request_count(), 1u);
}

// The severity of a revocation finding in a record (the id's first finding), or "" when absent.
std::string severity_of(json::object& record, std::string_view id) {
    for (const auto& f : record["findings"].as_array())
        if (f.as_object().at("id").as_string() == id) return std::string(f.as_object().at("severity").as_string());
    return {};
}

TEST(revocation_cli, rules_severities_reach_revocation_findings) {
    revocation_lab lab;
    const auto revoked = lab.leaf(true, false, {}, "revoked.lab.test");
    lab.responder.set(lab::serial_of(revoked.der), {lab::cert_state::revoked, 1, {}});
    lab::server_pool servers(1);
    const auto port =
        servers.start({.chain = {revoked.der, lab.ca().der}, .leaf_key = lab::lab_key(lab::key_kind::ec_p256, 79)});
    const auto rules = std::filesystem::temp_directory_path() / fmt::format("tlsaudit-rules-{}.json", ::getpid());
    std::ofstream(rules) << R"({"version": "test-1", "extends": "default", "severities": {"leaf-revoked": "low"}})";
    const std::string input = fmt::format("127.0.0.1:{}\n", port);

    auto scan = [&](const std::string& extra) {
        auto r = run_tlsaudit(
            "scan - --ndjson - --revocation-timeout 2 --fail-on none" + lab.fetch_allow_args() + extra, input);
        EXPECT_EQ(r.exit_code, 0) << r.err;
        auto records = endpoints_by_port(r.out);
        return records.count(port) ? severity_of(records[port], "leaf-revoked") : std::string("(no record)");
    };
    EXPECT_EQ(scan(""), "critical");
    EXPECT_EQ(scan(" --rules " + rules.string()), "low");
    std::filesystem::remove(rules);
}

TEST(revocation_cli, bad_values_are_refused_at_parse_time) {
    for (const char* args :
         {"scan - --revocation-order ldap", "scan - --revocation maybe", "scan - --revocation-depth some",
          "scan - --crl-max-bytes 0", "scan - --fetch-allow 10.0.0.0/33", "scan - --fetch-allow host:0",
          "scan - --fetch-max-destinations 0"}) {
        const auto r = run_tlsaudit(args, "");
        EXPECT_NE(r.exit_code, 0) << args;
        EXPECT_NE(r.err.find("--"), std::string::npos) << args << ": " << r.err;
    }
}

}  // namespace
}  // namespace tlsaudit::testing
