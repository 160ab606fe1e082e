#include "text/utf8.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>

namespace tlsaudit::text {
namespace {

bool in_range(unsigned char byte, unsigned char lo, unsigned char hi) { return byte >= lo && byte <= hi; }

}  // namespace

utf8_sequence decode_utf8(std::string_view text, std::size_t pos) {
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[pos + i]); };
    const unsigned char lead = byte(0);
    if (lead < 0x80) return {lead, 1, 1};

    // Table 3-7 of the Unicode standard: the second byte's range depends on the lead byte
    // (this refuses overlongs and surrogates); later bytes are always 80..BF.
    std::size_t length = 0;
    unsigned char lo = 0x80, hi = 0xBF;
    char32_t cp = 0;
    if (in_range(lead, 0xC2, 0xDF)) {
        length = 2, cp = lead & 0x1Fu;
    } else if (in_range(lead, 0xE0, 0xEF)) {
        length = 3, cp = lead & 0x0Fu;
        if (lead == 0xE0) lo = 0xA0;
        if (lead == 0xED) hi = 0x9F;
    } else if (in_range(lead, 0xF0, 0xF4)) {
        length = 4, cp = lead & 0x07u;
        if (lead == 0xF0) lo = 0x90;
        if (lead == 0xF4) hi = 0x8F;
    } else {
        return {0, 0, 1};
    }
    for (std::size_t i = 1; i < length; ++i) {
        const bool ok = pos + i < text.size() && (i == 1 ? in_range(byte(i), lo, hi) : in_range(byte(i), 0x80, 0xBF));
        if (!ok) return {0, 0, i};  // the lead and the continuations seen so far are one subpart
        cp = (cp << 6) | (byte(i) & 0x3Fu);
    }
    return {cp, length, length};
}

std::size_t find_invalid_utf8(std::string_view text) {
    for (std::size_t pos = 0; pos < text.size();) {
        // Eight ASCII bytes at a time: nearly every string a record holds is ASCII.
        if (std::uint64_t word = 0; pos + sizeof word <= text.size()) {
            std::memcpy(&word, text.data() + pos, sizeof word);
            if ((word & 0x8080808080808080u) == 0) {
                pos += sizeof word;
                continue;
            }
        }
        if (static_cast<unsigned char>(text[pos]) < 0x80) {
            ++pos;
            continue;
        }
        const utf8_sequence d = decode_utf8(text, pos);
        if (d.length == 0) return pos;
        pos += d.length;
    }
    return std::string_view::npos;
}

std::string sanitize_utf8(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    std::size_t copied = 0;  // text[copied, pos) is valid and not yet in `out`
    for (std::size_t pos = 0; pos < text.size();) {
        if (static_cast<unsigned char>(text[pos]) < 0x80) {
            ++pos;
            continue;
        }
        const utf8_sequence d = decode_utf8(text, pos);
        if (d.length > 0) {
            pos += d.length;
            continue;
        }
        out.append(text.substr(copied, pos - copied)).append(utf8_replacement);
        pos += d.skip;
        copied = pos;
    }
    return out.append(text.substr(copied));
}

void append_utf8(std::string& out, char32_t cp) {
    const auto put = [&out](char32_t value) { out += static_cast<char>(static_cast<unsigned char>(value)); };
    if (cp < 0x80) {
        put(cp);
    } else if (cp < 0x800) {
        put(0xC0 | (cp >> 6));
        put(0x80 | (cp & 0x3F));
    } else if (cp >= 0xD800 && cp <= 0xDFFF) {
        out.append(utf8_replacement);
    } else if (cp < 0x10000) {
        put(0xE0 | (cp >> 12));
        put(0x80 | ((cp >> 6) & 0x3F));
        put(0x80 | (cp & 0x3F));
    } else if (cp <= 0x10FFFF) {
        put(0xF0 | (cp >> 18));
        put(0x80 | ((cp >> 12) & 0x3F));
        put(0x80 | ((cp >> 6) & 0x3F));
        put(0x80 | (cp & 0x3F));
    } else {
        out.append(utf8_replacement);
    }
}

bool is_invisible_control(char32_t cp) {
    struct range {
        char32_t first, last;
    };
    // Unicode's Default_Ignorable_Code_Point (DerivedCoreProperties.txt), the line and
    // paragraph separators and the interlinear annotation characters.
    static constexpr range ignorable[] = {
        {0x00AD, 0x00AD},   {0x034F, 0x034F},   {0x061C, 0x061C}, {0x115F, 0x1160}, {0x17B4, 0x17B5},
        {0x180B, 0x180F},   {0x200B, 0x200F},   {0x2028, 0x202E}, {0x2060, 0x206F}, {0x3164, 0x3164},
        {0xFE00, 0xFE0F},   {0xFEFF, 0xFEFF},   {0xFFA0, 0xFFA0}, {0xFFF0, 0xFFFB}, {0x1BCA0, 0x1BCA3},
        {0x1D173, 0x1D17A}, {0xE0000, 0xE0FFF},
    };
    if (cp < 0x20) return cp != '\t' && cp != '\n';
    if (cp >= 0x7F && cp <= 0x9F) return true;  // DEL and the C1 controls (U+009B is a one-byte CSI)
    if (cp < 0xAD) return false;
    for (const auto& r : ignorable)
        if (cp >= r.first && cp <= r.last) return true;
    return false;
}

std::string shorten(std::string_view text, std::size_t max_bytes) {
    if (text.size() <= max_bytes) return std::string(text);
    std::size_t cut = max_bytes;
    // Back to the start of a character: never past a lead byte into its continuation.
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0U) == 0x80U && max_bytes - cut < 4) --cut;
    return std::string(text.substr(0, cut)) + "\xe2\x80\xa6 (" + std::to_string(text.size() - cut) + " more bytes)";
}

std::string_view json_escape_invisible(std::string_view json, std::string& scratch) {
    const auto is_plain = [](char c) { return static_cast<unsigned char>(c) < 0x7F; };
    std::size_t i = static_cast<std::size_t>(std::find_if_not(json.begin(), json.end(), is_plain) - json.begin());
    if (i == json.size()) return json;
    scratch.assign(json.substr(0, i));
    while (i < json.size()) {
        const auto seq = decode_utf8(json, i);
        const std::size_t n = seq.length == 0 ? 1 : seq.length;
        if (seq.length != 0 && is_invisible_control(seq.code_point)) {
            static constexpr char hex[] = "0123456789abcdef";
            auto unit = [&](unsigned u) {
                scratch += "\\u";
                for (int shift = 12; shift >= 0; shift -= 4) scratch += hex[(u >> shift) & 15];
            };
            const auto cp = static_cast<unsigned>(seq.code_point);
            if (cp < 0x10000) {
                unit(cp);
            } else {
                unit(0xD800 + ((cp - 0x10000) >> 10));
                unit(0xDC00 + ((cp - 0x10000) & 0x3FF));
            }
        } else {
            scratch.append(json, i, n);
        }
        i += n;
    }
    return scratch;
}

std::string show_invisible_controls(std::string_view raw) {
    const std::string text = sanitize_utf8(raw);
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        const auto seq = decode_utf8(text, i);
        const std::size_t n = seq.length == 0 ? 1 : seq.length;
        if (is_invisible_control(seq.code_point)) {
            static constexpr char hex[] = "0123456789abcdef";
            std::string code;
            auto v = static_cast<unsigned>(seq.code_point);
            do {
                code.insert(code.begin(), hex[v & 15]);
                v >>= 4;
            } while (v != 0);
            out += "\\u{" + code + "}";
        } else {
            out.append(text, i, n);
        }
        i += n;
    }
    return out;
}

}  // namespace tlsaudit::text
