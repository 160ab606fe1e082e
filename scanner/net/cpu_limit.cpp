#include "cpu_limit.hpp"

#include <tlsaudit/net.hpp>

#include <sched.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace tlsaudit::net {
namespace detail {
namespace {

namespace fs = std::filesystem;

std::string_view trimmed(std::string_view s) {
    const auto first = s.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) return {};
    return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

std::optional<long long> integer(std::string_view s) {
    s = trimmed(s);
    long long value = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
    return value;
}

std::optional<std::size_t> rounded_up(long long quota, long long period) {
    if (quota <= 0 || period <= 0) return std::nullopt;
    return static_cast<std::size_t>(quota / period + (quota % period != 0 ? 1 : 0));
}

std::vector<std::string_view> split(std::string_view s, char separator) {
    std::vector<std::string_view> parts;
    for (std::size_t start = 0;;) {
        const auto end = s.find(separator, start);
        parts.push_back(s.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
        if (end == std::string_view::npos) return parts;
        start = end + 1;
    }
}

bool has_token(std::string_view list, std::string_view token) {
    const auto tokens = split(list, ',');
    return std::find(tokens.begin(), tokens.end(), token) != tokens.end();
}

// mountinfo writes a space, tab, newline or backslash in a path as \ooo.
std::string unescaped(std::string_view s) {
    const auto octal = [](char c) { return c >= '0' && c <= '7'; };
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\' && i + 3 < s.size() && octal(s[i + 1]) && octal(s[i + 2]) && octal(s[i + 3])) {
            out += static_cast<char>((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
            i += 3;
        } else {
            out += s[i];
        }
    }
    return out;
}

std::optional<std::string> read_text(const fs::path& file) {
    std::ifstream in(file);
    if (!in) return std::nullopt;
    std::ostringstream text;
    text << in.rdbuf();
    return std::move(text).str();
}

// Where a hierarchy is mounted, and which of its directories the mount shows as its root.
struct mount {
    fs::path point;
    std::string root;
};

// The process's cgroup directory under `m`, from its path in /proc/self/cgroup; nullopt
// when the path is not under what the mount shows (the mount of another cgroup namespace).
std::optional<fs::path> cgroup_dir(const mount& m, std::string_view path) {
    std::string_view relative = path;
    if (m.root != "/") {
        if (!relative.starts_with(m.root)) return std::nullopt;
        relative.remove_prefix(m.root.size());
        if (!relative.empty() && relative.front() != '/') return std::nullopt;
    }
    fs::path dir = m.point;
    for (const auto part : split(relative, '/')) {
        if (part.empty() || part == ".") continue;
        if (part == "..") return std::nullopt;
        dir /= std::string(part);
    }
    return dir;
}

// Keeps in `limit` the tighter of it and `found` (nullopt: no limit).
void tighten(std::optional<std::size_t>& limit, std::optional<std::size_t> found) {
    if (found && (!limit || *found < *limit)) limit = found;
}

// The tightest limit from `dir` up to the mount point: a parent's quota binds its children.
template <typename Read>
std::optional<std::size_t> tightest(const mount& m, std::string_view path, Read read_limit) {
    const auto dir = cgroup_dir(m, path);
    if (!dir) return std::nullopt;
    std::optional<std::size_t> limit;
    for (fs::path d = *dir;; d = d.parent_path()) {
        tighten(limit, read_limit(d));
        if (d == m.point || d == d.parent_path()) break;
    }
    return limit;
}

}  // namespace

std::optional<std::size_t> quota_cpus_v2(std::string_view cpu_max) {
    const auto fields = split(trimmed(cpu_max), ' ');
    if (fields.size() != 2 || fields[0] == "max") return std::nullopt;
    const auto quota = integer(fields[0]);
    const auto period = integer(fields[1]);
    if (!quota || !period) return std::nullopt;
    return rounded_up(*quota, *period);
}

std::optional<std::size_t> quota_cpus_v1(std::string_view quota_us, std::string_view period_us) {
    const auto quota = integer(quota_us);
    const auto period = integer(period_us);
    if (!quota || !period) return std::nullopt;
    return rounded_up(*quota, *period);
}

std::optional<std::size_t> cgroup_cpu_limit(const fs::path& mountinfo, const fs::path& cgroup) {
    const auto mounts = read_text(mountinfo);
    const auto groups = read_text(cgroup);
    if (!mounts || !groups) return std::nullopt;

    std::optional<mount> v2, v1;
    std::istringstream mount_lines(*mounts);
    for (std::string line; std::getline(mount_lines, line);) {
        // ID PARENT MAJOR:MINOR ROOT MOUNT-POINT OPTIONS [OPTIONAL...] - TYPE SOURCE SUPER-OPTIONS
        const auto dash = line.find(" - ");
        if (dash == std::string::npos) continue;
        const auto head = split(std::string_view(line).substr(0, dash), ' ');
        const auto tail = split(std::string_view(line).substr(dash + 3), ' ');
        if (head.size() < 5 || tail.size() < 3) continue;
        mount m{unescaped(head[4]), unescaped(head[3])};
        if (tail[0] == "cgroup2" && !v2) v2 = std::move(m);
        else if (tail[0] == "cgroup" && has_token(tail[2], "cpu") && !v1) v1 = std::move(m);
    }

    std::optional<std::size_t> limit;
    std::istringstream group_lines(*groups);
    for (std::string line; std::getline(group_lines, line);) {
        // HIERARCHY-ID:CONTROLLERS:PATH (v2: 0::PATH)
        const auto first = line.find(':');
        const auto second = first == std::string::npos ? first : line.find(':', first + 1);
        if (second == std::string::npos) continue;
        const std::string_view id = std::string_view(line).substr(0, first);
        const std::string_view controllers = std::string_view(line).substr(first + 1, second - first - 1);
        const std::string_view path = std::string_view(line).substr(second + 1);
        if (id == "0" && controllers.empty() && v2) {
            tighten(limit, tightest(*v2, path, [](const fs::path& d) -> std::optional<std::size_t> {
                        const auto text = read_text(d / "cpu.max");
                        return text ? quota_cpus_v2(*text) : std::nullopt;
                    }));
        } else if (has_token(controllers, "cpu") && v1) {
            tighten(limit, tightest(*v1, path, [](const fs::path& d) -> std::optional<std::size_t> {
                        const auto quota = read_text(d / "cpu.cfs_quota_us");
                        const auto period = read_text(d / "cpu.cfs_period_us");
                        return quota && period ? quota_cpus_v1(*quota, *period) : std::nullopt;
                    }));
        }
    }
    return limit;
}

}  // namespace detail

std::size_t usable_cpus() {
    std::size_t cpus = std::max(1u, std::thread::hardware_concurrency());
    cpu_set_t set;
    CPU_ZERO(&set);
    if (::sched_getaffinity(0, sizeof set, &set) == 0) cpus = static_cast<std::size_t>(std::max(1, CPU_COUNT(&set)));
    if (const auto quota = detail::cgroup_cpu_limit("/proc/self/mountinfo", "/proc/self/cgroup"))
        cpus = std::min(cpus, std::max<std::size_t>(1, *quota));
    return cpus;
}

}  // namespace tlsaudit::net
