// The search tree is checked in full when a file is opened; each data record is decoded
// in full the first time a lookup lands on it. libmaxminddb checks the metadata when it
// opens a file but trusts the tree and the data, so damage would otherwise surface as
// lookup errors, or as answers read out of a partly damaged record, in the middle of a
// scan. Decoding every record up front cost most of a run's fixed CPU (libmaxminddb
// allocates a pool per decoded record), while a scan touches a handful of records.

#include "mmdb.hpp"

#include <fmt/format.h>

#include <bit>
#include <cstring>
#include <string_view>
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
template <int record_size>
std::pair<std::uint32_t, std::uint32_t> records_of(const std::uint8_t* node) {
    if constexpr (record_size == 24) return {be24(node), be24(node + 3)};
    if constexpr (record_size == 28)
        return {be24(node) | (static_cast<std::uint32_t>(node[3] & 0xF0) << 20), be32(node + 3) & 0x0FFFFFFF};
    return {be32(node), be32(node + 4)};
}

// The same from one 8-byte big-endian load, which may read past the node (not past the
// tree: the caller keeps the last node for records_of).
template <int record_size>
std::pair<std::uint32_t, std::uint32_t> records_of_wide(const std::uint8_t* node) {
    std::uint64_t v = 0;
    std::memcpy(&v, node, sizeof v);
    if constexpr (std::endian::native == std::endian::little) v = __builtin_bswap64(v);
    if constexpr (record_size == 24)
        return {static_cast<std::uint32_t>(v >> 40), static_cast<std::uint32_t>(v >> 16) & 0xFFFFFF};
    if constexpr (record_size == 28)
        return {static_cast<std::uint32_t>(v >> 40) | (static_cast<std::uint32_t>(v >> 32) & 0xF0) << 20,
                static_cast<std::uint32_t>(v >> 8) & 0x0FFFFFFF};
    return {static_cast<std::uint32_t>(v >> 32), static_cast<std::uint32_t>(v)};
}

// What a record may hold: 1 to node_count - 1, another node (0, the root, would make a
// loop); node_count, no data; node_count + 16 and up to the end of the data section, a
// data record (16 is the separator between tree and data).
struct record_rule {
    std::uint32_t nodes, data_size;

    bool sound(std::uint32_t record) const {
        // Unsigned wrap-around folds each range check into one comparison.
        return record - 1 < nodes || record - nodes - data_separator_size < data_size - data_separator_size;
    }

    // Why `record` is not sound.
    std::string_view fault(std::uint32_t record) const {
        if (record > nodes && record - nodes < data_separator_size) return "points outside the data section";
        return "points outside the file";
    }
};

// The first node holding a record that is not sound, or nodes when there is none: the whole
// tree is read at open, so this loop is kept to a few instructions per node.
template <int record_size>
std::uint32_t first_unsound_node(const std::uint8_t* tree, const record_rule& rule) {
    constexpr std::size_t node_bytes = record_size / 4;
    const std::uint32_t last = rule.nodes - 1;
    for (std::uint32_t n = 0; n < last; ++n) {
        const auto [left, right] = records_of_wide<record_size>(tree + n * node_bytes);
        if (!rule.sound(left) || !rule.sound(right)) return n;
    }
    const auto [left, right] = records_of<record_size>(tree + last * node_bytes);
    return rule.sound(left) && rule.sound(right) ? rule.nodes : last;
}

}  // namespace

void verify_mmdb(const MMDB_s& db, const std::filesystem::path& file) {
    const std::uint32_t nodes = db.metadata.node_count;
    if (nodes == 0) fail(file, "corrupt: the search tree is empty");
    if (db.data_section_size <= data_separator_size) fail(file, "corrupt: the data section is empty");
    const record_rule rule{nodes, static_cast<std::uint32_t>(db.data_section_size)};
    // MMDB_open accepts only these record sizes and has checked that the tree fits in the file.
    std::uint32_t bad = nodes;
    const std::uint8_t* tree = db.file_content;
    switch (db.metadata.record_size) {
    case 24: bad = first_unsound_node<24>(tree, rule); break;
    case 28: bad = first_unsound_node<28>(tree, rule); break;
    case 32: bad = first_unsound_node<32>(tree, rule); break;
    default: fail(file, fmt::format("corrupt search tree: record size {}", db.metadata.record_size));
    }
    if (bad == nodes) return;
    MMDB_search_node_s node{};
    MMDB_read_node(&db, bad, &node);
    const auto record = rule.sound(static_cast<std::uint32_t>(node.left_record)) ? node.right_record : node.left_record;
    fail(file, fmt::format("corrupt search tree: node {} {}", bad, rule.fault(static_cast<std::uint32_t>(record))));
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
