#include "loopback.hpp"

#include "capture/testing.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace tlsaudit::capture_engine::testing {
namespace {

using clock = std::chrono::steady_clock;

class fd_owner {
public:
    explicit fd_owner(int fd) noexcept : fd_(fd) {}
    ~fd_owner() {
        if (fd_ >= 0) ::close(fd_);
    }
    fd_owner(const fd_owner&) = delete;
    fd_owner& operator=(const fd_owner&) = delete;
    int get() const noexcept { return fd_; }

private:
    int fd_;
};

sockaddr_in loopback(std::uint16_t port) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

// A port the kernel considers free right now: bound on 127.0.0.1 and released.
std::uint16_t free_port() {
    const fd_owner s(::socket(AF_INET, SOCK_STREAM, 0));
    sockaddr_in a = loopback(0);
    socklen_t len = sizeof a;
    if (s.get() < 0 || ::bind(s.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::getsockname(s.get(), reinterpret_cast<sockaddr*>(&a), &len) != 0)
        throw std::runtime_error("no free loopback port");
    return ntohs(a.sin_port);
}

// Inodes of the sockets listening on `port` (IPv4 or IPv6), from /proc/net/tcp{,6}.
std::vector<std::string> listening_inodes(std::uint16_t port) {
    std::vector<std::string> inodes;
    char wanted[8];
    std::snprintf(wanted, sizeof wanted, ":%04X", port);
    for (const char* table : {"/proc/net/tcp", "/proc/net/tcp6"}) {
        std::ifstream in(table);
        std::string line;
        std::getline(in, line);  // header
        while (std::getline(in, line)) {
            std::istringstream fields(line);
            std::string slot, local, remote, state, queues, timer, retransmits, uid, timeout, inode;
            fields >> slot >> local >> remote >> state >> queues >> timer >> retransmits >> uid >> timeout >> inode;
            if (state == "0A" && local.size() > 5 && local.compare(local.size() - 5, 5, wanted) == 0)
                inodes.push_back(inode);
        }
    }
    return inodes;
}

bool owns_socket(pid_t pid, const std::vector<std::string>& inodes) {
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd", ec)) {
        const auto target = std::filesystem::read_symlink(entry.path(), ec).string();
        for (const auto& inode : inodes)
            if (target == "socket:[" + inode + "]") return true;
    }
    return false;
}

// Starts `args` (looked up on PATH) with `stdin_fd` as its stdin (-1: /dev/null) and its
// stdout and stderr appended to `log`. Returns the pid, or throws naming the program.
pid_t spawn_logged(std::vector<std::string> args, int stdin_fd, const std::filesystem::path& log) {
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    if (stdin_fd >= 0) posix_spawn_file_actions_adddup2(&actions, stdin_fd, 0);
    else posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    pid_t pid = -1;
    const int rc = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) throw std::runtime_error("cannot start " + args.front() + ": " + std::strerror(rc));
    return pid;
}

}  // namespace

server_process::server_process(std::vector<std::string> args, const std::filesystem::path& log_dir)
    : log_(log_dir / "server.log") {
    for (int attempt = 0; attempt < 5; ++attempt)
        if (start(args)) return;
    throw std::runtime_error("the test server never listened; its output:\n" + output());
}

server_process::~server_process() { stop(); }

bool server_process::start(const std::vector<std::string>& args) {
    port_ = free_port();
    std::vector<std::string> with_port;
    for (auto a : args) {
        if (const auto at = a.find("{port}"); at != std::string::npos) a.replace(at, 6, std::to_string(port_));
        with_port.push_back(a);
    }
    int input[2];
    if (::pipe2(input, O_CLOEXEC) != 0) throw std::runtime_error("pipe2");
    stdin_ = input[1];
    try {
        pid_ = spawn_logged(std::move(with_port), input[0], log_);
    } catch (...) {
        ::close(input[0]);
        stop();
        throw;
    }
    ::close(input[0]);

    const auto limit = clock::now() + std::chrono::seconds(20);
    while (clock::now() < limit) {
        int wstatus = 0;
        if (::waitpid(pid_, &wstatus, WNOHANG) == pid_) {  // exited: most likely the port was taken
            pid_ = -1;
            stop();
            return false;
        }
        if (owns_socket(pid_, listening_inodes(port_))) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));  // re-check the port's state
    }
    stop();
    throw std::runtime_error("the test server did not listen within 20 s; its output:\n" + output());
}

void server_process::stop() noexcept {
    if (pid_ > 0) {
        ::kill(pid_, SIGKILL);
        int wstatus = 0;
        while (::waitpid(pid_, &wstatus, 0) < 0 && errno == EINTR) {}
        pid_ = -1;
    }
    if (stdin_ >= 0) ::close(stdin_);
    stdin_ = -1;
}

std::string server_process::output() const {
    std::ifstream in(log_, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void run_tool(const std::vector<std::string>& args, const std::filesystem::path& log) {
    const pid_t pid = spawn_logged(args, -1, log);
    const auto limit = clock::now() + std::chrono::seconds(60);
    int wstatus = 0;
    while (::waitpid(pid, &wstatus, WNOHANG) == 0) {
        if (clock::now() > limit) {
            ::kill(pid, SIGKILL);
            while (::waitpid(pid, &wstatus, 0) < 0 && errno == EINTR) {}
            throw std::runtime_error(args.front() + " ran longer than 60 s");
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));  // poll the child's end
    }
    if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0) {
        std::ifstream in(log, std::ios::binary);
        throw std::runtime_error(args.front() + " failed; its output:\n" +
                                 std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()));
    }
}

drive_result drive(const hello_template& hello, const options& opts, std::uint16_t port,
                   detail::entropy_source* entropy, std::chrono::milliseconds deadline) {
    drive_result r;
    std::unique_ptr<client> c =
        entropy != nullptr ? std::make_unique<client>(hello, opts, *entropy) : std::make_unique<client>(hello, opts);
    const fd_owner s(::socket(AF_INET, SOCK_STREAM, 0));
    const sockaddr_in a = loopback(port);
    if (s.get() < 0 || ::connect(s.get(), reinterpret_cast<const sockaddr*>(&a), sizeof a) != 0) {
        r.transport_error = std::string("connect: ") + std::strerror(errno);
        return r;
    }
    auto send_pending = [&] {
        while (!c->pending_output().empty()) {
            const auto out = c->pending_output();
            const ssize_t n = ::send(s.get(), out.data(), out.size(), MSG_NOSIGNAL);
            if (n <= 0) return false;
            c->consumed_output(static_cast<std::size_t>(n));
        }
        return true;
    };
    const auto end = clock::now() + deadline;
    std::array<unsigned char, 4096> buf{};
    while (c->current() == status::want_io) {
        if (!send_pending()) {
            r.transport_error = std::string("send: ") + std::strerror(errno);
            break;
        }
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - clock::now()).count();
        pollfd p{s.get(), POLLIN, 0};
        if (left <= 0 || ::poll(&p, 1, static_cast<int>(left)) <= 0) {
            r.transport_error = "deadline: the handshake did not end in time";
            break;
        }
        const ssize_t n = ::recv(s.get(), buf.data(), buf.size(), 0);
        if (n < 0) {
            r.transport_error = std::string("recv: ") + std::strerror(errno);
            break;
        }
        if (n == 0) {
            c->receive_eof();
            break;
        }
        r.received.insert(r.received.end(), buf.begin(), buf.begin() + n);
        c->receive(std::span(buf).first(static_cast<std::size_t>(n)));
    }
    send_pending();
    const linger reset{1, 0};  // close with RST, no TIME_WAIT: as the scan engine closes
    ::setsockopt(s.get(), SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
    r.st = c->current();
    r.f = c->result();
    r.error = c->error();
    r.fallback = c->fallback_reason();
    return r;
}

}  // namespace tlsaudit::capture_engine::testing
