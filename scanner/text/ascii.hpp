#pragma once
// ASCII case folding for protocol text (host names, URL schemes, hex digits, database
// keys). Private to the build (included as "text/ascii.hpp").

#include <string>
#include <string_view>

namespace tlsaudit::text {

// `text` with A-Z mapped to a-z and every other byte unchanged, whatever the C locale
// says (std::tolower does not). Never throws except std::bad_alloc.
std::string ascii_lower(std::string_view text);

}  // namespace tlsaudit::text
