#pragma once
// Runs the real `tlsaudit` binary (path from CMake) and captures its output and exit code.

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace tlsaudit::testing {

struct run_result {
    int exit_code = -1;
    std::string out;  // stdout
    std::string err;  // stderr
};

inline std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// Runs `command` through /bin/sh with stdin from `stdin_text`, capturing stdout and
// stderr. The command is the test's own constant, never input from a server.
inline run_result run_command(const std::string& command, const std::string& stdin_text = "") {
    const auto dir = std::filesystem::temp_directory_path() /
                     ("tlsaudit-cli-" + std::to_string(::getpid()) + "-" + std::to_string(std::rand()));
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "stdin") << stdin_text;
    const std::string line = command + " <'" + (dir / "stdin").string() + "' >'" + (dir / "stdout").string() + "' 2>'" +
                             (dir / "stderr").string() + "'";
    const int status = std::system(line.c_str());
    run_result r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = read_file(dir / "stdout");
    r.err = read_file(dir / "stderr");
    std::filesystem::remove_all(dir);
    return r;
}

// Runs `TLSAUDIT_BINARY args` (run_command).
inline run_result run_tlsaudit(const std::string& args, const std::string& stdin_text = "") {
    return run_command(std::string("'") + TLSAUDIT_BINARY + "' " + args, stdin_text);
}

}  // namespace tlsaudit::testing
