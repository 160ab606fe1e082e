#pragma once
// RAII over libmaxminddb's MMDB_s, and reading typed values out of a record (internal).

#include <tlsaudit/geo.hpp>

#include <maxminddb.h>

#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>

namespace tlsaudit::geo::detail {

struct mmdb_closer {
    void operator()(MMDB_s* db) const noexcept;
};
// Heap-allocated: lookup results point back at the MMDB_s, so it never moves.
using mmdb_ptr = std::unique_ptr<MMDB_s, mmdb_closer>;

// Opens `file` memory-mapped. Throws database_error ("<file>: <why>").
mmdb_ptr open_mmdb(const std::filesystem::path& file);

// Walks every node of the search tree and decodes every data record the tree points
// to. Throws database_error ("<file>: corrupt ...") at the first inconsistency.
void verify_mmdb(const MMDB_s& db, const std::filesystem::path& file);

// Value at `path` under `entry`. nullopt when the path is absent or of another type.
// Throws database_error when the data cannot be decoded.
std::optional<std::string> get_string(MMDB_entry_s entry, std::initializer_list<const char*> path,
                                      const std::filesystem::path& file);
std::optional<std::uint64_t> get_unsigned(MMDB_entry_s entry, std::initializer_list<const char*> path,
                                          const std::filesystem::path& file);

// "<file>: <what>" as a database_error.
[[noreturn]] void fail(const std::filesystem::path& file, const std::string& what);

}  // namespace tlsaudit::geo::detail
