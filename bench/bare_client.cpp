// tlsaudit-bench-bare: the least a scanner that opens one TCP connection per endpoint can
// spend, for bench/run.sh to set beside tlsaudit (bench/README.md).
//
//   tlsaudit-bench-bare --targets FILE [--concurrency 100] [--sni NAME] [--network A.B.C]
//
// For every `ADDRESS:PORT` line of FILE (what tlsaudit-bench-lab writes; anything after the
// first space is ignored) it connects, sends the ClientHello of tlsaudit's modern probe,
// reads the server's TLS 1.3 flight up to the record that carries CertificateVerify (where
// tlsaudit's capture engine stops), sends the same closing alerts and closes with SO_LINGER
// 0, as tlsaudit does. It parses nothing but record headers and computes nothing: one
// ClientHello (one key share) is built at start and sent to every endpoint, so the lab
// does its full work while this client does none. On epoll directly, one thread, no Asio.
// Prints "ok N failed M". Loopback addresses only (IPv4), and with --network the /24 of a
// lab in a network namespace of the caller's (bench/netns.sh).
//
// --reuse-socket: after a completed exchange, the socket is not closed but reset and
// dissolved with connect(AF_UNSPEC), then connected to the next target: no socket(),
// setsockopt(), close() or epoll registration per connection, and no search for a local
// port (bench/RESULTS.md section 22 measures what that saves; tlsaudit does not do it).

#include "capture/client.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <fstream>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace {

using clock_type = std::chrono::steady_clock;

// A user_canceled warning, then close_notify: the alerts the capture engine ends with.
constexpr std::array<unsigned char, 14> closing_alerts{0x15, 0x03, 0x03, 0x00, 0x02, 0x01, 0x5a,
                                                       0x15, 0x03, 0x03, 0x00, 0x02, 0x01, 0x00};
constexpr unsigned char handshake_record = 0x16;
constexpr unsigned char application_data_record = 0x17;
// OpenSSL's TLS 1.3 server puts EncryptedExtensions, Certificate and CertificateVerify in
// records of their own: the third protected record holds CertificateVerify.
constexpr int protected_records_wanted = 3;

struct connection {
    int fd = -1;
    int spare = -1;  // --reuse-socket: the dissolved socket the next target gets
    bool sent = false;
    bool server_hello = false;
    int protected_records = 0;
    std::size_t header_at = 0;  // offset of the next record header in the stream
    std::size_t received = 0;   // bytes read so far
    std::array<unsigned char, 5> header{};
    std::size_t header_have = 0;
    clock_type::time_point deadline;
};

// `network` is 0 or the /24 (its address with the last octet 0) a target may also be on.
sockaddr_in parse_target(const std::string& line, std::uint32_t network) {
    const auto end = line.find(' ');
    const std::string hostport = line.substr(0, end);
    const auto colon = hostport.rfind(':');
    if (colon == std::string::npos) throw std::invalid_argument("not ADDRESS:PORT: " + line);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    if (inet_pton(AF_INET, hostport.substr(0, colon).c_str(), &sa.sin_addr) != 1)
        throw std::invalid_argument("not an IPv4 address: " + line);
    const std::uint32_t address = ntohl(sa.sin_addr.s_addr);
    if ((address >> 24) != 127 && (network == 0 || (address & 0xffffff00U) != network))
        throw std::invalid_argument("loopback only: " + line);
    sa.sin_port = htons(static_cast<std::uint16_t>(std::stoi(hostport.substr(colon + 1))));
    return sa;
}

// Walks the record headers in `data` (the next bytes of the stream). True once the record
// holding CertificateVerify has begun to arrive.
bool flight_in(connection& c, std::span<const unsigned char> data) {
    std::size_t i = c.header_at > c.received ? c.header_at - c.received : 0;
    while (i < data.size()) {
        c.header[c.header_have++] = data[i++];
        if (c.header_have < c.header.size()) continue;
        const std::size_t length = std::size_t{c.header[3]} << 8 | c.header[4];
        if (c.header[0] == handshake_record) c.server_hello = true;
        if (c.header[0] == application_data_record && c.server_hello) ++c.protected_records;
        if (c.protected_records >= protected_records_wanted) return true;
        c.header_at = c.received + i + length;
        c.header_have = 0;
        i = c.header_at - c.received;
    }
    c.received += data.size();
    return false;
}

}  // namespace

int main(int argc, char** argv) {
    std::string targets_file;
    int concurrency = 100;
    std::string sni = "bench.lab.test";
    int timeout_s = 30;
    std::string network;
    CLI::App app("a bare TLS connection per endpoint, the floor tlsaudit is set beside");
    app.add_option("--targets", targets_file)->required();
    app.add_option("--concurrency", concurrency)->check(CLI::Range(1, 10000));
    app.add_option("--sni", sni);
    app.add_option("--timeout", timeout_s, "Seconds per connection")->check(CLI::Range(1, 600));
    app.add_option("--network", network, "A.B.C: targets may also be on this /24 (a lab's network namespace)");
    bool reuse_socket = false;
    app.add_flag("--reuse-socket", reuse_socket, "Connect each socket again after a completed exchange (see above)");
    CLI11_PARSE(app, argc, argv);
    in_addr lab_network{};
    if (!network.empty() && inet_pton(AF_INET, (network + ".0").c_str(), &lab_network) != 1) {
        fmt::print(stderr, "--network is three octets, e.g. 10.199.1\n");
        return 2;
    }

    std::vector<sockaddr_in> targets;
    {
        std::ifstream in(targets_file);
        for (std::string line; std::getline(in, line);)
            if (!line.empty()) targets.push_back(parse_target(line, ntohl(lab_network.s_addr)));
    }
    using namespace tlsaudit::capture_engine;
    const auto hello_template = hello_template::make(probe::modern, {});
    const client hello_source(hello_template, options{.sni = sni});
    const auto hello_bytes = hello_source.pending_output();
    const std::vector<unsigned char> hello(hello_bytes.begin(), hello_bytes.end());

    const int ep = epoll_create1(EPOLL_CLOEXEC);
    if (ep < 0) throw std::runtime_error("epoll_create1");
    std::vector<connection> slots(static_cast<std::size_t>(concurrency));
    std::size_t next = 0;
    std::size_t active = 0;
    std::size_t ok = 0;
    std::size_t failed = 0;
    std::array<unsigned char, 16384> buffer;  // NOLINT: only the bytes read are used

    auto finish = [&](connection& c, bool success) {
        if (success) {
            (void)::send(c.fd, closing_alerts.data(), closing_alerts.size(), MSG_NOSIGNAL);
            ++ok;
        } else {
            ++failed;
        }
        int spare = -1;
        sockaddr unspec{};
        unspec.sa_family = AF_UNSPEC;
        // A reset either way: SO_LINGER 0 on close, tcp_disconnect() on an AF_UNSPEC connect.
        if (reuse_socket && success && ::connect(c.fd, &unspec, sizeof unspec) == 0) spare = c.fd;
        else ::close(c.fd);
        c = connection{};
        c.spare = spare;
        --active;
    };
    auto open_next = [&](connection& c) {
        while (next < targets.size()) {
            const auto& target = targets[next++];
            const int spare = std::exchange(c.spare, -1);
            const bool reused = spare >= 0;
            const int fd = reused ? spare : ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
            const linger no_linger{1, 0};
            if (fd < 0 || (!reused && ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &no_linger, sizeof no_linger) != 0)) {
                if (fd >= 0) ::close(fd);
                ++failed;
                continue;
            }
            const int rc = ::connect(fd, reinterpret_cast<const sockaddr*>(&target), sizeof target);
            epoll_event ev{};
            ev.events = EPOLLOUT | EPOLLIN;
            ev.data.ptr = &c;
            if ((rc != 0 && errno != EINPROGRESS) ||
                ::epoll_ctl(ep, reused ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, &ev) != 0) {
                ::close(fd);
                ++failed;
                continue;
            }
            c.fd = fd;
            c.deadline = clock_type::now() + std::chrono::seconds(timeout_s);
            ++active;
            return;
        }
    };
    for (auto& c : slots) open_next(c);

    std::array<epoll_event, 256> events{};
    while (active > 0) {
        const int n = ::epoll_wait(ep, events.data(), static_cast<int>(events.size()), 1000);
        if (n < 0 && errno != EINTR) throw std::runtime_error("epoll_wait");
        for (int i = 0; i < n; ++i) {
            auto& c = *static_cast<connection*>(events[static_cast<std::size_t>(i)].data.ptr);
            if (c.fd < 0) continue;
            bool done = false;
            bool success = false;
            if (!c.sent && (events[static_cast<std::size_t>(i)].events & (EPOLLOUT | EPOLLERR | EPOLLHUP))) {
                int error = 0;
                socklen_t len = sizeof error;
                const bool connected = ::getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &error, &len) == 0 && error == 0;
                const bool sent = connected && ::send(c.fd, hello.data(), hello.size(), MSG_NOSIGNAL) ==
                                                   static_cast<ssize_t>(hello.size());
                epoll_event ev{};
                ev.events = EPOLLIN;
                ev.data.ptr = &c;
                if (!sent || ::epoll_ctl(ep, EPOLL_CTL_MOD, c.fd, &ev) != 0) done = true;
                c.sent = true;
            } else if (events[static_cast<std::size_t>(i)].events & (EPOLLIN | EPOLLERR | EPOLLHUP)) {
                for (;;) {
                    const ssize_t got = ::recv(c.fd, buffer.data(), buffer.size(), 0);
                    if (got > 0) {
                        if (flight_in(c, std::span(buffer.data(), static_cast<std::size_t>(got)))) {
                            done = success = true;
                            break;
                        }
                        continue;
                    }
                    if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
                    done = true;  // closed or failed before the flight was in
                    break;
                }
            }
            if (done) {
                finish(c, success);
                open_next(c);
            }
        }
        const auto now = clock_type::now();
        for (auto& c : slots) {
            if (c.fd >= 0 && now > c.deadline) {
                finish(c, false);
                open_next(c);
            }
        }
    }
    for (const auto& c : slots)
        if (c.spare >= 0) ::close(c.spare);
    ::close(ep);
    fmt::print("ok {} failed {}\n", ok, failed);
    return failed == 0 ? 0 : 1;
}
