#pragma once
// ASCII case folding for protocol text (host names, URL schemes, hex digits, database
// keys), and the edit distance behind "did you mean" suggestions. Private to the build
// (included as "text/ascii.hpp").

#include <cstddef>
#include <string>
#include <string_view>

namespace tlsaudit::text {

// `text` with A-Z mapped to a-z and every other byte unchanged, whatever the C locale
// says (std::tolower does not). Never throws except std::bad_alloc.
std::string ascii_lower(std::string_view text);

// Levenshtein distance between `a` and `b`, byte by byte (for near-miss suggestions of
// option names and ids).
std::size_t edit_distance(std::string_view a, std::string_view b);

}  // namespace tlsaudit::text
