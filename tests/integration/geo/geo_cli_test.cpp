// The `tlsaudit` binary with --geoip-db / --asn-db / --no-geoip against loopback
// servers: enriched records; damaged, wrong-type or missing databases give one clear
// line on stderr and an un-enriched scan with exit code 0.

#include "geo_lab.hpp"

#include <boost/json.hpp>

#include <gtest/gtest.h>

#include <fmt/format.h>

#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <sstream>

namespace tlsaudit::testing {
namespace {

namespace json = boost::json;

std::string slurp(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

struct run_output {
    int exit_code = -1;
    std::string err;
    std::vector<json::object> endpoints;  // "endpoint" records of the NDJSON output
};

class geo_cli : public ::testing::Test {
protected:
    void SetUp() override {
        char pattern[] = "/tmp/tlsaudit-geo-cli-XXXXXX";
        ASSERT_NE(::mkdtemp(pattern), nullptr);
        dir_ = pattern;
        std::filesystem::create_directories(dir_ / "no-defaults");
        std::ofstream(dir_ / "targets.txt") << lab_.targets();
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }

    // Runs the binary with the installed-default directory pointed at an empty one and
    // the database variables unset, unless `env` sets them. Arguments are test constants.
    run_output run(const std::string& args, const std::string& env = "") const {
        const auto out = dir_ / "out.ndjson";
        std::filesystem::remove(out);
        const std::string command = fmt::format(
            "env -u TLSAUDIT_GEOIP_DB -u TLSAUDIT_ASN_DB TLSAUDIT_GEOIP_DIR='{}' {} '{}' {} </dev/null >'{}' 2>'{}'",
            (dir_ / "no-defaults").string(), env, TLSAUDIT_BINARY, args, (dir_ / "stdout").string(),
            (dir_ / "stderr").string());
        const int status = std::system(command.c_str());
        run_output r;
        r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        r.err = slurp(dir_ / "stderr");
        std::istringstream lines(slurp(out));
        for (std::string line; std::getline(lines, line);) {
            if (line.empty()) continue;
            auto record = json::parse(line).as_object();
            if (record.at("type") == "endpoint") r.endpoints.push_back(std::move(record));
        }
        return r;
    }

    // `scan` of the lab's three endpoints (no revocation: no network beyond them; the lab
    // chain is untrusted, so --fail-on none keeps the exit code about the scan itself).
    run_output scan(const std::string& geo_args, const std::string& env = "") const {
        return run(fmt::format("scan '{}' --ndjson '{}' --no-revocation --fail-on none {}",
                               (dir_ / "targets.txt").string(), (dir_ / "out.ndjson").string(), geo_args),
                   env);
    }

    std::string db(const char* name) const { return "'" + geo_test_db(name).string() + "'"; }

    // A copy of test-asn.mmdb cut in half.
    std::string truncated() const {
        const auto data = slurp(geo_test_db("test-asn.mmdb"));
        std::ofstream(dir_ / "truncated.mmdb", std::ios::binary) << data.substr(0, data.size() / 2);
        return "'" + (dir_ / "truncated.mmdb").string() + "'";
    }

    geo_lab lab_;
    std::filesystem::path dir_;
};

TEST_F(geo_cli, scan_records_carry_country_asn_and_organisation) {
    const auto r = scan("--geoip-db " + db("test-country.mmdb") + " --asn-db " + db("test-asn.mmdb"));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.err.find("GeoIP"), std::string::npos) << r.err;
    ASSERT_EQ(r.endpoints.size(), 3u) << r.err;
    for (const auto& e : r.endpoints) {
        EXPECT_TRUE(e.at("error").is_null()) << json::serialize(e.at("error"));  // handshake done
        const auto& geo = e.at("geo").as_object();
        EXPECT_EQ(geo.at("class"), "loopback");
        if (e.at("address") == "::1") {
            EXPECT_EQ(json::serialize(geo),
                      R"({"country":"CH","asn":64500,"organisation":"IPv6 Loopback Lab","class":"loopback"})");
        } else {
            EXPECT_EQ(json::serialize(geo),
                      R"({"country":"DE","asn":64496,"organisation":"Loopback Lab Networks","class":"loopback"})");
        }
    }
}

TEST_F(geo_cli, corrupt_databases_give_a_clear_error_and_an_unenriched_scan) {
    const auto bad = truncated();
    const auto r = scan("--geoip-db " + bad + " --asn-db " + bad);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("tlsaudit: error: cannot use the GeoIP country database " +
                         (dir_ / "truncated.mmdb").string() + ": not a MaxMind DB file, or truncated"),
              std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("tlsaudit: error: cannot use the GeoIP ASN database"), std::string::npos) << r.err;
    ASSERT_EQ(r.endpoints.size(), 3u);
    for (const auto& e : r.endpoints) {
        EXPECT_TRUE(e.at("error").is_null()) << json::serialize(e.at("error"));  // scanned all the same
        EXPECT_TRUE(e.at("geo").is_null());
    }
}

TEST_F(geo_cli, database_of_the_wrong_type_is_detected) {
    const auto r = scan("--geoip-db " + db("test-country.mmdb") + " --asn-db " + db("test-country.mmdb"));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("is a country database (database_type \"tlsaudit-Test-Country\"), not an ASN database"),
              std::string::npos)
        << r.err;
    ASSERT_EQ(r.endpoints.size(), 3u);
    for (const auto& e : r.endpoints) {
        const auto& geo = e.at("geo").as_object();
        EXPECT_FALSE(geo.at("country").is_null());  // the country database still works
        EXPECT_TRUE(geo.at("asn").is_null());
    }
}

TEST_F(geo_cli, no_database_is_one_notice) {
    const auto r = scan("");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto at = r.err.find("tlsaudit: no GeoIP database found");
    ASSERT_NE(at, std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("GeoIP", at + 20), std::string::npos) << "more than one notice: " << r.err;
    ASSERT_EQ(r.endpoints.size(), 3u);
    for (const auto& e : r.endpoints) EXPECT_TRUE(e.at("geo").is_null());
}

TEST_F(geo_cli, environment_names_the_databases) {
    const auto r = scan(
        "", fmt::format("TLSAUDIT_GEOIP_DB={} TLSAUDIT_ASN_DB={}", db("test-country-flat.mmdb"), db("test-asn.mmdb")));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    ASSERT_EQ(r.endpoints.size(), 3u);
    for (const auto& e : r.endpoints) {
        if (e.at("address") == "::1") continue;  // the flat test database has no ::1
        EXPECT_EQ(e.at("geo").at("country"), "DE");
        EXPECT_EQ(e.at("geo").at("asn"), 64496);
    }
}

TEST_F(geo_cli, no_geoip_turns_enrichment_off) {
    const auto r = scan("--no-geoip", fmt::format("TLSAUDIT_GEOIP_DB={}", db("test-country.mmdb")));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.err.find("GeoIP"), std::string::npos) << r.err;
    ASSERT_EQ(r.endpoints.size(), 3u);
    for (const auto& e : r.endpoints) EXPECT_TRUE(e.at("geo").is_null());

    const auto both = scan("--no-geoip --geoip-db " + db("test-country.mmdb"));
    EXPECT_EQ(both.exit_code, 2) << both.err;
}

TEST_F(geo_cli, demo_lab_comes_out_enriched) {
    const auto out = dir_ / "demo";
    const auto r = run(fmt::format("demo --out '{}' --geoip-db {} --asn-db {}", out.string(), db("test-country.mmdb"),
                                   db("test-asn.mmdb")));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::istringstream lines(slurp(out / "scan.ndjson"));
    std::size_t endpoints = 0;
    for (std::string line; std::getline(lines, line);) {
        const auto record = json::parse(line).as_object();
        if (record.at("type") != "endpoint") continue;
        ++endpoints;
        EXPECT_EQ(json::serialize(record.at("geo")),
                  R"({"country":"DE","asn":64496,"organisation":"Loopback Lab Networks","class":"loopback"})")
            << record.at("address");
    }
    EXPECT_GT(endpoints, 15u);
}

}  // namespace
}  // namespace tlsaudit::testing
