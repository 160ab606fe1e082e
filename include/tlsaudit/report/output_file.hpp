#pragma once
// Writing a report file atomically (report/): the content goes to a temporary file
// beside the target, is flushed, and is renamed over the target only when complete, so
// a reader never sees half a report and a failed run leaves the previous one in place.
// The temporary file is created with O_CREAT | O_EXCL | O_NOFOLLOW (a file or symlink
// planted at its name is never followed), mode 0666 through the umask (0644 with the
// usual umask 022; never more than the umask allows), and fsync'ed before the rename.

#include <filesystem>
#include <functional>
#include <ostream>
#include <stdexcept>

namespace tlsaudit::report {

// The file a write to `path` lands in: a symlink at its last component is followed (up to
// 40 links), to a file that need not exist yet; `path` itself when it is no symlink.
std::filesystem::path write_target(const std::filesystem::path& path);

// Calls `write` with a stream to a temporary file in the same directory as write_target(path),
// then renames it to that file (a symlink at `path` stays, and its file gets the content). "-" writes to stdout instead; an existing path that is not a regular
// file (/dev/null, /dev/stdout, a FIFO) is written in place, never replaced. Throws
// std::system_error ("cannot write PATH: REASON", the errno as its code) when the file
// cannot be created, written or renamed (the temporary file is removed); an exception
// thrown by `write` goes through, after the same clean-up.
void write_file_atomically(const std::filesystem::path& path, const std::function<void(std::ostream&)>& write);

// Removes the temporary file of a write_file_atomically call in progress, if any; the call
// then fails. Async-signal-safe: for a signal handler about to _exit, so that no
// half-written temporary file is left beside the report.
void remove_temporary_file() noexcept;

// True when `path` exists and is not a regular file (a device, a FIFO, a socket, a
// directory); symlinks are followed.
bool exists_not_regular(const std::filesystem::path& path);

}  // namespace tlsaudit::report

namespace tlsaudit::report {

// Creates a new file named `prefix` + ".tmp-PID-RANDOM" exclusively (see above) and
// returns its descriptor, setting `created`; -1 with errno set when it cannot.
int create_exclusive(const std::filesystem::path& prefix, std::filesystem::path& created);

// The NDJSON stream's guard against a second process writing the same file (a retried CI
// job while the first still runs, a --resume started too early): an exclusive flock(2) on
// the file, taken by `scan` before it writes or rewrites the file and held until the command
// ends, the reports and the scan-end record included. Regular files only (two scans may
// share /dev/null or a FIFO, which are not opened); a file system without locks (ENOLCK) is
// written unguarded.
struct output_busy : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Whether another process holds the output_lock of `path` (a scan still writing it): a
// shared flock(2) that would have to wait. False for anything but a regular file, or when the
// file system has no locks.
bool being_written(const std::filesystem::path& path);

class output_lock {
public:
    // Opens `path` for writing (never truncating it; created when `create`) and locks it.
    // Throws output_busy when another process holds the lock. Holds nothing when the path
    // does not exist (and not `create`), is not a regular file, or cannot be opened: the
    // writer then reports the problem in its own words.
    output_lock(const std::filesystem::path& path, bool create);
    ~output_lock();
    output_lock(const output_lock&) = delete;
    output_lock& operator=(const output_lock&) = delete;

    // After this process replaced the file at the path (the --resume rewrite renames a new
    // file over it): locks the new file, then lets go of the old one.
    void relock();

    // Whether the path still names the locked file (false when it was deleted, renamed or
    // replaced since); true when nothing is held.
    bool holds_path() const;

private:
    int fd_ = -1;
    std::filesystem::path path_;
};

}  // namespace tlsaudit::report
