// tlsaudit::utf8: the one UTF-8 implementation for untrusted text.

#include <tlsaudit/utf8.hpp>

#include <gtest/gtest.h>

#include <string>

namespace tlsaudit {
namespace {

const std::string fffd{utf8::replacement};

TEST(sanitize_utf8, keeps_valid_text) {
    for (const std::string& text : {std::string{""}, std::string{"plain ASCII <script>"}, std::string{"Z\xC3\xBCrich"},
                                   std::string{"\xE6\x9D\xB1\xE4\xBA\xAC"}, std::string{"\xF0\x9F\x98\x80"},
                                   std::string{"\xF4\x8F\xBF\xBF"}, std::string{"tab\tnew\nline\x7F"}}) {
        EXPECT_EQ(utf8::sanitize(text), text);
    }
}

TEST(sanitize_utf8, keeps_nul_without_truncating) {
    const std::string text{"a\0b", 3};
    EXPECT_EQ(utf8::sanitize(text), text);
    EXPECT_EQ(utf8::sanitize(text).size(), 3U);
}

TEST(sanitize_utf8, replaces_maximal_ill_formed_subparts) {
    EXPECT_EQ(utf8::sanitize("\xFF"), fffd);
    EXPECT_EQ(utf8::sanitize("a\xC3"), "a" + fffd);                          // truncated
    EXPECT_EQ(utf8::sanitize("\xE2\x82" "A"), fffd + "A");                   // one U+FFFD for E2 82
    EXPECT_EQ(utf8::sanitize("\xC0\xAF"), fffd + fffd);                      // overlong
    EXPECT_EQ(utf8::sanitize("\xE0\x80\xAF"), fffd + fffd + fffd);           // overlong
    EXPECT_EQ(utf8::sanitize("\xED\xA0\x80"), fffd + fffd + fffd);           // surrogate
    EXPECT_EQ(utf8::sanitize("\xF4\x90\x80\x80"), fffd + fffd + fffd + fffd);  // > U+10FFFF
    EXPECT_EQ(utf8::sanitize("caf\xE9!"), "caf" + fffd + "!");              // Latin-1 byte
    EXPECT_EQ(utf8::sanitize("\x80\x80"), fffd + fffd);                      // stray continuations
}

TEST(sanitize_utf8, keeps_valid_runs_around_each_replacement) {
    const std::string e_acute = "\xC3\xA9", euro = "\xE2\x82\xAC", emoji = "\xF0\x9F\x94\x92";
    EXPECT_EQ(utf8::sanitize(e_acute + "\xFF" + euro + "x\xC3" + emoji), e_acute + fffd + euro + "x" + fffd + emoji);
    EXPECT_EQ(utf8::sanitize("\xFF" + emoji + "\xFF"), fffd + emoji + fffd);
    EXPECT_EQ(utf8::sanitize(""), "");
}

TEST(append_utf8, encodes_and_rejects) {
    std::string out;
    utf8::append(out, U'A');
    utf8::append(out, U'\u00FC');
    utf8::append(out, U'\u6771');
    utf8::append(out, U'\U0001F600');
    EXPECT_EQ(out, "A\xC3\xBC\xE6\x9D\xB1\xF0\x9F\x98\x80");
    out.clear();
    utf8::append(out, 0xD800);
    utf8::append(out, 0x110000);
    EXPECT_EQ(out, fffd + fffd);
}

TEST(utf8_decode, code_points_and_subparts) {
    EXPECT_EQ(utf8::decode("A", 0).code_point, U'A');
    const auto e = utf8::decode("\xE6\x9D\xB1", 0);
    EXPECT_EQ(e.code_point, U'\u6771');
    EXPECT_EQ(e.length, 3u);
    const auto truncated = utf8::decode("\xF0\x9F\x98", 0);
    EXPECT_EQ(truncated.length, 0u);
    EXPECT_EQ(truncated.skip, 3u);
}

TEST(utf8_find_invalid, offsets) {
    EXPECT_EQ(utf8::find_invalid("valid \xC3\xBC"), std::string_view::npos);
    EXPECT_EQ(utf8::find_invalid("ab\xFF"), 2u);
    EXPECT_EQ(utf8::find_invalid("\xC3"), 0u);
    EXPECT_EQ(utf8::find_invalid(""), std::string_view::npos);
}

}  // namespace
}  // namespace tlsaudit
