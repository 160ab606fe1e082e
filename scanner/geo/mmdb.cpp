#include "mmdb.hpp"

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
    errno = 0;
    const int rc = MMDB_open(file.c_str(), MMDB_MODE_MMAP, db.get());
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
