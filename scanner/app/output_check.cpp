#include "output_check.hpp"

#include "exit_codes.hpp"

#include <tlsaudit/report/output_file.hpp>

#include <fmt/format.h>

#include <sys/stat.h>
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

// Standard input ("-") as an input: the file it was redirected from, if a regular one.
bool is_stdin_of(const std::string& output) {
    struct stat in {};
    struct stat out {};
    return ::fstat(STDIN_FILENO, &in) == 0 && S_ISREG(in.st_mode) && ::stat(output.c_str(), &out) == 0 &&
           in.st_dev == out.st_dev && in.st_ino == out.st_ino;
}

}  // namespace

bool same_file(const std::string& a, const std::string& b) {
    std::error_code ec;
    if (std::filesystem::equivalent(a, b, ec)) return true;  // both exist (and may be links)
    std::error_code ec_a;
    std::error_code ec_b;
    // A link to a file not created yet: the file it will create. weakly_canonical leaves a
    // relative path whose first part does not exist relative.
    const auto resolved_a =
        std::filesystem::weakly_canonical(std::filesystem::absolute(report::write_target(a), ec_a), ec_a);
    const auto resolved_b =
        std::filesystem::weakly_canonical(std::filesystem::absolute(report::write_target(b), ec_b), ec_b);
    return !ec_a && !ec_b && resolved_a == resolved_b;
}

namespace {

// Devices and FIFOs (/dev/null as every output) are written in place and may repeat;
// files and directories (--save-chains, --revocation-cache) may not.
bool is_file(const named_file& f) {
    if (f.path.empty() || f.path == "-") return false;
    std::error_code ec;
    return !report::exists_not_regular(f.path) || std::filesystem::is_directory(f.path, ec);
}

}  // namespace

void check_distinct_files(const std::vector<named_file>& outputs, const std::vector<named_file>& inputs) {
    std::error_code ec;
    const named_file* on_stdout = nullptr;  // two documents on one stream would be neither
    for (const auto& out : outputs) {
        if (out.path != "-") continue;
        if (on_stdout)
            throw config_error(fmt::format("{} and {} both write to standard output ('-'): one of them may",
                                           on_stdout->flag, out.flag));
        on_stdout = &out;
    }
    for (std::size_t i = 0; i < outputs.size(); ++i) {
        if (!is_file(outputs[i])) continue;
        for (const auto& input : inputs)
            if ((input.path == "-" && is_stdin_of(outputs[i].path)) ||
                (is_file(input) && same_file(outputs[i].path, input.path)))
                throw config_error(fmt::format("{} {} would overwrite {} {}", outputs[i].flag, outputs[i].path,
                                               input.flag, input.path == "-" ? "(standard input)" : input.path));
        for (std::size_t j = i + 1; j < outputs.size(); ++j)
            if (is_file(outputs[j]) && same_file(outputs[i].path, outputs[j].path))
                throw config_error(fmt::format(
                    "{} and {} name one {}, {}: each output needs its own", outputs[i].flag, outputs[j].flag,
                    std::filesystem::is_directory(outputs[j].path, ec) ? "directory" : "file", outputs[j].path));
    }
}

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
    probe(flag, path, report::write_target(path));  // a link: where the report will be renamed to
}

void check_output_dir(std::string_view flag, const std::filesystem::path& dir) {
    // A missing directory is made at the start of the scan: its nearest existing
    // ancestor must then be a directory we can write in.
    std::error_code ec;
    auto existing = dir;
    while (!std::filesystem::exists(existing, ec) && existing.has_relative_path()) {
        // A symbolic link to nothing is no place to make the directory in.
        if (std::filesystem::is_symlink(std::filesystem::symlink_status(existing, ec)))
            throw config_error(fmt::format("{} {}: cannot write: {} is a symbolic link to nothing", flag, dir.string(),
                                           existing == dir ? "it" : existing.string()));
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

void lock_output(std::optional<report::output_lock>& lock, std::string_view option, const std::filesystem::path& path,
                 bool create) {
    try {
        lock.emplace(path, create);
    } catch (const report::output_busy& e) {
        throw config_error(fmt::format("{}: {}", option, e.what()));
    }
}

void check_stdin_readable(std::string_view what) {
    struct stat st {};
    if (::fstat(STDIN_FILENO, &st) != 0)
        throw config_error(fmt::format("cannot read {} from standard input: it is closed", what));
    if (S_ISDIR(st.st_mode))
        throw config_error(fmt::format("cannot read {} from standard input: it is a directory", what));
}

}  // namespace tlsaudit::app
