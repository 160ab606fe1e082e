// STARTTLS through the real `tlsaudit` binary: --starttls, URL schemes, the NDJSON
// target and error fields, and usage errors.

#include "cli_support.hpp"

#include <tlsaudit/lab/pki.hpp>
#include <tlsaudit/lab/tls_server.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <openssl/evp.h>

#include <gtest/gtest.h>

#include <fmt/format.h>

#include <map>

namespace tlsaudit::testing {
namespace {

namespace json = boost::json;

std::string base64(const bytes& der) {
    std::string out(4 * ((der.size() + 2) / 3) + 1, '\0');
    const int n =
        EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), der.data(), static_cast<int>(der.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

TEST(starttls_cli, scans_starttls_targets_and_reports_them) {
    lab::server_pool servers;
    const auto h = lab::make_hierarchy(lab::key_kind::ec_p256, 1, {"mail.lab.test"});
    lab::server_config smtp;
    smtp.chain = h.served_chain();
    smtp.leaf_key = h.leaf.k;
    smtp.starttls = {.protocol = "smtp", .answer = lab::starttls_answer::proceed};
    lab::server_config pop3 = smtp;
    pop3.starttls = {.protocol = "pop3", .answer = lab::starttls_answer::refuse};
    const auto smtp_port = servers.start(smtp);
    const auto pop3_port = servers.start(pop3);
    const std::string input = fmt::format("127.0.0.1:{} sni=mail.lab.test\npop3://127.0.0.1:{}\nhttps://127.0.0.1:{}\n",
                                          smtp_port, pop3_port, smtp_port);

    const auto r = run_tlsaudit("scan - --starttls smtp --starttls-timeout 5 --concurrency 2 --fail-on none", input);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::map<int, json::object> by_line;
    std::istringstream lines(r.out);
    for (std::string line; std::getline(lines, line);) {
        auto record = json::parse(line).as_object();
        if (record.at("type") == "endpoint") by_line[record.at("target").at("line").to_number<int>()] = record;
    }
    ASSERT_EQ(by_line.size(), 3u) << r.out;

    const auto& ok = by_line.at(1);
    EXPECT_EQ(ok.at("target").at("starttls"), "smtp");
    EXPECT_TRUE(ok.at("error").is_null()) << json::serialize(ok.at("error"));
    const auto& chain = ok.at("chain").as_array();
    ASSERT_EQ(chain.size(), h.served_chain().size());
    for (std::size_t i = 0; i < chain.size(); ++i)
        EXPECT_EQ(std::string(chain[i].at("der").as_string()), base64(h.served_chain()[i]));
    EXPECT_TRUE(ok.at("timings_ms").at("starttls").is_number());

    const auto& refused = by_line.at(2);
    EXPECT_EQ(refused.at("target").at("starttls"), "pop3");
    EXPECT_EQ(refused.at("status"), "error");
    EXPECT_EQ(refused.at("error").at("stage"), "starttls");
    EXPECT_EQ(refused.at("error").at("code"), "starttls-refused");

    // https:// on the line means direct TLS even with --starttls: the SMTP greeting is not TLS.
    const auto& direct = by_line.at(3);
    EXPECT_TRUE(direct.at("target").at("starttls").is_null());
    EXPECT_EQ(direct.at("error").at("stage"), "handshake");
    EXPECT_NE(r.err.find("1 starttls-refused"), std::string::npos) << r.err;
}

TEST(starttls_cli, usage_errors_exit_2) {
    EXPECT_EQ(run_tlsaudit("scan - --starttls gopher").exit_code, 2);
    EXPECT_EQ(run_tlsaudit("scan - --starttls-timeout 0").exit_code, 2);
    const auto help = run_tlsaudit("scan --help");
    EXPECT_NE(help.out.find("--starttls"), std::string::npos);
}

}  // namespace
}  // namespace tlsaudit::testing
