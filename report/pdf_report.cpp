#include <tlsaudit/report/html_report.hpp>
#include <tlsaudit/report/output_file.hpp>
#include <tlsaudit/report/pdf_report.hpp>

#include "text/hex.hpp"

#include <fmt/format.h>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <vector>

extern char** environ;

namespace tlsaudit::report {
namespace {

namespace fs = std::filesystem;

bool executable(const fs::path& p) { return ::access(p.c_str(), X_OK) == 0 && !fs::is_directory(p); }

// A file:// URL for an absolute path: every byte outside the unreserved set and '/' is
// percent-encoded, so spaces, '#' and '?' in a directory name stay part of the path.
std::string file_url(const fs::path& path) {
    return "file://" + text::percent_encode_path(fs::absolute(path).string());
}

// What abandon_pdf_print undoes of a print in progress: Chromium's process group, and the
// copy of the report and the PDF in the scratch directory (a signal handler can unlink
// files, not remove a tree: Chromium's profile stays).
std::atomic<pid_t> printer_group{0};
constexpr std::size_t scratch_name_max = 4096;
char scratch_copy[scratch_name_max];
char scratch_pdf[scratch_name_max];
std::atomic<bool> scratch_named{false};
static_assert(std::atomic<pid_t>::is_always_lock_free && std::atomic<bool>::is_always_lock_free);

constexpr std::string_view scratch_prefix = "tlsaudit-pdf-";

// A private directory for Chromium's profile, its output and its log; removed on scope exit.
class scratch_dir {
public:
    scratch_dir() {
        std::string tmpl =
            (fs::temp_directory_path() / fmt::format("{}{}-XXXXXX", scratch_prefix, ::getpid())).string();
        if (::mkdtemp(tmpl.data()) == nullptr)
            throw std::system_error(errno, std::generic_category(), "cannot create a temporary directory for Chromium");
        path_ = tmpl;
        const auto copy = (path_ / "report.html").string();
        const auto pdf = (path_ / "report.pdf").string();
        if (copy.size() < scratch_name_max && pdf.size() < scratch_name_max) {
            std::memcpy(scratch_copy, copy.c_str(), copy.size() + 1);
            std::memcpy(scratch_pdf, pdf.c_str(), pdf.size() + 1);
            scratch_named.store(true);
        }
    }
    ~scratch_dir() {
        scratch_named.store(false);
        std::error_code ignored;
        fs::remove_all(path_, ignored);
    }
    scratch_dir(const scratch_dir&) = delete;
    scratch_dir& operator=(const scratch_dir&) = delete;
    const fs::path& path() const { return path_; }

private:
    fs::path path_;
};

// The last `n` lines of a file (Chromium's output, for the error message).
std::string tail_of(const fs::path& file, std::size_t n) {
    std::ifstream in(file);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) {
        if (line.empty()) continue;
        lines.push_back(std::move(line));
        if (lines.size() > n) lines.erase(lines.begin());
    }
    std::string out;
    for (const auto& l : lines) out += "\n  " + l;
    return out;
}

// Runs argv in its own process group with stdin from /dev/null and stdout and stderr to
// `log`; returns the wait status. Kills the group and throws at the deadline.
int run(const std::vector<std::string>& args, const fs::path& log, std::chrono::seconds timeout) {
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attr;
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attr);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attr, 0);
    pid_t pid = -1;
    const int err = ::posix_spawn(&pid, argv[0], &actions, &attr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    if (err != 0) throw std::system_error(err, std::generic_category(), fmt::format("cannot start {}", args[0]));
    printer_group.store(pid);
    struct forget_group {
        ~forget_group() { printer_group.store(0); }
    } forget;

    // Chromium gives no readiness signal to wait on, only its exit: poll for it, bounded.
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        int status = 0;
        const pid_t done = ::waitpid(pid, &status, WNOHANG);
        if (done == pid) return status;
        if (done < 0 && errno != EINTR) throw std::system_error(errno, std::generic_category(), "waitpid");
        if (std::chrono::steady_clock::now() >= deadline) {
            ::kill(-pid, SIGKILL);
            ::waitpid(pid, &status, 0);
            throw std::runtime_error(
                fmt::format("{} did not print the report within {} s{}", args[0], timeout.count(), tail_of(log, 5)));
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

}  // namespace

void abandon_pdf_print() noexcept {
    if (const pid_t group = printer_group.load(); group > 0) ::kill(-group, SIGKILL);
    if (scratch_named.load()) {
        ::unlink(scratch_copy);
        ::unlink(scratch_pdf);
    }
}

std::optional<fs::path> find_chromium() {
    if (const char* env = std::getenv("TLSAUDIT_CHROMIUM"); env && *env)
        return executable(env) ? std::optional<fs::path>(env) : std::nullopt;
    const char* path = std::getenv("PATH");
    std::string_view dirs = path ? path : "/usr/bin:/bin";
    for (const char* name : {"chromium", "chromium-browser", "google-chrome-stable", "google-chrome"}) {
        for (std::string_view rest = dirs; !rest.empty();) {
            const auto colon = rest.find(':');
            const auto dir = rest.substr(0, colon);
            rest = colon == std::string_view::npos ? std::string_view() : rest.substr(colon + 1);
            if (dir.empty()) continue;
            const auto candidate = fs::path(dir) / name;
            if (executable(candidate)) return candidate;
        }
    }
    return std::nullopt;
}

fs::path require_chromium() {
    if (auto found = find_chromium()) return *found;
    if (const char* env = std::getenv("TLSAUDIT_CHROMIUM"); env && *env)
        throw pdf_unavailable(fmt::format("--pdf: TLSAUDIT_CHROMIUM={} is not an executable file", env));
    throw pdf_unavailable(
        "--pdf needs Chromium to print the HTML report, and none was found on PATH: install the Debian package "
        "'chromium' (apt-get install chromium), or set TLSAUDIT_CHROMIUM to a Chromium or Chrome binary; without "
        "it, write --html and print that file to PDF from any browser");
}

void write_pdf_report(const report_data& data, const fs::path& pdf, std::chrono::seconds timeout) {
    const auto chromium = require_chromium();
    scratch_dir scratch;
    // Chromium takes a file:// page's type from its name: the copy it prints ends in .html.
    const auto html = scratch.path() / "report.html";
    {
        std::ofstream out(html, std::ios::binary);
        write_html_report(data, out);
        if (!out.flush()) throw std::system_error(errno, std::generic_category(), "cannot write " + html.string());
    }
    const auto printed = scratch.path() / "report.pdf";
    const auto log = scratch.path() / "chromium.log";
    std::vector<std::string> args{
        chromium.string(), "--headless", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-extensions",
        // No name resolves: whatever Chromium itself wants to fetch
        // stays on this machine (the page is a local file).
        "--host-resolver-rules=MAP * ~NOTFOUND", "--user-data-dir=" + (scratch.path() / "profile").string(),
        "--no-pdf-header-footer", "--print-to-pdf=" + printed.string()};
    if (::geteuid() == 0) args.emplace_back("--no-sandbox");
    args.push_back(file_url(html) + "#print");
    const int status = run(args, log, timeout);
    std::ifstream in(printed, std::ios::binary);
    std::string head(5, '\0');
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || !in.read(head.data(), 5) || head != "%PDF-")
        throw std::runtime_error(fmt::format("{} failed to print the report ({}){}", chromium.string(),
                                             WIFEXITED(status) ? fmt::format("exit code {}", WEXITSTATUS(status))
                                                               : fmt::format("signal {}", WTERMSIG(status)),
                                             tail_of(log, 8)));
    in.seekg(0);
    write_file_atomically(pdf, [&](std::ostream& out) { out << in.rdbuf(); });
}

}  // namespace tlsaudit::report
