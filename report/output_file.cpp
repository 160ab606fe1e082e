#include <tlsaudit/report/output_file.hpp>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <iostream>
#include <random>
#include <stdexcept>
#include <streambuf>
#include <string_view>
#include <system_error>

namespace tlsaudit::report {
namespace {

// A std::system_error: callers that add their own context keep the errno apart.
std::system_error write_error(const std::filesystem::path& path, int error) {
    return std::system_error(error, std::generic_category(), "cannot write " + path.string());
}

// The temporary file being written, for remove_temporary_file() in a signal handler: a
// fixed buffer it can read. Reports are written one after another; a second writer at the
// same time is not tracked.
// `tracking` is claimed before the path is copied and published after, so the handler
// never reads a path a second writer is copying over.
char tracked_path[4096];
enum tracking_state : int { untracked, claimed, published };
std::atomic<int> tracking{untracked};
static_assert(std::atomic<int>::is_always_lock_free, "read by a signal handler");

// Closes the descriptor and removes the temporary file unless released.
struct temp_file {
    int fd = -1;
    std::filesystem::path path;
    bool tracked = false;
    void track() {
        const auto& text = path.native();
        int expected = untracked;
        if (text.size() >= sizeof tracked_path || !tracking.compare_exchange_strong(expected, claimed)) return;
        std::memcpy(tracked_path, text.c_str(), text.size() + 1);
        tracking.store(published);
        tracked = true;
    }
    ~temp_file() {
        if (tracked) tracking.store(untracked);
        if (fd >= 0) ::close(fd);
        if (!path.empty()) ::unlink(path.c_str());
    }
};

bool write_all(int fd, std::string_view data) {
    std::size_t done = 0;
    while (done < data.size()) {
        const auto n = ::write(fd, data.data() + done, data.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        done += static_cast<std::size_t>(n);
    }
    return true;
}

// An unbuffered-by-stdio stream buffer over a descriptor: reports stream straight to
// the temporary file, so memory does not hold a second copy of the document.
class fd_buffer : public std::streambuf {
public:
    explicit fd_buffer(int fd) : fd_(fd) { setp(buffer_, buffer_ + sizeof buffer_); }
    bool ok() const { return ok_; }
    int error() const { return error_; }

protected:
    int_type overflow(int_type ch) override {
        if (!flush_buffer()) return traits_type::eof();
        if (!traits_type::eq_int_type(ch, traits_type::eof())) {
            *pptr() = traits_type::to_char_type(ch);
            pbump(1);
        }
        return traits_type::not_eof(ch);
    }
    int sync() override { return flush_buffer() ? 0 : -1; }

private:
    bool flush_buffer() {
        if (!ok_) return false;
        if (!write_all(fd_, std::string_view(pbase(), static_cast<std::size_t>(pptr() - pbase())))) {
            ok_ = false;
            error_ = errno;
            return false;
        }
        setp(buffer_, buffer_ + sizeof buffer_);
        return true;
    }

    int fd_;
    bool ok_ = true;
    int error_ = 0;
    char buffer_[1 << 16];
};

// Streams `write`'s output into `fd`; throws naming `path` when it cannot.
void write_through(int fd, const std::filesystem::path& path, const std::function<void(std::ostream&)>& write) {
    fd_buffer buffer(fd);
    std::ostream out(&buffer);
    write(out);
    out.flush();
    if (!buffer.ok()) throw write_error(path, buffer.error());
    if (!out) throw std::runtime_error("cannot write " + path.string() + ": the report could not be produced");
}

}  // namespace

int create_exclusive(const std::filesystem::path& dir_and_prefix, std::filesystem::path& created) {
    std::random_device random;
    for (int attempt = 0; attempt < 16; ++attempt) {
        auto candidate = dir_and_prefix;
        candidate += ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(random());
        // O_EXCL | O_NOFOLLOW: a file or symlink planted at the name is never opened or
        // followed; 0666 through the umask, as any other new file.
        const int fd = ::open(candidate.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
        if (fd >= 0) {
            created = std::move(candidate);
            return fd;
        }
        if (errno != EEXIST) return -1;
    }
    errno = EEXIST;
    return -1;
}

std::filesystem::path write_target(const std::filesystem::path& path) {
    auto target = path;
    for (int hops = 0; hops < 40; ++hops) {
        std::error_code ec;
        if (!std::filesystem::is_symlink(std::filesystem::symlink_status(target, ec))) break;
        const auto next = std::filesystem::read_symlink(target, ec);
        if (ec) break;
        target = next.is_absolute() ? next : target.parent_path() / next;
    }
    return target;
}

namespace {

// `path` opened for writing and locked, or -1 when there is nothing to lock.
int open_and_lock(const std::filesystem::path& path, bool create) {
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0 ? !S_ISREG(st.st_mode) : !create) return -1;  // never opens a FIFO
    const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC | O_NOCTTY | (create ? O_CREAT : 0), 0666);
    if (fd < 0) return -1;
    if (::flock(fd, LOCK_EX | LOCK_NB) == 0) return fd;
    const int error = errno;
    ::close(fd);
    if (error != EWOULDBLOCK) return -1;  // e.g. ENOLCK: no locks on this file system
    throw output_busy(path.string() +
                      " is locked by another process, most likely a tlsaudit scan still writing it: wait for it to "
                      "end, or write to another file");
}

}  // namespace

bool being_written(const std::filesystem::path& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return false;
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) return false;
    const bool busy = ::flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
    ::close(fd);  // lets go of the shared lock, if it was taken
    return busy;
}

output_lock::output_lock(const std::filesystem::path& path, bool create)
    : fd_(open_and_lock(path, create)), path_(path) {}

output_lock::~output_lock() {
    if (fd_ >= 0) ::close(fd_);
}

void output_lock::relock() {
    const int old = fd_;
    fd_ = open_and_lock(path_, false);
    if (old >= 0) ::close(old);
}

bool output_lock::holds_path() const {
    if (fd_ < 0) return true;
    struct stat held {
    }, named{};
    if (::fstat(fd_, &held) != 0) return true;
    return ::stat(path_.c_str(), &named) == 0 && named.st_dev == held.st_dev && named.st_ino == held.st_ino;
}

void remove_temporary_file() noexcept {
    if (tracking.load() == published) ::unlink(tracked_path);
}

bool exists_not_regular(const std::filesystem::path& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode);
}

void write_file_atomically(const std::filesystem::path& path, const std::function<void(std::ostream&)>& write) {
    if (path == "-") {
        write(std::cout);
        std::cout.flush();
        if (!std::cout) throw std::runtime_error("cannot write stdout");
        return;
    }
    if (exists_not_regular(path)) {
        // /dev/null, /dev/stdout, a FIFO: written in place. Renaming a file over it would
        // replace the device or pipe itself (a root run with --json /dev/null would
        // leave a regular file at /dev/null).
        temp_file direct;  // only its descriptor: nothing to remove
        direct.fd = ::open(path.c_str(), O_WRONLY | O_NOCTTY | O_CLOEXEC);
        if (direct.fd < 0) throw write_error(path, errno);
        write_through(direct.fd, path, write);
        return;
    }
    const auto target = write_target(path);
    temp_file tmp;
    tmp.fd = create_exclusive(target, tmp.path);
    if (tmp.fd < 0) throw write_error(path, errno);
    tmp.track();
    write_through(tmp.fd, path, write);
    if (::fsync(tmp.fd) != 0) throw write_error(path, errno);
    const int fd = tmp.fd;
    tmp.fd = -1;
    if (::close(fd) != 0) throw write_error(path, errno);
    if (::rename(tmp.path.c_str(), target.c_str()) != 0) throw write_error(path, errno);
    tmp.path.clear();
}

}  // namespace tlsaudit::report
