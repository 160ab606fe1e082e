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

std::string percent_encode_path(std::string_view path) {
    const char* digits = "0123456789ABCDEF";
    std::string out;
    out.reserve(path.size());
    for (const unsigned char c : path) {
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
            c == '_' || c == '~' || c == '/') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += digits[c >> 4];
            out += digits[c & 0x0F];
        }
    }
    return out;
}

}  // namespace tlsaudit::text
