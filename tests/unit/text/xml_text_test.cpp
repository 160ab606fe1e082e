#include "text/xml_text.hpp"

#include <gtest/gtest.h>

#include <string>

namespace tlsaudit::text {
namespace {

const std::string fffd = "\xEF\xBF\xBD";

TEST(xml_escape, escapes_markup_in_text_and_attributes) {
    EXPECT_EQ(xml_escape("a<b>&\"'c"), "a&lt;b&gt;&amp;&quot;&apos;c");
    EXPECT_EQ(xml_escape("chat.example.com"), "chat.example.com");
    EXPECT_EQ(xml_escape(""), "");
}

TEST(xml_escape, replaces_what_xml_1_0_forbids) {
    EXPECT_EQ(xml_escape("\x01x\x1b"), fffd + "x" + fffd);
    EXPECT_EQ(xml_escape("\t\n\r"), "\t\n\r");                              // allowed controls
    EXPECT_EQ(xml_escape("\xEF\xBF\xBE|\xEF\xBF\xBF"), fffd + "|" + fffd);  // U+FFFE, U+FFFF
    EXPECT_EQ(xml_escape("\xEF\xBF\xBD\xC3\xA9"), fffd + "\xC3\xA9");       // U+FFFD, e-acute kept
}

}  // namespace
}  // namespace tlsaudit::text
