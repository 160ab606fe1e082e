// The search tree is checked in full when a file is opened; each data record is decoded
// in full the first time a lookup lands on it. libmaxminddb checks the metadata when it
// opens a file but trusts the tree and the data, so damage would otherwise surface as
// lookup errors, or as answers read out of a partly damaged record, in the middle of a
// scan. Decoding every record up front cost most of a run's fixed CPU (libmaxminddb
// allocates a pool per decoded record), while a scan touches a handful of records.

#include "mmdb.hpp"

#include <fmt/format.h>

#include <utility>

namespace tlsaudit::geo::detail {
namespace {

std::uint32_t be24(const std::uint8_t* p) {
    return static_cast<std::uint32_t>(p[0]) << 16 | static_cast<std::uint32_t>(p[1]) << 8 | p[2];
}

std::uint32_t be32(const std::uint8_t* p) { return static_cast<std::uint32_t>(p[0]) << 24 | be24(p + 1); }

// The two records of a node (MaxMind DB format 2.0, "Search Tree Section"): 24-bit records
// side by side, 28-bit ones sharing the middle byte (its high nibble extends the left
// record), or 32-bit ones.
std::pair<std::uint32_t, std::uint32_t> records_of(const std::uint8_t* node, std::uint16_t record_size) {
    switch (record_size) {
    case 24: return {be24(node), be24(node + 3)};
    case 28: return {be24(node) | (static_cast<std::uint32_t>(node[3] & 0xF0) << 20), be32(node + 3) & 0x0FFFFFFF};
    default: return {be32(node), be32(node + 4)};
    }
}

}  // namespace

void verify_mmdb(const MMDB_s& db, const std::filesystem::path& file) {
    const std::uint32_t nodes = db.metadata.node_count;
    const std::uint16_t record_size = db.metadata.record_size;
    if (nodes == 0) fail(file, "corrupt: the search tree is empty");
    // MMDB_open accepts only these and has checked that the tree fits in the file.
    if (record_size != 24 && record_size != 28 && record_size != 32)
        fail(file, fmt::format("corrupt search tree: record size {}", record_size));
    const std::size_t node_bytes = record_size / 4u;
    const std::uint8_t* tree = db.file_content;
    for (std::uint32_t n = 0; n < nodes; ++n) {
        const auto [left, right] = records_of(tree + n * node_bytes, record_size);
        for (const std::uint32_t record : {left, right}) {
            // Below node_count: another node (0, the root, would make a loop); node_count:
            // no data; above it: the data section, after a 16-byte separator.
            if (record == 0 || (record > nodes && record - nodes >= db.data_section_size))
                fail(file, fmt::format("corrupt search tree: node {} points outside the file", n));
            if (record > nodes && record - nodes < data_separator_size)
                fail(file, fmt::format("corrupt search tree: node {} points outside the data section", n));
        }
    }
}

void record_check::verify(const MMDB_s& db, std::uint32_t offset, const std::filesystem::path& file) const {
    {
        std::lock_guard lock(mutex_);
        if (checked_.contains(offset)) return;
    }
    MMDB_entry_s entry{&db, offset};
    MMDB_entry_data_list_s* list = nullptr;
    const int rc = MMDB_get_entry_data_list(&entry, &list);
    MMDB_free_entry_data_list(list);
    if (rc != MMDB_SUCCESS) fail(file, fmt::format("corrupt data record at offset {}: {}", offset, MMDB_strerror(rc)));
    // Two threads may decode the same record once each: harmless, and the lock is never
    // held while decoding.
    std::lock_guard lock(mutex_);
    checked_.insert(offset);
}

}  // namespace tlsaudit::geo::detail
