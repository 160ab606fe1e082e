// Damaged files: every truncation, garbage and a corrupt search tree are refused when
// opened, a corrupt data record at the first lookup that lands on it, each with a clear
// database_error naming the file; random byte damage never crashes.

#include "test_support.hpp"

#include <tlsaudit/geo.hpp>

#include <maxminddb.h>

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <algorithm>
#include <random>

namespace tlsaudit::geo {
namespace {

using testing::asn_db;
using testing::read_bytes;
using testing::temp_dir;
using testing::write_bytes;

// Byte ranges of a good file: search tree, then 16 zero bytes, then the data section.
struct layout {
    std::size_t tree_size = 0;
    std::size_t data_size = 0;
};

layout layout_of(const std::filesystem::path& file) {
    MMDB_s db{};
    EXPECT_EQ(MMDB_open(file.c_str(), MMDB_MODE_MMAP, &db), MMDB_SUCCESS);
    // data_section_size runs to the end of the file; the data proper ends where the
    // metadata marker begins.
    static constexpr char marker[] = "\xAB\xCD\xEFMaxMind.com";
    const auto metadata = db.metadata_section - (sizeof marker - 1);
    layout l{static_cast<std::size_t>(db.metadata.node_count) * db.metadata.record_size / 4,
             static_cast<std::size_t>(metadata - db.data_section)};
    MMDB_close(&db);
    return l;
}

std::string error_of(const std::filesystem::path& file, std::optional<database_kind> kind = database_kind::asn) {
    try {
        database db(file, kind);
    } catch (const database_error& e) {
        return e.what();
    }
    return "";
}

TEST(corrupt, missing_file) {
    const auto what = error_of("/nonexistent/tlsaudit/asn.mmdb");
    EXPECT_NE(what.find("/nonexistent/tlsaudit/asn.mmdb: no such file"), std::string::npos) << what;
}

TEST(corrupt, directory) {
    temp_dir dir;
    EXPECT_NE(error_of(dir.path()).find("is a directory"), std::string::npos);
}

// A FIFO is refused before it is opened: opening it would wait for a writer forever.
TEST(corrupt, fifo_and_device) {
    temp_dir dir;
    const auto fifo = dir.path() / "db.mmdb";
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    EXPECT_NE(error_of(fifo).find("is not a regular file"), std::string::npos) << error_of(fifo);
    EXPECT_NE(error_of("/dev/null").find("is not a regular file"), std::string::npos);
}

TEST(corrupt, empty_and_garbage_files) {
    temp_dir dir;
    write_bytes(dir / "empty.mmdb", {});
    EXPECT_NE(error_of(dir / "empty.mmdb").find("not a MaxMind DB file, or truncated"), std::string::npos);
    bytes garbage(4096);
    std::mt19937 rng(42);
    for (auto& b : garbage) b = static_cast<unsigned char>(rng());
    write_bytes(dir / "garbage.mmdb", garbage);
    const auto what = error_of(dir / "garbage.mmdb");
    EXPECT_NE(what.find((dir / "garbage.mmdb").string()), std::string::npos) << what;
    EXPECT_NE(what.find("not a MaxMind DB file, or truncated"), std::string::npos) << what;
}

TEST(corrupt, every_truncation_is_refused) {
    temp_dir dir;
    const auto good = read_bytes(asn_db());
    ASSERT_GT(good.size(), 1000u);
    const auto file = dir / "truncated.mmdb";
    for (std::size_t size = 0; size < good.size(); ++size) {
        write_bytes(file, bytes(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(size)));
        const auto what = error_of(file);
        ASSERT_FALSE(what.empty()) << "truncated to " << size << " of " << good.size() << " bytes: accepted";
        EXPECT_EQ(what.rfind(file.string(), 0), 0u) << what;
    }
    write_bytes(file, good);
    EXPECT_EQ(error_of(file), "");
}

TEST(corrupt, damaged_search_tree) {
    temp_dir dir;
    auto data = read_bytes(asn_db());
    const auto l = layout_of(asn_db());
    std::fill(data.begin(), data.begin() + static_cast<std::ptrdiff_t>(l.tree_size), 0xFF);
    write_bytes(dir / "tree.mmdb", data);
    const auto what = error_of(dir / "tree.mmdb");
    EXPECT_NE(what.find("corrupt search tree"), std::string::npos) << what;
}

// The tree walk reads each record size the format allows: the same answers from 24-, 28-
// and 32-bit trees, and a record pointing past the data section is refused in each,
// whether it is in the first node, a middle one or the last.
TEST(corrupt, every_record_size_is_read_and_checked) {
    temp_dir dir;
    const database reference(asn_db(), database_kind::asn);
    for (const char* name : {"test-asn.mmdb", "test-asn-28.mmdb", "test-asn-32.mmdb"}) {
        const auto file = testing::test_db(name);
        const database db(file, database_kind::asn);
        for (const char* a : {"127.0.0.1", "192.0.2.1", "198.51.100.7", "2001:db8::1", "::1", "203.0.113.1"}) {
            const auto expected = reference.lookup(a);
            const auto answer = db.lookup(a);
            ASSERT_EQ(answer.has_value(), expected.has_value()) << name << " " << a;
            if (answer) EXPECT_EQ(answer->asn, expected->asn) << name << " " << a;
        }
        const auto l = layout_of(file);
        MMDB_s raw{};
        ASSERT_EQ(MMDB_open(file.c_str(), MMDB_MODE_MMAP, &raw), MMDB_SUCCESS);
        const std::size_t nodes = raw.metadata.node_count, node_bytes = raw.metadata.record_size / 4u;
        MMDB_close(&raw);
        ASSERT_EQ(nodes * node_bytes, l.tree_size);
        for (const std::size_t node : {std::size_t{0}, nodes / 2, nodes - 1}) {
            auto data = read_bytes(file);
            // All ones in the right record: far past the end of the data section.
            for (std::size_t i = node * node_bytes + node_bytes / 2; i < (node + 1) * node_bytes; ++i) data[i] = 0xFF;
            write_bytes(dir / "damaged.mmdb", data);
            const auto what = error_of(dir / "damaged.mmdb");
            EXPECT_NE(what.find("corrupt search tree: node " + std::to_string(node) + " points outside the file"),
                      std::string::npos)
                << name << " node " << node << ": " << what;
        }
    }
}

// The tree is sound, so the file opens; every record it points to is damaged, so each
// lookup that finds one is refused, the same record every time (the verdict is not
// remembered as good), and an address the tree maps to no data still answers.
TEST(corrupt, damaged_data_section_is_refused_at_the_first_lookup) {
    temp_dir dir;
    auto data = read_bytes(asn_db());
    const auto l = layout_of(asn_db());
    const auto start = data.begin() + static_cast<std::ptrdiff_t>(l.tree_size + 16);
    std::fill(start, start + static_cast<std::ptrdiff_t>(l.data_size), 0xFF);
    write_bytes(dir / "data.mmdb", data);
    ASSERT_EQ(error_of(dir / "data.mmdb"), "");
    const database db(dir / "data.mmdb", database_kind::asn);
    for (int attempt = 0; attempt < 2; ++attempt) {
        try {
            (void)db.lookup("127.0.0.1");
            ADD_FAILURE() << "a damaged record was read";
        } catch (const database_error& e) {
            const std::string what = e.what();
            EXPECT_EQ(what.rfind((dir / "data.mmdb").string() + ": corrupt data record at offset ", 0), 0u) << what;
        }
    }
    EXPECT_EQ(db.lookup("203.0.113.1"), std::nullopt);
}

// One damaged record: the lookups that reach it fail, the others answer as before.
TEST(corrupt, a_damaged_record_spoils_only_its_own_lookups) {
    temp_dir dir;
    const database good(asn_db(), database_kind::asn);
    auto data = read_bytes(asn_db());
    const auto l = layout_of(asn_db());
    MMDB_s db{};
    ASSERT_EQ(MMDB_open(asn_db().c_str(), MMDB_MODE_MMAP, &db), MMDB_SUCCESS);
    int gai = 0, rc = 0;
    const auto found = MMDB_lookup_string(&db, "192.0.2.1", &gai, &rc);
    MMDB_close(&db);
    ASSERT_TRUE(found.found_entry);
    // A map control byte that claims more pairs than the record holds.
    data[l.tree_size + 16 + found.entry.offset] = 0xFF;
    write_bytes(dir / "one.mmdb", data);
    const database damaged(dir / "one.mmdb", database_kind::asn);
    EXPECT_THROW((void)damaged.lookup("192.0.2.1"), database_error);
    const auto expected = good.lookup("127.0.0.1");
    const auto answer = damaged.lookup("127.0.0.1");
    ASSERT_TRUE(expected && answer);
    EXPECT_EQ(answer->asn, expected->asn);
    EXPECT_EQ(answer->organisation, expected->organisation);
}

// The database is read from a private copy taken when it opens: truncating or rewriting the
// file under a running scan (`cp new.mmdb country.mmdb`) changes no answer. Mapped in
// place, the truncation killed the process with SIGBUS at the next lookup.
TEST(corrupt, a_file_changed_after_it_opened_changes_no_answer) {
    temp_dir dir;
    const auto live_file = dir / "live.mmdb";
    std::filesystem::copy_file(asn_db(), live_file);
    const database live(live_file, database_kind::asn);
    const auto before = live.lookup("127.0.0.1");
    ASSERT_TRUE(before && before->asn);

    std::filesystem::resize_file(live_file, 0);
    const auto after_truncation = live.lookup("127.0.0.1");
    ASSERT_TRUE(after_truncation);
    EXPECT_EQ(after_truncation->asn, before->asn);

    write_bytes(live_file, bytes(read_bytes(asn_db()).size(), 0x5A));
    const auto after_rewrite = live.lookup("127.0.0.1");
    ASSERT_TRUE(after_rewrite);
    EXPECT_EQ(after_rewrite->organisation, before->organisation);
    EXPECT_EQ(live.lookup("192.0.2.1").has_value(),
              database(asn_db(), database_kind::asn).lookup("192.0.2.1").has_value());
}

// Any single damaged byte: refused, or opened and answering (perhaps wrongly, perhaps
// with database_error), never a crash or another exception.
TEST(corrupt, single_byte_damage_never_crashes) {
    temp_dir dir;
    const auto good = read_bytes(asn_db());
    const auto l = layout_of(asn_db());
    const auto file = dir / "flipped.mmdb";
    std::size_t refused = 0, tree_refused = 0, failed_lookups = 0;
    for (std::size_t i = 0; i < good.size(); ++i) {
        auto data = good;
        data[i] ^= 0xA5;
        write_bytes(file, data);
        try {
            const database db(file);
            for (const char* a : {"127.0.0.1", "192.0.2.1", "2001:db8::1", "198.51.100.1", "8.8.8.8", "::1"}) {
                try {
                    (void)db.lookup(a);
                } catch (const database_error&) {
                    ++failed_lookups;
                }
            }
        } catch (const database_error&) {
            ++refused;
            if (i < l.tree_size) ++tree_refused;
        }
    }
    EXPECT_GT(refused, good.size() / 4);  // metadata and tree damage is caught when the file is opened
    EXPECT_GT(tree_refused, 0u);
    EXPECT_GT(failed_lookups, 0u);  // data damage, at the lookup that reaches it
}

}  // namespace
}  // namespace tlsaudit::geo
