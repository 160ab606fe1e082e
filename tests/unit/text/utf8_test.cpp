// tlsaudit::utf8: the one UTF-8 implementation for untrusted text.

#include "text/utf8.hpp"

#include <gtest/gtest.h>

#include <string>

namespace tlsaudit::text {
namespace {

const std::string fffd{text::utf8_replacement};

TEST(sanitize_utf8, keeps_valid_text) {
    for (const std::string& text : {std::string{""}, std::string{"plain ASCII <script>"}, std::string{"Z\xC3\xBCrich"},
                                    std::string{"\xE6\x9D\xB1\xE4\xBA\xAC"}, std::string{"\xF0\x9F\x98\x80"},
                                    std::string{"\xF4\x8F\xBF\xBF"}, std::string{"tab\tnew\nline\x7F"}}) {
        EXPECT_EQ(text::sanitize_utf8(text), text);
    }
}

TEST(sanitize_utf8, keeps_nul_without_truncating) {
    const std::string text{"a\0b", 3};
    EXPECT_EQ(text::sanitize_utf8(text), text);
    EXPECT_EQ(text::sanitize_utf8(text).size(), 3U);
}

TEST(sanitize_utf8, replaces_maximal_ill_formed_subparts) {
    EXPECT_EQ(text::sanitize_utf8("\xFF"), fffd);
    EXPECT_EQ(text::sanitize_utf8("a\xC3"), "a" + fffd);  // truncated
    EXPECT_EQ(text::sanitize_utf8("\xE2\x82"
                                  "A"),
              fffd + "A");                                                          // one U+FFFD for E2 82
    EXPECT_EQ(text::sanitize_utf8("\xC0\xAF"), fffd + fffd);                        // overlong
    EXPECT_EQ(text::sanitize_utf8("\xE0\x80\xAF"), fffd + fffd + fffd);             // overlong
    EXPECT_EQ(text::sanitize_utf8("\xED\xA0\x80"), fffd + fffd + fffd);             // surrogate
    EXPECT_EQ(text::sanitize_utf8("\xF4\x90\x80\x80"), fffd + fffd + fffd + fffd);  // > U+10FFFF
    EXPECT_EQ(text::sanitize_utf8("caf\xE9!"), "caf" + fffd + "!");                 // Latin-1 byte
    EXPECT_EQ(text::sanitize_utf8("\x80\x80"), fffd + fffd);                        // stray continuations
}

TEST(sanitize_utf8, keeps_valid_runs_around_each_replacement) {
    const std::string e_acute = "\xC3\xA9", euro = "\xE2\x82\xAC", emoji = "\xF0\x9F\x94\x92";
    EXPECT_EQ(text::sanitize_utf8(e_acute + "\xFF" + euro + "x\xC3" + emoji),
              e_acute + fffd + euro + "x" + fffd + emoji);
    EXPECT_EQ(text::sanitize_utf8("\xFF" + emoji + "\xFF"), fffd + emoji + fffd);
    EXPECT_EQ(text::sanitize_utf8(""), "");
}

TEST(json_escape_invisible, escapes_c1_bidi_tags_and_del_and_nothing_else) {
    std::string scratch;
    const std::string plain = R"({"a":"caf\u00e9 \u001b","b":"Gr\xc3\xbc\xc3\x9fe"})";
    EXPECT_EQ(json_escape_invisible(plain, scratch).data(), plain.data()) << "nothing to escape: the same text";
    // U+009B (one-byte CSI), U+202E, DEL, a tag character (a surrogate pair).
    const std::string hostile =
        "{\"s\":\"x\xc2\x9b"
        "2J\xe2\x80\xae"
        "ab\x7f\xf3\xa0\x81\x81\xc3\xa9\"}";
    EXPECT_EQ(json_escape_invisible(hostile, scratch), "{\"s\":\"x\\u009b2J\\u202eab\\u007f\\udb40\\udc41\xc3\xa9\"}");
}

TEST(show_invisible_controls, writes_each_control_as_an_escape_and_keeps_the_rest) {
    EXPECT_EQ(show_invisible_controls("O=evil\xE2\x80\xAEgnp.exe"), "O=evil\\u{202e}gnp.exe");
    EXPECT_EQ(show_invisible_controls("a\xE2\x81\xA6"
                                      "b\xE2\x80\x8F"
                                      "c\xC2\x9B"),
              "a\\u{2066}b\\u{200f}c\\u{9b}");
    EXPECT_EQ(show_invisible_controls("caf\xC3\xA9 <b> \\ \xE2\x80\xA8"), "caf\xC3\xA9 <b> \\ \\u{2028}");
    EXPECT_EQ(show_invisible_controls("bad \xFF"), "bad \xEF\xBF\xBD");
    EXPECT_TRUE(is_invisible_control(0x202E));
    EXPECT_FALSE(is_invisible_control(0xE9));
    // Every Default_Ignorable_Code_Point: the soft hyphen, invisible operators, a tag
    // character (a name that looks like another), a variation selector, a Hangul filler.
    EXPECT_EQ(show_invisible_controls("zw\xE2\x81\xA3\xF3\xA0\x81\x81\xC2\xAD.test\xEF\xB8\x8F\xE3\x85\xA4"),
              "zw\\u{2063}\\u{e0041}\\u{ad}.test\\u{fe0f}\\u{3164}");
    for (const char32_t seen : {char32_t{0xAC}, char32_t{0xAE}, char32_t{0x2070}, char32_t{0xFFFC}, char32_t{0xE1000}})
        EXPECT_FALSE(is_invisible_control(seen)) << static_cast<unsigned>(seen);
    // C0 controls (not tab or line feed), DEL, zero-width characters.
    EXPECT_EQ(show_invisible_controls(std::string("n\0ul", 4) + "e\x1b[2J\r\t\n\x7f"),
              "n\\u{0}ule\\u{1b}[2J\\u{d}\t\n\\u{7f}");
    EXPECT_EQ(show_invisible_controls("z\xE2\x80\x8Bw\xEF\xBB\xBFj\xE2\x81\xA0"), "z\\u{200b}w\\u{feff}j\\u{2060}");
}

TEST(append_utf8, encodes_and_rejects) {
    std::string out;
    text::append_utf8(out, U'A');
    text::append_utf8(out, U'\u00FC');
    text::append_utf8(out, U'\u6771');
    text::append_utf8(out, U'\U0001F600');
    EXPECT_EQ(out, "A\xC3\xBC\xE6\x9D\xB1\xF0\x9F\x98\x80");
    out.clear();
    text::append_utf8(out, 0xD800);
    text::append_utf8(out, 0x110000);
    EXPECT_EQ(out, fffd + fffd);
}

TEST(utf8_decode, code_points_and_subparts) {
    EXPECT_EQ(text::decode_utf8("A", 0).code_point, U'A');
    const auto e = text::decode_utf8("\xE6\x9D\xB1", 0);
    EXPECT_EQ(e.code_point, U'\u6771');
    EXPECT_EQ(e.length, 3u);
    const auto truncated = text::decode_utf8("\xF0\x9F\x98", 0);
    EXPECT_EQ(truncated.length, 0u);
    EXPECT_EQ(truncated.skip, 3u);
}

TEST(utf8_find_invalid, offsets) {
    EXPECT_EQ(text::find_invalid_utf8("valid \xC3\xBC"), std::string_view::npos);
    EXPECT_EQ(text::find_invalid_utf8("ab\xFF"), 2u);
    EXPECT_EQ(text::find_invalid_utf8("\xC3"), 0u);
    EXPECT_EQ(text::find_invalid_utf8(""), std::string_view::npos);
}

TEST(shorten, cuts_at_a_character_and_says_how_much_is_left) {
    EXPECT_EQ(text::shorten("abc", 3), "abc");
    EXPECT_EQ(text::shorten("abcd", 3), "abc\xe2\x80\xa6 (1 more bytes)");
    EXPECT_EQ(text::shorten("a\xc3\xa9z", 2), "a\xe2\x80\xa6 (3 more bytes)") << "never inside a character";
    EXPECT_EQ(text::shorten("\xf0\x9f\x98\x80\xf0\x9f\x98\x80", 6), "\xf0\x9f\x98\x80\xe2\x80\xa6 (4 more bytes)");
}

TEST(utf8_find_invalid, at_every_offset_of_a_long_ascii_run) {
    for (std::size_t at = 0; at < 40; ++at) {
        std::string text(40, 'a');
        text[at] = '\xFF';
        EXPECT_EQ(text::find_invalid_utf8(text), at);
        text[at] = '\xC3';  // a valid two-byte sequence across any word boundary
        text.insert(at + 1, 1, '\xBC');
        EXPECT_EQ(text::find_invalid_utf8(text), std::string_view::npos) << at;
        text.erase(at + 1, 1);  // a lead byte without its continuation
        EXPECT_EQ(text::find_invalid_utf8(text), at);
    }
}

}  // namespace
}  // namespace tlsaudit::text
