// text::to_hex.

#include "text/hex.hpp"

#include <gtest/gtest.h>

#include <string>

namespace tlsaudit::text {
namespace {

TEST(to_hex, lower_case_digits) {
    const unsigned char data[] = {0x00, 0xAB, 0x0F};
    EXPECT_EQ(to_hex(data), "00ab0f");
    EXPECT_EQ(to_hex({}), "");
}

TEST(percent_encode_path, keeps_unreserved_bytes_and_slashes) {
    EXPECT_EQ(percent_encode_path("/tmp/a-b.c_d~e/Z9"), "/tmp/a-b.c_d~e/Z9");
    EXPECT_EQ(percent_encode_path("/my dir/#1?%"), "/my%20dir/%231%3F%25");
    EXPECT_EQ(percent_encode_path("caf\xc3\xa9"), "caf%C3%A9");
}

}  // namespace
}  // namespace tlsaudit::text
