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

}  // namespace
}  // namespace tlsaudit::text
