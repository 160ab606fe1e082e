#pragma once
// UTF-8 for untrusted text (scanner/text): one implementation for target lines,
// certificate strings and report writers. Pure functions, thread-safe, no allocation
// beyond their results.

#include <cstddef>
#include <string>
#include <string_view>

namespace tlsaudit::utf8 {

// The UTF-8 encoding of U+FFFD REPLACEMENT CHARACTER.
inline constexpr std::string_view replacement = "\xEF\xBF\xBD";

struct decoded {
    char32_t code_point = 0;
    std::size_t length = 0;   // bytes of the well-formed sequence; 0 when ill-formed
    std::size_t skip = 1;     // ill-formed: bytes of its maximal subpart (Unicode ch. 3)
};

// Decodes the sequence starting at text[pos] (pos < text.size()). Well-formed means
// RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF.
decoded decode(std::string_view text, std::size_t pos);

// Offset of the first byte that is not part of well-formed UTF-8, or npos.
std::size_t find_invalid(std::string_view text);

// `text` with every maximal ill-formed subpart replaced by U+FFFD; well-formed text
// (NUL and control characters included) is returned unchanged.
std::string sanitize(std::string_view text);

// Appends the encoding of `code_point`; surrogates and values above U+10FFFF become U+FFFD.
void append(std::string& out, char32_t code_point);

}  // namespace tlsaudit::utf8
