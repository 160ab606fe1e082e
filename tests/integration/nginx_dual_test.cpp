// The mission's half-finished migration on a real nginx: two ssl_certificate lines, an
// ECDSA chain under GlobalSign GCC R3 DV TLS CA 2020 and an RSA chain under the retired
// GlobalSign RSA DV SSL CA 2018. A default scan must report the 2018 chain and say that
// RSA-only clients receive it.

#include "cli_support.hpp"
#include "process_support.hpp"

#include <tlsaudit/lab/key.hpp>
#include <tlsaudit/lab/pki.hpp>
#include <tlsaudit/lab/real_certs.hpp>
#include <tlsaudit/lab/tls_server.hpp>

#include <boost/json/parse.hpp>

#include <fmt/format.h>

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <sstream>

namespace tlsaudit::testing {
namespace {

namespace fs = std::filesystem;
using lab::key_kind;

constexpr const char* nginx_binary = "/usr/sbin/nginx";

// Leaf PEM + the real intermediate's PEM, and the leaf key's PEM.
std::pair<std::string, std::string> chain_files(const std::string& stem, std::size_t index, key_kind kind) {
    const auto leaf = lab::leaf_under_real(stem, "dual.lab.test", index, kind);
    return {leaf.pem() + std::string(lab::real_cert_pem(stem)), leaf.k.to_pem()};
}

bool accepts(std::uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    ::close(fd);
    return ok;
}

class nginx_dual : public ::testing::Test {
protected:
    void SetUp() override {
        if (!fs::exists(nginx_binary)) GTEST_FAIL() << "nginx is not installed (scripts/setup.sh installs it)";
        dir_ = fs::temp_directory_path() / fmt::format("tlsaudit-nginx-{}", ::getpid());
        fs::create_directories(dir_ / "tmp");
        const auto [ec_chain, ec_key] = chain_files("globalsign-gcc-r3-dv-tls-ca-2020", 150, key_kind::ec_p256);
        const auto [rsa_chain, rsa_key] = chain_files("globalsign-rsa-dv-ssl-ca-2018", 151, key_kind::rsa_2048);
        std::ofstream(dir_ / "ec.pem") << ec_chain;
        std::ofstream(dir_ / "ec.key") << ec_key;
        std::ofstream(dir_ / "rsa.pem") << rsa_chain;
        std::ofstream(dir_ / "rsa.key") << rsa_key;
        // A port nobody holds may be taken between our check and nginx's bind: a few tries.
        for (int attempt = 0; attempt < 5 && !server_; ++attempt) {
            port_ = lab::closed_port().port();  // released at once, for nginx to bind
            write_config();
            server_.emplace(nginx_binary,
                            std::vector<std::string>{"-p", dir_.string(), "-c", (dir_ / "nginx.conf").string()},
                            dir_ / "stdout", dir_ / "stderr");
            if (!poll_until([&] { return accepts(port_) || !server_->running(); }, std::chrono::seconds(10)) ||
                !server_->running())
                server_.reset();
        }
        ASSERT_TRUE(server_) << "nginx did not start: " << read_file(dir_ / "error.log");
    }
    void TearDown() override {
        if (server_) {
            server_->signal(SIGTERM);
            server_->wait();
        }
        fs::remove_all(dir_);
    }

    void write_config() {
        std::ofstream(dir_ / "nginx.conf") << fmt::format(R"(daemon off;
master_process off;
worker_processes 1;
pid {0}/nginx.pid;
error_log {0}/error.log;
events {{ worker_connections 64; }}
http {{
  access_log off;
  client_body_temp_path {0}/tmp; proxy_temp_path {0}/tmp; fastcgi_temp_path {0}/tmp;
  uwsgi_temp_path {0}/tmp; scgi_temp_path {0}/tmp;
  server {{
    listen 127.0.0.1:{1} ssl;
    server_name dual.lab.test;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_certificate {0}/ec.pem;
    ssl_certificate_key {0}/ec.key;
    ssl_certificate {0}/rsa.pem;
    ssl_certificate_key {0}/rsa.key;
    return 204;
  }}
}}
)",
                                                          dir_.string(), port_);
    }

    fs::path dir_;
    std::uint16_t port_ = 0;
    std::optional<child_process> server_;
};

boost::json::object endpoint_record(const std::string& ndjson) {
    std::istringstream lines(ndjson);
    for (std::string l; std::getline(lines, l);) {
        auto v = boost::json::parse(l);
        if (v.as_object().at("type") == "endpoint") return v.as_object();
    }
    return {};
}

TEST_F(nginx_dual, default_scan_reports_the_2018_chain_served_to_rsa_only_clients) {
    for (const std::string engine : {"capture", "openssl"}) {
        const auto r =
            run_tlsaudit(fmt::format("scan - --no-revocation --no-geoip --tls-engine {} --ndjson - -q", engine),
                         fmt::format("127.0.0.1:{} sni=dual.lab.test\n", port_));
        const auto record = endpoint_record(r.out);
        ASSERT_FALSE(record.empty()) << r.err;
        ASSERT_EQ(record.at("error"), nullptr) << r.out;
        const auto& first_issuer = record.at("chain").as_array()[0].at("issuer").as_string();
        EXPECT_NE(std::string(first_issuer).find("GCC R3 DV TLS CA 2020"), std::string::npos) << engine;
        const auto& others = record.at("other_chains").as_array();
        ASSERT_EQ(others.size(), 1u) << engine << ": " << r.out;
        const auto& rsa_leaf = others[0].at("chain").as_array()[0].as_object();
        EXPECT_NE(std::string(rsa_leaf.at("issuer").as_string()).find("RSA DV SSL CA 2018"), std::string::npos);
        bool found = false;
        for (const auto& f : record.at("findings").as_array()) {
            const auto& o = f.as_object();
            if (o.at("id") == "deprecated-intermediate" && o.at("chain").as_int64() == 1 &&
                std::string(o.at("message").as_string()).find("served to RSA-only clients") != std::string::npos)
                found = true;
        }
        EXPECT_TRUE(found) << engine << ": " << r.out;
    }
}

}  // namespace
}  // namespace tlsaudit::testing
