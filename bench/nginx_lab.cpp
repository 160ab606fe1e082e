#include "nginx_lab.hpp"

#include "ossl/encoding.hpp"

#include <fmt/format.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>

namespace tlsaudit::bench {
namespace {

namespace fs = std::filesystem;

// One file per distinct served chain (leaf first, as served) and one per key, named by
// the order in which they are first met.
class credential_files {
public:
    explicit credential_files(fs::path dir) : dir_(std::move(dir)) { fs::create_directories(dir_); }

    // The ssl_certificate / ssl_certificate_key lines for one chain.
    std::string lines(const std::vector<bytes>& chain, const lab::key& key) {
        auto [it, added] = index_.try_emplace(chain.front(), index_.size());
        const auto chain_file = dir_ / fmt::format("chain{}.pem", it->second);
        const auto key_file = dir_ / fmt::format("key{}.pem", it->second);
        if (added) {
            std::ofstream out(chain_file);
            for (const auto& der : chain) out << ossl::der_to_pem(der);
            std::ofstream(key_file) << key.to_pem();
        }
        return fmt::format("    ssl_certificate {};\n    ssl_certificate_key {};\n", chain_file.string(),
                           key_file.string());
    }

private:
    fs::path dir_;
    std::map<bytes, std::size_t> index_;
};

// One server block per distinct set of certificates, listing every endpoint that serves it.
std::string server_blocks(const std::vector<lab::server_config>& configs, credential_files& files) {
    std::map<std::string, std::string> listens_by_certificates;
    for (const auto& c : configs) {
        std::string certificates = files.lines(c.chain, c.leaf_key);
        for (const auto& extra : c.extra_chains) certificates += files.lines(extra.chain, extra.leaf_key);
        listens_by_certificates[certificates] += fmt::format("    listen {}:{} ssl;\n", c.bind_address, c.port);
    }
    std::string out;
    for (const auto& [certificates, listens] : listens_by_certificates)
        out += fmt::format("  server {{\n{}{}    location / {{ return 200; }}\n  }}\n", listens, certificates);
    return out;
}

std::string configuration(const fs::path& dir, const std::vector<lab::server_config>& configs, unsigned workers) {
    credential_files files(dir / "certs");
    // Every worker holds every listening socket, each of which takes a connection slot.
    const std::size_t slots = configs.size() + 4096;
    return fmt::format(R"(daemon off;
master_process on;
worker_processes {workers};
worker_rlimit_nofile {files};
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections {slots}; }}
http {{
  access_log off;
  client_body_temp_path {dir}/tmp; proxy_temp_path {dir}/tmp; fastcgi_temp_path {dir}/tmp;
  uwsgi_temp_path {dir}/tmp; scgi_temp_path {dir}/tmp;
  ssl_protocols TLSv1.2 TLSv1.3;
  ssl_session_cache off;
  ssl_session_tickets off;
{servers}}}
)",
                       fmt::arg("workers", workers), fmt::arg("files", slots + 64), fmt::arg("dir", dir.string()),
                       fmt::arg("slots", slots), fmt::arg("servers", server_blocks(configs, files)));
}

bool accepts(const lab::server_config& c) {
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(c.port);
    if (inet_pton(AF_INET, c.bind_address.c_str(), &sa.sin_addr) != 1) return false;
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    const bool ok = ::connect(fd, reinterpret_cast<const sockaddr*>(&sa), sizeof sa) == 0;
    ::close(fd);
    return ok;
}

std::string tail_of(const fs::path& file) {
    std::ifstream in(file);
    std::stringstream text;
    text << in.rdbuf();
    const std::string all = text.str();
    return all.size() > 2000 ? all.substr(all.size() - 2000) : all;
}

}  // namespace

nginx_lab::nginx_lab(const fs::path& dir, const std::vector<lab::server_config>& configs, unsigned workers) {
    if (configs.empty()) throw std::invalid_argument("nginx_lab: no endpoint");
    fs::create_directories(dir / "tmp");
    fs::remove(dir / "error.log");
    std::ofstream(dir / "nginx.conf") << configuration(dir, configs, workers);
    const std::string prefix = dir.string();
    const std::string conf = (dir / "nginx.conf").string();
    std::vector<std::string> args{"nginx", "-p", prefix, "-c", conf};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error(fmt::format("cannot start nginx: {}", std::strerror(errno)));
    if (pid_ == 0) {
        // nginx ends with this process, however it ends (bench/run.sh may kill it).
        ::prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (::getppid() == 1) ::_exit(127);  // the parent is already gone
        ::execvp("nginx", argv.data());
        ::_exit(127);
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (!accepts(configs.back())) {
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            throw std::runtime_error("nginx stopped: " + tail_of(dir / "error.log"));
        }
        if (std::chrono::steady_clock::now() > deadline) {
            stop();
            throw std::runtime_error("nginx did not listen within 120 s: " + tail_of(dir / "error.log"));
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
}

nginx_lab::~nginx_lab() { stop(); }

void nginx_lab::stop() noexcept {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);  // nginx: fast shutdown of the master and its workers
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
}

}  // namespace tlsaudit::bench
