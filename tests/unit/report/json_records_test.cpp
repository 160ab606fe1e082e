#include <tlsaudit/report/chain_saver.hpp>
#include <tlsaudit/report/json_records.hpp>
#include <tlsaudit/report/ndjson_writer.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <gtest/gtest.h>

#include <sys/resource.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace tlsaudit::report {
namespace {

namespace json = boost::json;

endpoint_result sample_result() {
    endpoint_result r;
    r.ep.tgt.host = "example.test";
    r.ep.tgt.port = 8443;
    r.ep.tgt.sni = "example.test";
    r.ep.tgt.line_no = 7;
    r.ep.tgt.input = "example.test:8443";
    r.ep.address = "127.0.0.1";
    r.cap.protocol = "TLSv1.3";
    r.cap.cipher = "TLS_AES_128_GCM_SHA256";
    r.cap.chain = {{0x30, 0x00}, {0x01, 0x02, 0x03}};
    r.cap.stapled_ocsp = {0xAB};
    r.cap.timings.connect_ms = 1.25;
    r.cap.attempts = 1;
    cert_info leaf;
    leaf.subject = "CN=<script>alert(1)</script>";
    leaf.sha256 = "AA";
    leaf.dns_names = {"example.test"};
    leaf.key_type = "EC";
    leaf.key_bits = 256;
    leaf.curve = "prime256v1";
    r.certs = {parsed_cert{leaf, ""}, parsed_cert{std::nullopt, "not a certificate"}};
    return r;
}

TEST(json_records, endpoint_record_layout) {
    const auto o = to_json(sample_result());
    EXPECT_EQ(o.at("schema_version").to_number<std::int64_t>(), ndjson_schema_version);
    EXPECT_EQ(o.at("type").as_string(), "endpoint");
    EXPECT_EQ(o.at("status").as_string(), "ok");
    EXPECT_TRUE(o.at("error").is_null());
    EXPECT_EQ(o.at("target").at("line").to_number<std::uint64_t>(), 7u);
    EXPECT_EQ(o.at("target").at("port").to_number<std::int64_t>(), 8443);
    EXPECT_EQ(o.at("address").as_string(), "127.0.0.1");
    EXPECT_EQ(o.at("tls").at("protocol").as_string(), "TLSv1.3");
    EXPECT_EQ(o.at("stapled_ocsp").as_string(), "qw==");
    const auto& chain = o.at("chain").as_array();
    ASSERT_EQ(chain.size(), 2u);
    EXPECT_EQ(chain[0].at("der").as_string(), "MAA=");
    EXPECT_EQ(chain[0].at("subject").as_string(), "CN=<script>alert(1)</script>");
    EXPECT_EQ(chain[0].at("key").at("curve").as_string(), "prime256v1");
    EXPECT_EQ(chain[1].at("parse_error").as_string(), "not a certificate");
    EXPECT_EQ(chain[1].at("der").as_string(), "AQID");
    EXPECT_EQ(o.at("timings_ms").at("connect").as_double(), 1.25);
    EXPECT_TRUE(o.at("timings_ms").at("dns").is_null());
}

TEST(json_records, error_record_layout) {
    auto r = sample_result();
    r.cap = capture{};
    r.cap.error = scan_error{"handshake", "tls-alert", "handshake failure (40)"};
    const auto o = to_json(r);
    EXPECT_EQ(o.at("status").as_string(), "error");
    EXPECT_EQ(o.at("error").at("code").as_string(), "tls-alert");
    EXPECT_TRUE(o.at("tls").is_null());
    EXPECT_TRUE(o.at("chain").as_array().empty());
}

TEST(json_records, invalid_utf8_from_servers_and_input_stays_valid_json) {
    auto r = sample_result();
    r.certs[0].info->subject = "CN=\xFF\xFE\x01\"quoted\"\n";
    r.cap.error = scan_error{"handshake", "tls-alert", "\xC3"};
    const std::string line = json::serialize(to_json(r));
    const auto parsed = json::parse(line);  // throws on invalid UTF-8 or syntax
    EXPECT_EQ(parsed.at("chain").at(0).at("subject").as_string(), "CN=\xEF\xBF\xBD\xEF\xBF\xBD\x01\"quoted\"\n");
    EXPECT_EQ(line.find('\n'), std::string::npos) << "one record per line";

    input_error e{3, "bad\xFFline", "port out of range"};
    const auto o = json::parse(json::serialize(to_json(e)));
    EXPECT_EQ(o.at("type").as_string(), "input-error");
    EXPECT_EQ(o.at("line").to_number<std::uint64_t>(), 3u);
    EXPECT_EQ(o.at("input").as_string(), "bad\xEF\xBF\xBDline");
}

class temp_dir : public ::testing::Test {
protected:
    std::filesystem::path dir_ =
        std::filesystem::temp_directory_path() /
        ("tlsaudit-report-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    void SetUp() override { std::filesystem::create_directories(dir_); }
    void TearDown() override { std::filesystem::remove_all(dir_); }
};

using ndjson_writer_test = temp_dir;

TEST_F(ndjson_writer_test, one_parsable_line_per_record) {
    const auto path = dir_ / "out.ndjson";
    {
        ndjson_writer writer(path.string());
        writer.write(sample_result());
        writer.write(input_error{2, "x:0", "port 0 is not allowed"});
    }
    std::ifstream in(path);
    std::string line;
    std::vector<json::value> records;
    while (std::getline(in, line)) records.push_back(json::parse(line));
    ASSERT_EQ(records.size(), 2u);
    EXPECT_EQ(records[0].at("type").as_string(), "endpoint");
    EXPECT_EQ(records[1].at("type").as_string(), "input-error");
}

TEST_F(ndjson_writer_test, unwritable_path_throws_with_the_path) {
    try {
        ndjson_writer writer((dir_ / "missing" / "out.ndjson").string());
        FAIL() << "expected an exception";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("missing/out.ndjson"), std::string::npos);
    }
}

using chain_saver_test = temp_dir;

TEST_F(chain_saver_test, writes_each_distinct_chain_once) {
    chain_saver saver(dir_ / "chains");
    const std::vector<bytes> chain{{0x30, 0x01, 0x00}, {0x30, 0x00}};
    const auto first = saver.save(chain);
    ASSERT_FALSE(first.empty());
    EXPECT_TRUE(saver.save(chain).empty()) << "the same chain is written once";
    std::ifstream in(first);
    std::stringstream content;
    content << in.rdbuf();
    const std::string pem = content.str();
    EXPECT_EQ(std::count(pem.begin(), pem.end(), '-'), 2 * 20) << "two PEM blocks";
    const auto other = saver.save({chain[0]});
    ASSERT_FALSE(other.empty());
    EXPECT_NE(other, first) << "a different chain with the same leaf gets its own file";
    EXPECT_EQ(first.stem().string().substr(0, 64), other.stem().string().substr(0, 64));
}

// A chain that cannot be written whole (here: a file size limit, as a full disk) leaves no
// file behind, so a later run does not find a truncated chain under its name.
TEST_F(chain_saver_test, a_failed_write_leaves_no_file) {
    chain_saver saver(dir_ / "chains");
    const std::vector<bytes> chain{bytes(600, 0x30)};
    rlimit before{};
    ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &before), 0);
    const auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
    rlimit small = before;
    small.rlim_cur = 100;
    ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
    EXPECT_THROW(saver.save(chain), std::runtime_error);
    ::setrlimit(RLIMIT_FSIZE, &before);
    std::signal(SIGXFSZ, old_handler);
    EXPECT_TRUE(std::filesystem::is_empty(dir_ / "chains"));
    EXPECT_FALSE(saver.save(chain).empty()) << "not taken as written";
}

}  // namespace
}  // namespace tlsaudit::report
