#pragma once
// Starts the real `tlsaudit` binary as a child process the test can signal (kill -9,
// SIGINT, SIGTERM), with stdout and stderr going to files.

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace tlsaudit::testing {

class child_process {
public:
    // Runs the tlsaudit binary with `args`.
    child_process(const std::vector<std::string>& args, const std::filesystem::path& out,
                  const std::filesystem::path& err)
        : child_process(TLSAUDIT_BINARY, args, out, err) {}

    // Runs `program` (an absolute path) with `args`.
    child_process(const std::string& program, const std::vector<std::string>& args, const std::filesystem::path& out,
                  const std::filesystem::path& err) {
        std::vector<std::string> argv_storage{program};
        argv_storage.insert(argv_storage.end(), args.begin(), args.end());
        std::vector<char*> argv;
        for (auto& a : argv_storage) argv.push_back(a.data());
        argv.push_back(nullptr);
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
        posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        const int rc = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        if (rc != 0) throw std::runtime_error("cannot start " + argv_storage[0]);
    }
    ~child_process() {
        if (pid_ > 0 && !reaped_) {
            ::kill(pid_, SIGKILL);
            wait();
        }
    }
    child_process(const child_process&) = delete;
    child_process& operator=(const child_process&) = delete;

    void signal(int sig) const { ::kill(pid_, sig); }
    // The exit status seen by running() once it returned false.
    int exit_status() const { return exit_status_; }

    // Waits for the exit; returns the exit code, or 128 + signal when killed by one.
    int wait() {
        int status = 0;
        while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {}
        reaped_ = true;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }

    bool running() {
        int status = 0;
        if (reaped_) return false;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
            reaped_ = true;
            exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            return false;
        }
        return true;
    }

private:
    pid_t pid_ = -1;
    bool reaped_ = false;
    int exit_status_ = -1;
};

// Polls `condition` (e.g. "the NDJSON holds 60 records") until true or `limit` passes;
// a readiness check on what the scanner wrote, re-evaluated every few milliseconds.
inline bool poll_until(const std::function<bool()>& condition, std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
        if (condition()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return condition();
}

// Complete lines ("...\n") of type `type` in `file` (a torn last line is not counted).
inline std::size_t count_records(const std::filesystem::path& file, const std::string& type) {
    std::ifstream in(file, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const std::string needle = "\"type\":\"" + type + "\"";
    std::size_t n = 0, start = 0;
    for (std::size_t end; (end = text.find('\n', start)) != std::string::npos; start = end + 1)
        if (text.substr(start, end - start).find(needle) != std::string::npos) ++n;
    return n;
}

}  // namespace tlsaudit::testing
