// text::ascii_lower.

#include "text/ascii.hpp"

#include <gtest/gtest.h>

#include <string>

namespace tlsaudit::text {
namespace {

TEST(ascii_lower, folds_ascii_letters_only) {
    EXPECT_EQ(ascii_lower("WWW.Example.TEST"), "www.example.test");
    EXPECT_EQ(ascii_lower("9E89AB"), "9e89ab");
    EXPECT_EQ(ascii_lower(""), "");
    // Bytes above 0x7F (UTF-8 of "Ü") and NUL pass through unchanged.
    EXPECT_EQ(ascii_lower(std::string("\xC3\x9C\0Z", 4)), std::string("\xC3\x9C\0z", 4));
}

}  // namespace
}  // namespace tlsaudit::text
