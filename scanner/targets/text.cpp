#include "text.hpp"

#include <cstdint>

namespace tlsaudit::targets::detail {

namespace {

struct decoded {
    char32_t code_point = 0;
    std::size_t length = 0;  // 0: the byte at the position starts no valid sequence
};

bool in_range(unsigned char byte, unsigned char lo, unsigned char hi) { return byte >= lo && byte <= hi; }

// Decodes the UTF-8 sequence starting at `pos` (RFC 3629, table 3-7 of the Unicode
// standard: the second byte's range depends on the first so that overlongs and
// surrogates are refused).
decoded decode_at(std::string_view text, std::size_t pos)
{
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[pos + i]); };
    const unsigned char b0 = byte(0);
    if (b0 < 0x80) return {b0, 1};

    std::size_t length = 0;
    unsigned char lo = 0x80;
    unsigned char hi = 0xBF;
    char32_t cp = 0;
    if (in_range(b0, 0xC2, 0xDF)) {
        length = 2;
        cp = b0 & 0x1Fu;
    } else if (in_range(b0, 0xE0, 0xEF)) {
        length = 3;
        cp = b0 & 0x0Fu;
        if (b0 == 0xE0) lo = 0xA0;
        if (b0 == 0xED) hi = 0x9F;
    } else if (in_range(b0, 0xF0, 0xF4)) {
        length = 4;
        cp = b0 & 0x07u;
        if (b0 == 0xF0) lo = 0x90;
        if (b0 == 0xF4) hi = 0x8F;
    } else {
        return {};
    }
    if (text.size() - pos < length) return {};
    if (!in_range(byte(1), lo, hi)) return {};
    cp = (cp << 6) | (byte(1) & 0x3Fu);
    for (std::size_t i = 2; i < length; ++i) {
        if (!in_range(byte(i), 0x80, 0xBF)) return {};
        cp = (cp << 6) | (byte(i) & 0x3Fu);
    }
    return {cp, length};
}

constexpr char hex_digits[] = "0123456789abcdef";

std::string hex_escape(const char* prefix, std::uint32_t value)
{
    std::string out = prefix;
    out += hex_digits[(value >> 4) & 0xFu];
    out += hex_digits[value & 0xFu];
    return out;
}

}  // namespace

bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

std::string_view trim(std::string_view text)
{
    while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
    while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
    return text;
}

std::string_view strip_comment(std::string_view text)
{
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '#' && (i == 0 || is_space(text[i - 1]))) return text.substr(0, i);
    }
    return text;
}

std::size_t find_invalid_utf8(std::string_view text)
{
    std::size_t pos = 0;
    while (pos < text.size()) {
        const decoded d = decode_at(text, pos);
        if (d.length == 0) return pos;
        pos += d.length;
    }
    return std::string_view::npos;
}

namespace {

std::string render(std::string_view text, std::size_t max_bytes, bool& complete)
{
    complete = false;
    std::string out;
    std::size_t pos = 0;
    while (pos < text.size()) {
        const decoded d = decode_at(text, pos);
        std::string escaped;
        std::size_t consumed = d.length;
        if (d.length == 0) {
            escaped = hex_escape("\\x", static_cast<unsigned char>(text[pos]));
            consumed = 1;
        } else if ((d.code_point < 0x20 && d.code_point != '\t') || d.code_point == 0x7F) {
            escaped = hex_escape("\\x", static_cast<std::uint32_t>(d.code_point));
        } else if (d.code_point >= 0x80 && d.code_point <= 0x9F) {
            // C1 controls: some terminals act on U+009B (CSI) like on ESC [.
            escaped = hex_escape("\\u00", static_cast<std::uint32_t>(d.code_point));
        }
        const std::size_t piece = escaped.empty() ? consumed : escaped.size();
        if (out.size() + piece > max_bytes) break;
        if (escaped.empty()) {
            out.append(text.substr(pos, consumed));
        } else {
            out += escaped;
        }
        pos += consumed;
    }
    complete = pos == text.size();
    return out;
}

}  // namespace

std::string printable(std::string_view text, std::size_t max_bytes)
{
    bool complete = false;
    return render(text, max_bytes, complete);
}

std::string quote(std::string_view text)
{
    constexpr std::size_t limit = 64;
    bool complete = false;
    const std::string shown = render(text, limit, complete);
    return "'" + shown + (complete ? "'" : "...'");
}

bool is_ascii(std::string_view text)
{
    for (const char c : text) {
        if (static_cast<unsigned char>(c) >= 0x80) return false;
    }
    return true;
}

std::string to_lower_ascii(std::string_view text)
{
    std::string out(text);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
}

}  // namespace tlsaudit::targets::detail
