// A full pass over the search tree at open time: libmaxminddb checks the metadata when
// it opens a file but trusts the tree and the data, so a damaged file would otherwise
// surface as lookup errors (or wrong answers) in the middle of a scan.

#include "mmdb.hpp"

#include <fmt/format.h>

#include <vector>

namespace tlsaudit::geo::detail {

void verify_mmdb(const MMDB_s& db, const std::filesystem::path& file) {
    const std::uint32_t nodes = db.metadata.node_count;
    if (nodes == 0) fail(file, "corrupt: the search tree is empty");
    // One bit per byte of the data section: each distinct record is decoded once.
    std::vector<bool> is_record(db.data_section_size, false);
    std::size_t records = 0;
    for (std::uint32_t n = 0; n < nodes; ++n) {
        MMDB_search_node_s node{};
        if (const int rc = MMDB_read_node(&db, n, &node); rc != MMDB_SUCCESS)
            fail(file, fmt::format("corrupt search tree at node {}: {}", n, MMDB_strerror(rc)));
        for (const auto& [type, entry] : {std::pair{node.left_record_type, node.left_record_entry},
                                          std::pair{node.right_record_type, node.right_record_entry}}) {
            if (type == MMDB_RECORD_TYPE_INVALID)
                fail(file, fmt::format("corrupt search tree: node {} points outside the file", n));
            if (type != MMDB_RECORD_TYPE_DATA) continue;
            if (entry.offset >= is_record.size())  // a pointer into the separator wraps around
                fail(file, fmt::format("corrupt search tree: node {} points outside the data section", n));
            if (!is_record[entry.offset]) {
                is_record[entry.offset] = true;
                ++records;
            }
        }
    }
    for (std::uint32_t offset = 0; records > 0 && offset < is_record.size(); ++offset) {
        if (!is_record[offset]) continue;
        --records;
        MMDB_entry_s entry{&db, offset};
        MMDB_entry_data_list_s* list = nullptr;
        const int rc = MMDB_get_entry_data_list(&entry, &list);
        MMDB_free_entry_data_list(list);
        if (rc != MMDB_SUCCESS)
            fail(file, fmt::format("corrupt data record at offset {}: {}", offset, MMDB_strerror(rc)));
    }
}

}  // namespace tlsaudit::geo::detail
