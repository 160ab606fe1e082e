// text::to_hex.

#include "text/hex.hpp"

#include <gtest/gtest.h>

#include <string>

namespace tlsaudit::text {
namespace {

TEST(to_hex, cases) {
    const unsigned char data[] = {0x00, 0xAB, 0x0F};
    EXPECT_EQ(to_hex(data, true), "00AB0F");
    EXPECT_EQ(to_hex(data, false), "00ab0f");
    EXPECT_EQ(to_hex({}, true), "");
}

}  // namespace
}  // namespace tlsaudit::text
