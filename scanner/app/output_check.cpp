#include "output_check.hpp"

#include "exit_codes.hpp"

#include <tlsaudit/report/output_file.hpp>

#include <fmt/format.h>

#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace tlsaudit::app {
namespace {

void probe(std::string_view flag, const std::string& shown, const std::filesystem::path& prefix) {
    std::filesystem::path created;
    const int fd = report::create_exclusive(prefix, created);
    if (fd < 0) throw config_error(fmt::format("{} {}: cannot write: {}", flag, shown, std::strerror(errno)));
    ::close(fd);
    ::unlink(created.c_str());
}

}  // namespace

void check_output_file(std::string_view flag, const std::string& path) {
    if (path.empty() || path == "-") return;
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec))
        throw config_error(fmt::format("{} {}: cannot write: is a directory", flag, path));
    if (report::exists_not_regular(path)) {
        // /dev/null, /dev/stdout, a FIFO: written in place, so nothing is created beside it.
        if (::access(path.c_str(), W_OK) != 0)
            throw config_error(fmt::format("{} {}: cannot write: {}", flag, path, std::strerror(errno)));
        return;
    }
    probe(flag, path, path);
}

void check_output_dir(std::string_view flag, const std::filesystem::path& dir) {
    // A missing directory is made at the start of the scan: its nearest existing
    // ancestor must then be a directory we can write in.
    std::error_code ec;
    auto existing = dir;
    while (!std::filesystem::exists(existing, ec) && existing.has_relative_path()) {
        const auto parent = existing.parent_path();
        if (parent.empty() || parent == existing) {
            existing = ".";
            break;
        }
        existing = parent;
    }
    if (!std::filesystem::is_directory(existing, ec))
        throw config_error(fmt::format("{} {}: cannot write: {} is not a directory", flag, dir.string(),
                                       existing == dir ? "it" : existing.string()));
    probe(flag, dir.string(), existing / ".tlsaudit-probe");
}

}  // namespace tlsaudit::app
