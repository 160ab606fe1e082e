#include "text/hex.hpp"

namespace tlsaudit::text {

std::string to_hex(std::span<const unsigned char> data) {
    const char* digits = "0123456789abcdef";
    std::string out;
    out.reserve(data.size() * 2);
    for (const unsigned char byte : data) {
        out += digits[byte >> 4];
        out += digits[byte & 0x0F];
    }
    return out;
}

}  // namespace tlsaudit::text
