// --per-host-concurrency: at most N connections in flight to one address, whatever the
// overall concurrency, counted by the listening side.

#include "scan_support.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace tlsaudit {
namespace {

// Listening sockets that accept and then hold every connection without a byte in
// reply (the scanner's handshake deadline ends each), recording per address the most
// connections open at once. One poll loop on its own thread; stop() ends it.
class holding_listeners {
public:
    holding_listeners(const std::vector<std::string>& addresses, int ports_each) {
        for (const auto& address : addresses)
            for (int i = 0; i < ports_each; ++i) listen_on(address);
        thread_ = std::thread([this] { loop(); });
    }
    ~holding_listeners() {
        stop_ = true;
        thread_.join();
        for (auto& l : listeners_) ::close(l.fd);
        for (auto& c : open_) ::close(c.fd);
    }

    std::string target_lines() const {
        std::string out;
        for (const auto& l : listeners_) out += l.address + ":" + std::to_string(l.port) + "\n";
        return out;
    }
    // Valid once the scan is over (the loop thread has seen every close by then or soon
    // after; the peak only grows while connections are accepted).
    std::map<std::string, int> peaks() const {
        std::lock_guard lock(mutex_);
        return peak_;
    }

private:
    struct socket_entry {
        int fd;
        std::string address;
        int port = 0;
    };

    void listen_on(const std::string& address) {
        const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        sockaddr_in sa{};
        sa.sin_family = AF_INET;
        ::inet_pton(AF_INET, address.c_str(), &sa.sin_addr);
        if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0 || ::listen(fd, 64) != 0)
            throw std::runtime_error("cannot listen on " + address);
        socklen_t len = sizeof sa;
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len);
        listeners_.push_back({fd, address, ntohs(sa.sin_port)});
    }

    // Each round accepts every pending connection first, then drops every connection whose
    // peer has closed (reading what it sent), and only then counts. A connection counted
    // was open at the end of the accepts, so however late this thread runs (a loaded
    // machine), the count never exceeds what the scanner had open at one moment. (Counting
    // at accept time counted a closed connection whose FIN had not been read yet beside
    // its successor: peak 4 with a cap of 3.)
    void loop() {
        std::vector<char> buffer(4096);
        while (!stop_) {
            std::vector<pollfd> fds;
            for (const auto& l : listeners_) fds.push_back({l.fd, POLLIN, 0});
            for (const auto& c : open_) fds.push_back({c.fd, POLLIN, 0});
            ::poll(fds.data(), fds.size(), 20);
            for (const auto& l : listeners_)
                for (int fd; (fd = ::accept4(l.fd, nullptr, nullptr, SOCK_NONBLOCK)) >= 0;)
                    open_.push_back({fd, l.address});
            std::vector<socket_entry> still_open;
            std::map<std::string, int> now;
            for (const auto& c : open_) {
                ssize_t n = 0;
                while ((n = ::read(c.fd, buffer.data(), buffer.size())) > 0) {}
                if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
                    ::close(c.fd);
                    continue;
                }
                still_open.push_back(c);
                ++now[c.address];
            }
            open_ = std::move(still_open);
            std::lock_guard lock(mutex_);
            for (const auto& [address, n] : now) peak_[address] = std::max(peak_[address], n);
        }
    }

    std::vector<socket_entry> listeners_;
    std::vector<socket_entry> open_;  // loop thread only
    mutable std::mutex mutex_;
    std::map<std::string, int> peak_;
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

std::map<std::string, int> peaks_with(std::size_t per_host) {
    holding_listeners servers({"127.0.0.1", "127.0.0.2"}, 12);
    auto config = testing::quick_config(24);
    config.per_host_concurrency = per_host;
    config.handshake_timeout = std::chrono::milliseconds(150);
    const auto out = testing::scan_text(servers.target_lines(), config);
    EXPECT_EQ(out.results.size(), 24u);
    for (const auto& r : out.results) {
        EXPECT_TRUE(r.cap.error && r.cap.error->code == error_codes::timeout_handshake) << r.ep.address;
    }
    return servers.peaks();
}

TEST(per_host_concurrency, caps_connections_to_each_address) {
    const auto peaks = peaks_with(3);
    EXPECT_EQ(peaks.at("127.0.0.1"), 3);  // reached, never passed
    EXPECT_EQ(peaks.at("127.0.0.2"), 3);  // each address has its own slots
}

TEST(per_host_concurrency, without_a_limit_the_overall_concurrency_applies) {
    const auto peaks = peaks_with(0);
    EXPECT_GT(peaks.at("127.0.0.1"), 3);
    EXPECT_GT(peaks.at("127.0.0.2"), 3);
}

}  // namespace
}  // namespace tlsaudit
