#include "x509/text.hpp"

#include <cstddef>

namespace tlsaudit::x509::detail {

namespace {

bool is_continuation(unsigned char byte, unsigned char low, unsigned char high) {
    return byte >= low && byte <= high;
}

// Length of the well-formed sequence starting at `pos`, or, when ill-formed, the
// negated length of its maximal subpart (at least one byte).
int measure_sequence(std::string_view bytes, std::size_t pos) {
    const auto lead = static_cast<unsigned char>(bytes[pos]);
    int length = 0;
    // Table 3-7 of the Unicode standard: the allowed range of the second byte
    // depends on the lead byte; later bytes are always 80..BF.
    unsigned char second_low = 0x80;
    unsigned char second_high = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        if (lead == 0xE0) {
            second_low = 0xA0;
        } else if (lead == 0xED) {
            second_high = 0x9F;
        }
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        if (lead == 0xF0) {
            second_low = 0x90;
        } else if (lead == 0xF4) {
            second_high = 0x8F;
        }
    } else {
        return -1;
    }
    for (int i = 1; i < length; ++i) {
        const std::size_t at = pos + static_cast<std::size_t>(i);
        if (at >= bytes.size()) {
            return -i;
        }
        const auto byte = static_cast<unsigned char>(bytes[at]);
        const bool ok = i == 1 ? is_continuation(byte, second_low, second_high)
                               : is_continuation(byte, 0x80, 0xBF);
        if (!ok) {
            return -i;
        }
    }
    return length;
}

}  // namespace

std::string sanitize_utf8(std::string_view bytes) {
    std::string out;
    out.reserve(bytes.size());
    std::size_t pos = 0;
    while (pos < bytes.size()) {
        if (static_cast<unsigned char>(bytes[pos]) < 0x80) {
            out += bytes[pos++];
            continue;
        }
        const int length = measure_sequence(bytes, pos);
        if (length > 0) {
            out.append(bytes.substr(pos, static_cast<std::size_t>(length)));
            pos += static_cast<std::size_t>(length);
        } else {
            out.append(replacement_character);
            pos += static_cast<std::size_t>(-length);
        }
    }
    return out;
}

void append_utf8(std::string& out, char32_t code_point) {
    const auto put = [&out](char32_t value) { out += static_cast<char>(static_cast<unsigned char>(value)); };
    if (code_point < 0x80) {
        put(code_point);
    } else if (code_point < 0x800) {
        put(0xC0 | (code_point >> 6));
        put(0x80 | (code_point & 0x3F));
    } else if (code_point >= 0xD800 && code_point <= 0xDFFF) {
        out.append(replacement_character);
    } else if (code_point < 0x10000) {
        put(0xE0 | (code_point >> 12));
        put(0x80 | ((code_point >> 6) & 0x3F));
        put(0x80 | (code_point & 0x3F));
    } else if (code_point <= 0x10FFFF) {
        put(0xF0 | (code_point >> 18));
        put(0x80 | ((code_point >> 12) & 0x3F));
        put(0x80 | ((code_point >> 6) & 0x3F));
        put(0x80 | (code_point & 0x3F));
    } else {
        out.append(replacement_character);
    }
}

std::string to_hex(std::span<const unsigned char> data, bool upper) {
    const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    std::string out;
    out.reserve(data.size() * 2);
    for (const unsigned char byte : data) {
        out += digits[byte >> 4];
        out += digits[byte & 0x0F];
    }
    return out;
}

}  // namespace tlsaudit::x509::detail
