#include "output_check.hpp"

#include <tlsaudit/report/output_file.hpp>

#include <fmt/format.h>

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace tlsaudit::app {
namespace {

void probe(std::string_view flag, const std::string& shown, const std::filesystem::path& prefix) {
    std::filesystem::path created;
    const int fd = report::create_exclusive(prefix, created);
    if (fd < 0) throw std::runtime_error(fmt::format("{} {}: cannot write: {}", flag, shown, std::strerror(errno)));
    ::close(fd);
    ::unlink(created.c_str());
}

}  // namespace

void check_output_file(std::string_view flag, const std::string& path) {
    if (path.empty() || path == "-") return;
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec))
        throw std::runtime_error(fmt::format("{} {}: cannot write: is a directory", flag, path));
    probe(flag, path, path);
}

void check_output_dir(std::string_view flag, const std::filesystem::path& dir) {
    std::error_code ec;
    if (!std::filesystem::exists(dir, ec)) return;
    if (!std::filesystem::is_directory(dir, ec))
        throw std::runtime_error(fmt::format("{} {}: cannot write: not a directory", flag, dir.string()));
    probe(flag, dir.string(), dir / ".tlsaudit-probe");
}

}  // namespace tlsaudit::app
