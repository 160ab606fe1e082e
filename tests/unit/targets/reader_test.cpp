// The lazy reader: line numbers, CRLF, comments, dedup, CIDR expansion, huge lines.

#include "test_support.hpp"

#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace tlsaudit::targets {
namespace {

using test::read_all;
using test::targets_of;

TEST(reader, empty_stream_ends_at_once) {
    std::istringstream in("");
    reader r(in, {});
    EXPECT_TRUE(std::holds_alternative<end_of_input>(r.next()));
    EXPECT_TRUE(std::holds_alternative<end_of_input>(r.next()));
    EXPECT_EQ(r.lines_read(), 0u);
}

// A file that cannot be read is an error, not an empty list: a directory opened as a file
// fails its first read (EISDIR).
TEST(reader, a_read_error_throws_instead_of_ending_the_input) {
    std::ifstream in(std::filesystem::temp_directory_path(), std::ios::binary);
    ASSERT_TRUE(in.is_open());
    reader r(in, {});
    try {
        r.next();
        FAIL() << "no error";
    } catch (const std::runtime_error& e) {
        EXPECT_STREQ(e.what(), "cannot read the target list: Is a directory");
    }
}

TEST(reader, comments_and_blank_lines_yield_nothing) {
    std::istringstream in("# header\n\n   \n\t# indented\n");
    reader r(in, {});
    EXPECT_TRUE(std::holds_alternative<end_of_input>(r.next()));
    EXPECT_EQ(r.lines_read(), 4u);
}

// A comment is ignored whatever it holds: over the line limit, invalid UTF-8, a NUL. So is
// a trailing comment's length and its bytes that are not UTF-8; a NUL still marks binary
// input, and a line whose target text runs past the limit is still refused.
TEST(reader, a_comment_is_ignored_however_long) {
    const std::string long_comment = "# " + std::string(5000, 'c') + "\n";
    std::string odd_comment = "  # \xff";
    odd_comment += '\0';
    odd_comment += " binary\n";
    std::string nul_in_trailing = "c.example # a";
    nul_in_trailing += '\0';
    const auto items =
        read_all(long_comment + odd_comment + "a.example\nb.example # " + std::string(5000, 'c') +
                 "\nd.example # caf\xe9\n" + nul_in_trailing + "\n" + std::string(5000, 'd') + " # comment\n");
    ASSERT_EQ(items.size(), 5u);
    EXPECT_EQ(std::get<target>(items[0]).line_no, 3u);
    EXPECT_EQ(std::get<target>(items[1]).line_no, 4u);
    EXPECT_EQ(std::get<target>(items[1]).host, "b.example");
    ASSERT_TRUE(std::holds_alternative<target>(items[2])) << std::get<input_error>(items[2]).message;
    EXPECT_EQ(std::get<target>(items[2]).host, "d.example");
    EXPECT_EQ(std::get<target>(items[2]).input, "d.example # caf\\xe9");
    EXPECT_NE(std::get<input_error>(items[3]).message.find("NUL byte"), std::string::npos);
    const auto* e = std::get_if<input_error>(&items[4]);
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->line_no, 7u);
    EXPECT_NE(e->message.find("the limit is 4096 bytes"), std::string::npos) << e->message;
}

TEST(reader, line_numbers_are_one_based_and_count_skipped_lines) {
    const auto items = read_all("# c\na.example\n\nb.example:8443\n");
    const auto t = targets_of(items);
    ASSERT_EQ(t.size(), 2u);
    EXPECT_EQ(t[0].host, "a.example");
    EXPECT_EQ(t[0].line_no, 2u);
    EXPECT_EQ(t[1].host, "b.example");
    EXPECT_EQ(t[1].port, 8443);
    EXPECT_EQ(t[1].line_no, 4u);
}

TEST(reader, crlf_lines) {
    const auto t = targets_of(read_all("a.example\r\n192.0.2.1:8443 # x\r\nb.example"));
    ASSERT_EQ(t.size(), 3u);
    EXPECT_EQ(t[0].input, "a.example");
    EXPECT_EQ(t[1].host, "192.0.2.1");
    EXPECT_EQ(t[1].input, "192.0.2.1:8443 # x");
    EXPECT_EQ(t[2].host, "b.example");  // last line without newline
    EXPECT_EQ(t[2].line_no, 3u);
}

TEST(reader, duplicates_yield_once) {
    const auto t =
        targets_of(read_all("a.example\nA.EXAMPLE.\nhttps://a.example:443/x\na.example:443\n"
                            "a.example sni=other.example\n"));
    ASSERT_EQ(t.size(), 2u);
    EXPECT_EQ(t[0].line_no, 1u);
    EXPECT_EQ(t[1].sni, "other.example");
    EXPECT_EQ(t[1].line_no, 5u);
}

TEST(reader, without_dedupe_every_listed_target_is_returned) {
    parse_options opts;
    opts.dedupe = false;
    const auto t = targets_of(read_all("a.example\nA.EXAMPLE.\na.example:443\n", opts));
    ASSERT_EQ(t.size(), 3u);
    EXPECT_EQ(t[2].key(), t[0].key());
    EXPECT_EQ(t[2].line_no, 3u);
}

TEST(reader, duplicates_across_cidr_and_ports) {
    parse_options opts;
    opts.ports = {443, 8443, 443};
    const auto t = targets_of(read_all("192.0.2.1\n192.0.2.0/30\n", opts));
    // 192.0.2.1 on 443 and 8443, then the block without 192.0.2.1: 3 addresses x 2 ports.
    ASSERT_EQ(t.size(), 8u);
    EXPECT_EQ(t[0].host, "192.0.2.1");
    EXPECT_EQ(t[1].port, 8443);
    EXPECT_EQ(t[2].host, "192.0.2.0");
    EXPECT_EQ(t[4].host, "192.0.2.2");
    EXPECT_EQ(t[7].host, "192.0.2.3");
    EXPECT_EQ(t[7].port, 8443);
}

TEST(reader, errors_do_not_stop_reading) {
    const auto items = read_all("host:0\nok.example\nhttp://x\n");
    ASSERT_EQ(items.size(), 3u);
    EXPECT_EQ(std::get<input_error>(items[0]).line_no, 1u);
    EXPECT_EQ(std::get<target>(items[1]).host, "ok.example");
    EXPECT_EQ(std::get<input_error>(items[2]).line_no, 3u);
    EXPECT_EQ(std::get<input_error>(items[2]).input, "http://x");
}

TEST(reader, cidr_30_in_order) {
    const auto t = targets_of(read_all("192.0.2.0/30\n"));
    ASSERT_EQ(t.size(), 4u);
    for (std::size_t i = 0; i < 4; ++i) {
        EXPECT_EQ(t[i].host, "192.0.2." + std::to_string(i));
        EXPECT_EQ(t[i].port, 443);
        EXPECT_TRUE(t[i].host_is_ip);
        EXPECT_EQ(t[i].sni, "");
        EXPECT_EQ(t[i].line_no, 1u);
        EXPECT_EQ(t[i].input, "192.0.2.0/30");
    }
}

TEST(reader, large_cidr_refused_by_default) {
    const auto items = read_all("10.0.0.0/15\nb.example\n");
    ASSERT_EQ(items.size(), 2u);
    EXPECT_NE(std::get<input_error>(items[0]).message.find("131072"), std::string::npos);
    EXPECT_EQ(std::get<target>(items[1]).host, "b.example");
}

TEST(reader, large_cidr_expands_lazily_when_allowed) {
    std::istringstream in("10.0.0.0/15\n");
    parse_options opts;
    opts.allow_large_cidr = true;
    reader r(in, opts);
    EXPECT_EQ(std::get<target>(r.next()).host, "10.0.0.0");
    EXPECT_EQ(std::get<target>(r.next()).host, "10.0.0.1");
    EXPECT_EQ(std::get<target>(r.next()).host, "10.0.0.2");
    EXPECT_EQ(r.lines_read(), 1u);
}

TEST(reader, whole_ipv6_space_starts_lazily_when_allowed) {
    std::istringstream in("::/0\n");
    parse_options opts;
    opts.allow_large_cidr = true;
    reader r(in, opts);
    EXPECT_EQ(std::get<target>(r.next()).host, "::");
    EXPECT_EQ(std::get<target>(r.next()).host, "::1");
}

TEST(reader, ipv6_126) {
    const auto t = targets_of(read_all("2001:db8::/126\n"));
    ASSERT_EQ(t.size(), 4u);
    EXPECT_EQ(t[0].host, "2001:db8::");
    EXPECT_EQ(t[3].host, "2001:db8::3");
}

TEST(reader, last_block_of_the_address_space_ends) {
    const auto t = targets_of(read_all("255.255.255.252/30\nffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe/127\n"));
    ASSERT_EQ(t.size(), 6u);
    EXPECT_EQ(t[3].host, "255.255.255.255");
    EXPECT_EQ(t[5].host, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
}

TEST(reader, ports_list_expansion) {
    parse_options opts;
    opts.ports = {443, 8443, 993};
    const auto t = targets_of(read_all("a.example\nb.example:25\n", opts));
    ASSERT_EQ(t.size(), 4u);
    EXPECT_EQ(t[0].port, 443);
    EXPECT_EQ(t[1].port, 8443);
    EXPECT_EQ(t[2].port, 993);
    EXPECT_EQ(t[3].host, "b.example");
    EXPECT_EQ(t[3].port, 25);
}

TEST(reader, huge_line_is_an_error_and_reading_goes_on) {
    std::string text(100 * 1024, 'x');
    text += "\r\nnext.example\n";
    const auto items = read_all(text);
    ASSERT_EQ(items.size(), 2u);
    const auto& e = std::get<input_error>(items[0]);
    EXPECT_EQ(e.line_no, 1u);
    EXPECT_NE(e.message.find("102400 bytes"), std::string::npos) << e.message;
    EXPECT_EQ(e.input.size(), 256u);
    EXPECT_EQ(std::get<target>(items[1]).line_no, 2u);
}

TEST(reader, line_of_exactly_the_limit_is_read) {
    // 4096 bytes of target text plus CRLF: at the limit, not over it.
    std::string line = "example.com #";
    line += std::string(4096 - line.size(), 'c');
    const auto items = read_all(line + "\r\n");
    ASSERT_EQ(items.size(), 1u);
    EXPECT_EQ(std::get<target>(items[0]).host, "example.com");

    // Its comment may run on; its target text may not.
    EXPECT_EQ(std::get<target>(read_all(line + "c\r\n").at(0)).host, "example.com");
    const std::string name = "a." + std::string(60, 'b') + ".example";
    std::string long_text = name;
    while (long_text.size() + 1 + name.size() <= 4096) long_text += " " + name;
    long_text += std::string(4096 - long_text.size(), ' ') + "x";
    const auto over = read_all(long_text + "\r\n");
    ASSERT_EQ(over.size(), 1u);
    EXPECT_NE(std::get<input_error>(over[0]).message.find("4097 bytes"), std::string::npos);
}

TEST(reader, binary_garbage_never_crashes) {
    std::string text;
    for (int i = 0; i < 4096; ++i) text += static_cast<char>((i * 131 + 7) % 256);
    const auto items = read_all(text);
    for (const auto& i : items) {
        if (const auto* e = std::get_if<input_error>(&i)) {
            EXPECT_LE(e->input.size(), 256u);
        }
    }
}

TEST(reader, nul_and_invalid_utf8_lines) {
    const auto items = read_all(std::string("a\0b\n\xfe\xff\nok.example\n", 18));
    ASSERT_EQ(items.size(), 3u);
    EXPECT_NE(std::get<input_error>(items[0]).message.find("NUL"), std::string::npos);
    EXPECT_NE(std::get<input_error>(items[1]).message.find("UTF-8"), std::string::npos);
    EXPECT_EQ(std::get<target>(items[2]).host, "ok.example");
    EXPECT_EQ(std::get<target>(items[2]).line_no, 3u);
}

TEST(line_count, blank_and_comment_lines_do_not_count) {
    EXPECT_FALSE(holds_target(""));
    EXPECT_FALSE(holds_target(" \t\r"));
    EXPECT_FALSE(holds_target("# header"));
    EXPECT_FALSE(holds_target("\xEF\xBB\xBF  # after a byte order mark"));
    EXPECT_TRUE(holds_target("a.example # trailing comment"));
    EXPECT_TRUE(holds_target("https://a.example/#fragment"));
    EXPECT_TRUE(
        holds_target("\xEF\xBB\xBF"
                     "a.example"));
    EXPECT_TRUE(holds_target("x:0"));  // an input error is still a line that was meant as a target
}

TEST(line_count, counts_what_the_reader_would_read) {
    const std::string text = "\xEF\xBB\xBF# list\r\na.example\r\n\n  \t\n192.0.2.0/30 # four\nbad:0\nb.example";
    std::istringstream in(text);
    EXPECT_EQ(count_target_lines(in), 4u);
    // The same lines the reader takes as targets or input errors (the CIDR block is one line).
    const auto items = read_all(text);
    EXPECT_EQ(targets_of(items).size(), 6u);
    EXPECT_EQ(items.size(), 7u);
    std::istringstream empty("");
    EXPECT_EQ(count_target_lines(empty), 0u);
}

TEST(line_count, an_over_long_line_counts_once) {
    std::istringstream in(std::string(10000, 'a') + "\n# c\nb.example\n");
    EXPECT_EQ(count_target_lines(in), 2u);
}

TEST(reader, bad_options_throw) {
    std::istringstream in("a.example\n");
    parse_options opts;
    opts.ports.clear();
    EXPECT_THROW(reader(in, opts), std::invalid_argument);
}

}  // namespace
}  // namespace tlsaudit::targets
