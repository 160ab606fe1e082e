// The importer's read-ahead (history/record_reader.hpp): every row in file order, the
// same line hash as one pass over the lines, errors after the rows read before them, and
// a reader dropped half way stops without reading the rest.

#include "history/record_reader.hpp"
#include "../../support/fake_scans.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <stdexcept>

namespace tlsaudit::testing {
namespace {

using history::detail::line_hash;
using history::detail::record_reader;

fake_scan fleet(int endpoints) {
    fake_scan s;
    for (int i = 0; i < endpoints; ++i)
        s.endpoints.push_back({"h" + std::to_string(i) + ".test", 443, "127.0.0.1", "", {sha('a'), sha('c')}, {}});
    return s;
}

std::vector<std::string> hosts_read(record_reader& reader) {
    std::vector<std::string> hosts;
    while (const auto batch = reader.next())
        for (const auto& e : batch->endpoints) hosts.push_back(e.host);
    return hosts;
}

// The content hash: the lines in any order, a scan-end counted only by its completeness.
TEST(line_hash, content_takes_lines_in_any_order_and_a_scan_end_by_its_completeness) {
    const auto of = [](std::initializer_list<std::string_view> lines) {
        line_hash h;
        for (const auto line : lines) h.add(line);
        return h;
    };
    const auto a = of({R"({"type":"scan-start"})", R"({"type":"endpoint","n":1})", R"({"type":"input-error"})",
                       R"({"type":"scan-end","finished_at":"2026-01-01T00:00:00Z","complete":true})"});
    const auto b = of({R"({"type":"scan-start"})", R"({"type":"input-error"})", R"({"type":"endpoint","n":1})",
                       R"({"type":"scan-end","finished_at":"2026-01-02T00:00:00Z","complete":true})"});
    EXPECT_EQ(a.content, b.content);
    EXPECT_NE(a.value, b.value);
    const auto interrupted = of({R"({"type":"scan-start"})", R"({"type":"endpoint","n":1})",
                                 R"({"type":"input-error"})", R"({"type":"scan-end","complete":false})"});
    EXPECT_NE(a.content, interrupted.content);
    const auto other = of({R"({"type":"scan-start"})", R"({"type":"endpoint","n":2})", R"({"type":"input-error"})",
                           R"({"type":"scan-end","complete":true})"});
    EXPECT_NE(a.content, other.content);
}

TEST(record_reader, gives_every_row_in_file_order_and_the_hash_of_every_line) {
    const auto text = ndjson(fleet(1500));  // several batches
    std::istringstream in(text);
    report::scan_meta meta;
    meta.shards = 1;  // an earlier shard of the same scan
    record_reader reader(in, "scan.ndjson", meta);
    const auto hosts = hosts_read(reader);
    ASSERT_EQ(hosts.size(), 1500u);
    for (std::size_t i = 0; i < hosts.size(); ++i) ASSERT_EQ(hosts[i], "h" + std::to_string(i) + ".test");

    line_hash expected;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) expected.add(line);
    EXPECT_EQ(reader.hash().value, expected.value);
    EXPECT_EQ(reader.hash().content, expected.content);
    const auto read = reader.take_meta();
    EXPECT_EQ(read.shards, 2u) << "this file's scan-start adds to the shards before it";
    EXPECT_EQ(read.started_at, "2026-01-01T00:00:00Z");
}

TEST(record_reader, a_bad_line_is_thrown_after_the_rows_before_it) {
    auto text = ndjson(fleet(700));
    const auto cut = text.rfind('\n', text.size() - 2);  // before the scan-end line
    text.insert(cut + 1, "{\"type\":\"endpoint\",\"tar\n");
    std::istringstream in(text);
    record_reader reader(in, "scan.ndjson", {});
    std::size_t rows = 0;
    try {
        while (const auto batch = reader.next()) rows += batch->endpoints.size();
        FAIL() << "the damaged line was not reported";
    } catch (const std::runtime_error& e) {
        EXPECT_EQ(std::string(e.what()).rfind("scan.ndjson:702: invalid JSON", 0), 0u) << e.what();
    }
    EXPECT_EQ(rows, 700u);
}

TEST(record_reader, dropped_half_way_it_stops_reading) {
    const auto text = ndjson(fleet(20000));
    std::istringstream in(text);
    {
        record_reader reader(in, "scan.ndjson", {});
        ASSERT_TRUE(reader.next());
    }
    // The reading thread stopped with the few batches it may read ahead, not the file.
    EXPECT_LT(in.tellg(), static_cast<std::streamoff>(text.size() / 2));
}

}  // namespace
}  // namespace tlsaudit::testing
