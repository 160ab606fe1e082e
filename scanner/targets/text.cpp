#include "text.hpp"

#include "text/utf8.hpp"

#include <cstdint>

namespace tlsaudit::targets::detail {

namespace {

constexpr char hex_digits[] = "0123456789abcdef";

std::string hex_escape(const char* prefix, std::uint32_t value) {
    std::string out = prefix;
    out += hex_digits[(value >> 4) & 0xFu];
    out += hex_digits[value & 0xFu];
    return out;
}

}  // namespace

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'; }

std::string_view trim(std::string_view text) {
    while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
    while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
    return text;
}

std::string_view strip_comment(std::string_view text) {
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '#' && (i == 0 || is_space(text[i - 1]))) return text.substr(0, i);
    }
    return text;
}

std::string_view without_bom(std::string_view line) {
    constexpr std::string_view utf8_bom = "\xEF\xBB\xBF";
    if (line.substr(0, utf8_bom.size()) == utf8_bom) line.remove_prefix(utf8_bom.size());
    return line;
}

std::string_view content_of(std::string_view line) { return trim(strip_comment(trim(line))); }

namespace {

std::string render(std::string_view text, std::size_t max_bytes, bool& complete) {
    complete = false;
    std::string out;
    std::size_t pos = 0;
    while (pos < text.size()) {
        const text::utf8_sequence d = text::decode_utf8(text, pos);
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

std::string printable(std::string_view text, std::size_t max_bytes) {
    bool complete = false;
    return render(text, max_bytes, complete);
}

std::string quote(std::string_view text) {
    constexpr std::size_t limit = 64;
    bool complete = false;
    const std::string shown = render(text, limit, complete);
    return "'" + shown + (complete ? "'" : "...'");
}

bool is_ascii(std::string_view text) {
    for (const char c : text) {
        if (static_cast<unsigned char>(c) >= 0x80) return false;
    }
    return true;
}

std::string to_lower_ascii(std::string_view text) {
    std::string out(text);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
}

}  // namespace tlsaudit::targets::detail
