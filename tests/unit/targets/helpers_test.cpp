// Internal helpers with contracts of their own: text rendering and the seen-set.

#include "seen_set.hpp"
#include "text.hpp"

#include "text/utf8.hpp"

#include <gtest/gtest.h>

#include <string>

namespace tlsaudit::targets::detail {
namespace {

TEST(text, strip_comment_needs_start_or_whitespace) {
    EXPECT_EQ(strip_comment("# all"), "");
    EXPECT_EQ(strip_comment("a # b"), "a ");
    EXPECT_EQ(strip_comment("a\t#b"), "a\t");
    EXPECT_EQ(strip_comment("https://x/#frag"), "https://x/#frag");
}

TEST(text, utf8_validation) {
    EXPECT_EQ(text::find_invalid_utf8("plain ascii"), std::string_view::npos);
    EXPECT_EQ(text::find_invalid_utf8("b\u00fccher \u2603 \U0001F600"), std::string_view::npos);
    EXPECT_EQ(text::find_invalid_utf8("ab\x80"), 2u);            // lone continuation byte
    EXPECT_EQ(text::find_invalid_utf8("\xc1\xbf"), 0u);          // overlong 2-byte
    EXPECT_EQ(text::find_invalid_utf8("\xe0\x80\xaf"), 0u);      // overlong 3-byte
    EXPECT_EQ(text::find_invalid_utf8("\xed\xa0\x80"), 0u);      // surrogate
    EXPECT_EQ(text::find_invalid_utf8("\xf4\x90\x80\x80"), 0u);  // above U+10FFFF
    EXPECT_EQ(text::find_invalid_utf8("x\xf0\x9f\x98"), 1u);     // truncated 4-byte
}

TEST(text, printable_escapes_and_cuts_at_character_boundary) {
    EXPECT_EQ(printable("a\tb", 10), "a\tb");
    EXPECT_EQ(printable("\x7f\xc2\x9b", 20), "\\x7f\\u009b");
    EXPECT_EQ(printable("\u00fc\u00fc", 3), "\u00fc");
    EXPECT_EQ(printable("ab\x01", 4), "ab");  // "\x01" escape would not fit
    EXPECT_EQ(quote(std::string(100, 'z')), "'" + std::string(64, 'z') + "...'");
    EXPECT_EQ(quote("short"), "'short'");
}

TEST(seen_set, remembers_keys_across_growth) {
    seen_set seen;
    for (int i = 0; i < 100000; ++i) ASSERT_TRUE(seen.insert("host" + std::to_string(i) + "|443|"));
    for (int i = 0; i < 100000; i += 997) EXPECT_FALSE(seen.insert("host" + std::to_string(i) + "|443|"));
    EXPECT_TRUE(seen.insert("host-new|443|"));
    EXPECT_EQ(seen.size(), 100001u);
}

TEST(seen_set, hash_depends_on_every_byte) {
    EXPECT_NE(hash_key("a.example|443|a.example"), hash_key("a.example|443|b.example"));
    EXPECT_NE(hash_key(""), hash_key(std::string(1, '\0')));
}

}  // namespace
}  // namespace tlsaudit::targets::detail
