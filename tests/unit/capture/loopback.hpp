#pragma once
// Loopback support for the capture client's interop tests: a real TLS server process
// (openssl s_server, gnutls-serv, NSS selfserv) on a port the test owns, ready once the
// process itself listens on it; the tools that prepare its files; and a small blocking
// driver that moves the client's bytes over a POSIX socket with poll() deadlines.

#include "capture/client.hpp"

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace tlsaudit::capture_engine::detail {
class entropy_source;
}

namespace tlsaudit::capture_engine::testing {

// A server process listening on 127.0.0.1 (gnutls-serv and selfserv, which cannot be told an
// address, listen on the wildcard address for their short life). Every "{port}" in the arguments is
// replaced by a free port: one bound and released by the test, retried with another when
// the server fails to bind it (at most five ports). Ready when /proc shows a listening
// socket on that port owned by the child. Its stdin is a pipe the test holds open and
// never writes. Killed (SIGKILL) and reaped on destruction.
// Throws std::runtime_error when the server never listens (its output in the message).
class server_process {
public:
    server_process(std::vector<std::string> args, const std::filesystem::path& log_dir);
    ~server_process();
    server_process(const server_process&) = delete;
    server_process& operator=(const server_process&) = delete;

    std::uint16_t port() const noexcept { return port_; }
    std::string output() const;  // what the server printed so far

private:
    bool start(const std::vector<std::string>& args);
    void stop() noexcept;

    std::filesystem::path log_;
    pid_t pid_ = -1;
    int stdin_ = -1;  // the write end of the server's stdin, held open: s_server stops at EOF
    std::uint16_t port_ = 0;
};

// Runs a command to its end, its output appended to `log`; throws std::runtime_error with
// that output when it cannot start, fails, or runs longer than 60 s.
void run_tool(const std::vector<std::string>& args, const std::filesystem::path& log);

struct drive_result {
    status st = status::want_io;
    flight f;
    std::optional<scan_error> error;
    std::string fallback;
    bytes received;               // every byte the server sent (recorded flights for the fuzz seeds)
    std::string transport_error;  // connect/send/recv failure or the deadline; empty when none
};

// Connects to 127.0.0.1:`port` and runs a client to its end: sends pending_output(),
// feeds what it reads, stops at done/failed/fallback (then sends the closing alerts and
// resets the connection, as the scan engine does) or at the deadline.
drive_result drive(const hello_template& hello, const options& opts, std::uint16_t port,
                   detail::entropy_source* entropy = nullptr,
                   std::chrono::milliseconds deadline = std::chrono::seconds(10));

}  // namespace tlsaudit::capture_engine::testing
