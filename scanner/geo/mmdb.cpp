#include "mmdb.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <system_error>
#include <vector>

namespace tlsaudit::geo::detail {
namespace {

std::string open_failure(int status, int saved_errno) {
    switch (status) {
    case MMDB_FILE_OPEN_ERROR: return "cannot open it: " + std::generic_category().message(saved_errno);
    case MMDB_IO_ERROR: return "cannot read it: " + std::generic_category().message(saved_errno);
    case MMDB_INVALID_METADATA_ERROR: return "not a MaxMind DB file, or truncated (no valid metadata section)";
    case MMDB_UNKNOWN_DATABASE_FORMAT_ERROR: return "unsupported MaxMind DB format version";
    case MMDB_OUT_OF_MEMORY_ERROR: return "out of memory while opening it";
    default: return std::string("corrupt: ") + MMDB_strerror(status);
    }
}

// Value at `path`; has_data false when absent. Throws for undecodable data.
MMDB_entry_data_s value_at(MMDB_entry_s entry, std::initializer_list<const char*> path,
                           const std::filesystem::path& file) {
    std::vector<const char*> p(path);
    p.push_back(nullptr);
    MMDB_entry_data_s data{};
    const int status = MMDB_aget_value(&entry, &data, p.data());
    if (status == MMDB_SUCCESS) return data;
    if (status == MMDB_LOOKUP_PATH_DOES_NOT_MATCH_DATA_ERROR || status == MMDB_INVALID_LOOKUP_PATH_ERROR)
        return MMDB_entry_data_s{};
    fail(file, std::string("corrupt data record: ") + MMDB_strerror(status));
}

// A private copy of the database in memory (memfd), mapped in its place: a file that is
// replaced, truncated or rewritten while a scan has it open (`cp new.mmdb country.mmdb`)
// changes nothing under the scan. Mapped directly, a truncation killed the process with
// SIGBUS at the next lookup, and a rewrite gave answers out of the new bytes.
struct snapshot {
    int fd = -1;
    std::string path;  // "/proc/self/fd/N", or "" when no copy could be made (mapped directly)
    snapshot() = default;
    snapshot(const snapshot&) = delete;
    snapshot& operator=(const snapshot&) = delete;
    ~snapshot() {
        if (fd >= 0) ::close(fd);
    }
};

void take_snapshot(const std::filesystem::path& file, snapshot& copy) {
    const int in = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (in < 0) return;  // MMDB_open says why
    copy.fd = ::memfd_create("tlsaudit-geoip", MFD_CLOEXEC);
    bool copied = copy.fd >= 0;
    std::vector<char> buffer(copied ? 1 << 20 : 0);
    while (copied) {
        const ssize_t n = ::read(in, buffer.data(), buffer.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            copied = n == 0;
            break;
        }
        for (ssize_t done = 0; copied && done < n;) {
            const ssize_t w = ::write(copy.fd, buffer.data() + done, static_cast<std::size_t>(n - done));
            if (w < 0 && errno == EINTR) continue;
            copied = w > 0;
            done += std::max<ssize_t>(w, 0);
        }
    }
    ::close(in);
    if (copied) copy.path = "/proc/self/fd/" + std::to_string(copy.fd);
    // Without /proc the copy cannot be named: the file is mapped directly, as before.
    if (copied && ::access(copy.path.c_str(), R_OK) != 0) copy.path.clear();
}

}  // namespace

void mmdb_closer::operator()(MMDB_s* db) const noexcept {
    MMDB_close(db);
    delete db;
}

void fail(const std::filesystem::path& file, const std::string& what) {
    throw database_error(file.string() + ": " + what);
}

mmdb_ptr open_mmdb(const std::filesystem::path& file) {
    std::error_code ec;
    const auto status = std::filesystem::status(file, ec);
    if (!std::filesystem::exists(status)) fail(file, "no such file");
    if (std::filesystem::is_directory(status)) fail(file, "is a directory, not a .mmdb file");
    // A FIFO would block the open until a writer came, and a pipe cannot be mapped.
    if (!std::filesystem::is_regular_file(status))
        fail(file, "is not a regular file (a pipe or a device cannot be mapped): give the .mmdb file itself");
    if (std::filesystem::is_regular_file(status) && std::filesystem::file_size(file, ec) == 0 && !ec)
        fail(file, "not a MaxMind DB file, or truncated (the file is empty)");
    auto db = std::make_unique<MMDB_s>();
    snapshot copy;
    take_snapshot(file, copy);
    errno = 0;
    const int rc = MMDB_open(copy.path.empty() ? file.c_str() : copy.path.c_str(), MMDB_MODE_MMAP, db.get());
    const int saved_errno = errno;
    // On failure libmaxminddb has already released what it allocated.
    if (rc != MMDB_SUCCESS) fail(file, open_failure(rc, saved_errno));
    return mmdb_ptr(db.release());
}

std::optional<std::string> get_string(MMDB_entry_s entry, std::initializer_list<const char*> path,
                                      const std::filesystem::path& file) {
    const auto data = value_at(entry, path, file);
    if (!data.has_data || data.type != MMDB_DATA_TYPE_UTF8_STRING) return std::nullopt;
    return std::string(data.utf8_string, data.data_size);
}

std::optional<std::uint64_t> get_unsigned(MMDB_entry_s entry, std::initializer_list<const char*> path,
                                          const std::filesystem::path& file) {
    const auto data = value_at(entry, path, file);
    if (!data.has_data) return std::nullopt;
    switch (data.type) {
    case MMDB_DATA_TYPE_UINT16: return data.uint16;
    case MMDB_DATA_TYPE_UINT32: return data.uint32;
    case MMDB_DATA_TYPE_UINT64: return data.uint64;
    case MMDB_DATA_TYPE_INT32:
        if (data.int32 >= 0) return static_cast<std::uint64_t>(data.int32);
        return std::nullopt;
    default: return std::nullopt;
    }
}

}  // namespace tlsaudit::geo::detail
