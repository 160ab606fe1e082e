#pragma once
// RAII over libmaxminddb's MMDB_s, and reading typed values out of a record (internal).

#include <tlsaudit/geo.hpp>

#include <maxminddb.h>

#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_set>

namespace tlsaudit::geo::detail {

struct mmdb_closer {
    void operator()(MMDB_s* db) const noexcept;
};
// Heap-allocated: lookup results point back at the MMDB_s, so it never moves.
using mmdb_ptr = std::unique_ptr<MMDB_s, mmdb_closer>;

// Opens `file` memory-mapped. Throws database_error ("<file>: <why>").
mmdb_ptr open_mmdb(const std::filesystem::path& file);

// The zero bytes between the search tree and the data section (MaxMind DB format 2.0).
inline constexpr std::uint32_t data_separator_size = 16;

// Reads every node of the search tree and checks that each record points at a node, at
// "no data", or into the data section. Throws database_error ("<file>: corrupt search
// tree ...") at the first inconsistency.
void verify_mmdb(const MMDB_s& db, const std::filesystem::path& file);

// The data records of one database decoded in full so far: a lookup's answer is read
// only from a record that decodes whole. Thread-safe.
class record_check {
public:
    // Decodes the record at `offset` in full, the first time only. Throws database_error
    // ("<file>: corrupt data record at offset N: ...").
    void verify(const MMDB_s& db, std::uint32_t offset, const std::filesystem::path& file) const;

private:
    mutable std::mutex mutex_;
    mutable std::unordered_set<std::uint32_t> checked_;  // one entry per record a scan reached
};

// Value at `path` under `entry`. nullopt when the path is absent or of another type.
// Throws database_error when the data cannot be decoded.
std::optional<std::string> get_string(MMDB_entry_s entry, std::initializer_list<const char*> path,
                                      const std::filesystem::path& file);
std::optional<std::uint64_t> get_unsigned(MMDB_entry_s entry, std::initializer_list<const char*> path,
                                          const std::filesystem::path& file);

// "<file>: <what>" as a database_error.
[[noreturn]] void fail(const std::filesystem::path& file, const std::string& what);

}  // namespace tlsaudit::geo::detail
