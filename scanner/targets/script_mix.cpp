#include "script_mix.hpp"

#include "text/utf8.hpp"

#include <array>

namespace tlsaudit::targets::detail {
namespace {

enum script { latin, greek, cyrillic, other };

script script_of(char32_t c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return latin;
    if ((c >= 0x00C0 && c <= 0x024F && c != 0x00D7 && c != 0x00F7) || (c >= 0x1E00 && c <= 0x1EFF)) return latin;
    if ((c >= 0x0370 && c <= 0x03FF) || (c >= 0x1F00 && c <= 0x1FFF)) return greek;
    if ((c >= 0x0400 && c <= 0x052F) || (c >= 0x1C80 && c <= 0x1C8F) || (c >= 0x2DE0 && c <= 0x2DFF) ||
        (c >= 0xA640 && c <= 0xA69F))
        return cyrillic;
    return other;
}

}  // namespace

std::optional<std::string> mixed_scripts(std::string_view label) {
    std::array<bool, 3> seen{};
    for (std::size_t pos = 0; pos < label.size();) {
        const auto d = text::decode_utf8(label, pos);
        if (d.length == 0) return std::nullopt;
        pos += d.length;
        if (const auto s = script_of(d.code_point); s != other) seen[s] = true;
    }
    static constexpr std::array<const char*, 3> names{"Latin", "Greek", "Cyrillic"};
    std::string out;
    int count = 0;
    for (std::size_t i = 0; i < seen.size(); ++i) {
        if (!seen[i]) continue;
        out += (count == 0 ? "" : " and ");
        out += names[i];
        ++count;
    }
    if (count < 2) return std::nullopt;
    return out;
}

}  // namespace tlsaudit::targets::detail
