// detail::sanitize_utf8, append_utf8, to_hex.

#include "x509/text.hpp"

#include <gtest/gtest.h>

#include <string>

namespace tlsaudit::x509::detail {
namespace {

const std::string fffd{replacement_character};

TEST(sanitize_utf8, keeps_valid_text) {
    for (const std::string& text : {std::string{""}, std::string{"plain ASCII <script>"}, std::string{"Z\xC3\xBCrich"},
                                   std::string{"\xE6\x9D\xB1\xE4\xBA\xAC"}, std::string{"\xF0\x9F\x98\x80"},
                                   std::string{"\xF4\x8F\xBF\xBF"}, std::string{"tab\tnew\nline\x7F"}}) {
        EXPECT_EQ(sanitize_utf8(text), text);
    }
}

TEST(sanitize_utf8, keeps_nul_without_truncating) {
    const std::string text{"a\0b", 3};
    EXPECT_EQ(sanitize_utf8(text), text);
    EXPECT_EQ(sanitize_utf8(text).size(), 3U);
}

TEST(sanitize_utf8, replaces_maximal_ill_formed_subparts) {
    EXPECT_EQ(sanitize_utf8("\xFF"), fffd);
    EXPECT_EQ(sanitize_utf8("a\xC3"), "a" + fffd);                          // truncated
    EXPECT_EQ(sanitize_utf8("\xE2\x82" "A"), fffd + "A");                   // one U+FFFD for E2 82
    EXPECT_EQ(sanitize_utf8("\xC0\xAF"), fffd + fffd);                      // overlong
    EXPECT_EQ(sanitize_utf8("\xE0\x80\xAF"), fffd + fffd + fffd);           // overlong
    EXPECT_EQ(sanitize_utf8("\xED\xA0\x80"), fffd + fffd + fffd);           // surrogate
    EXPECT_EQ(sanitize_utf8("\xF4\x90\x80\x80"), fffd + fffd + fffd + fffd);  // > U+10FFFF
    EXPECT_EQ(sanitize_utf8("caf\xE9!"), "caf" + fffd + "!");              // Latin-1 byte
    EXPECT_EQ(sanitize_utf8("\x80\x80"), fffd + fffd);                      // stray continuations
}

TEST(append_utf8, encodes_and_rejects) {
    std::string out;
    append_utf8(out, U'A');
    append_utf8(out, U'\u00FC');
    append_utf8(out, U'\u6771');
    append_utf8(out, U'\U0001F600');
    EXPECT_EQ(out, "A\xC3\xBC\xE6\x9D\xB1\xF0\x9F\x98\x80");
    out.clear();
    append_utf8(out, 0xD800);
    append_utf8(out, 0x110000);
    EXPECT_EQ(out, fffd + fffd);
}

TEST(to_hex, cases) {
    const unsigned char data[] = {0x00, 0xAB, 0x0F};
    EXPECT_EQ(to_hex(data, true), "00AB0F");
    EXPECT_EQ(to_hex(data, false), "00ab0f");
    EXPECT_EQ(to_hex({}, true), "");
}

}  // namespace
}  // namespace tlsaudit::x509::detail
