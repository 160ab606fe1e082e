#pragma once
// Pure text helpers for values taken from certificates (no OpenSSL). Private to
// scanner/x509 and its tests.

#include <span>
#include <string>
#include <string_view>

namespace tlsaudit::x509::detail {

// The UTF-8 encoding of U+FFFD REPLACEMENT CHARACTER.
inline constexpr std::string_view replacement_character = "\xEF\xBF\xBD";

// Returns `bytes` as valid UTF-8: well-formed sequences are copied unchanged,
// each maximal ill-formed subpart (Unicode ch. 3, "U+FFFD substitution of maximal
// subparts") becomes U+FFFD. Overlong forms, surrogates and code points above
// U+10FFFF are ill-formed. NUL and other control characters are kept.
std::string sanitize_utf8(std::string_view bytes);

// Appends the UTF-8 encoding of `code_point`; surrogates and values above
// U+10FFFF are appended as U+FFFD.
void append_utf8(std::string& out, char32_t code_point);

// Hex digits of `data`, two per byte, no separators.
std::string to_hex(std::span<const unsigned char> data, bool upper);

}  // namespace tlsaudit::x509::detail
