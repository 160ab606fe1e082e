#pragma once
// UTF-8 for untrusted text: one implementation for target lines, certificate strings
// and report writers. Private to the build (included as "text/utf8.hpp"). Pure functions, thread-safe, no allocation
// beyond their results.

#include <cstddef>
#include <string>
#include <string_view>

namespace tlsaudit::text {

// The UTF-8 encoding of U+FFFD REPLACEMENT CHARACTER.
inline constexpr std::string_view utf8_replacement = "\xEF\xBF\xBD";

struct utf8_sequence {
    char32_t code_point = 0;
    std::size_t length = 0;  // bytes of the well-formed sequence; 0 when ill-formed
    std::size_t skip = 1;    // ill-formed: bytes of its maximal subpart (Unicode ch. 3)
};

// Decodes the sequence starting at text[pos] (pos < text.size()). Well-formed means
// RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF.
utf8_sequence decode_utf8(std::string_view text, std::size_t pos);

// Offset of the first byte that is not part of well-formed UTF-8, or npos.
std::size_t find_invalid_utf8(std::string_view text);

// `text` with every maximal ill-formed subpart replaced by U+FFFD; well-formed text
// (NUL and control characters included) is returned unchanged.
std::string sanitize_utf8(std::string_view text);

// True for the code points that change how text reads without being seen: C0 controls but
// tab and line feed (U+0000-U+001F; an ESC, a NUL, a carriage return), DEL and the C1
// controls (U+007F-U+009F), every Default_Ignorable_Code_Point of Unicode (the zero-width
// characters, the bidirectional marks, embeddings, overrides and isolates, the soft hyphen,
// invisible operators, Hangul fillers, variation selectors and the tag characters
// U+E0000-U+E007F that can make a name look like another), the line and paragraph
// separators (U+2028, U+2029) and the interlinear annotation characters (U+FFF9-U+FFFB).
bool is_invisible_control(char32_t code_point);

// Serialized JSON (valid UTF-8) with DEL and every other invisible control above ASCII
// (is_invisible_control: C1 controls, bidirectional overrides, tag characters...) written as
// a \uXXXX escape (a surrogate pair above U+FFFF): the same JSON value, which cannot drive
// or reorder a terminal that shows the text. Such characters only occur inside strings.
// Returns `json` itself when it is all ASCII but DEL, else `scratch` filled with the text.
std::string_view json_escape_invisible(std::string_view json, std::string& scratch);

// `text` (made valid UTF-8 first) with each invisible control written as \u{202e}, so a
// string from a certificate cannot reorder or split what is printed around it in a report.
std::string show_invisible_controls(std::string_view text);

// `text` cut to at most `max_bytes` bytes of it at a character boundary, followed by
// "... (N more bytes)" when it was longer: a report shows a 900,000-character subject in
// a line, a cell or a label as a prefix (the JSON and NDJSON records keep the whole).
std::string shorten(std::string_view text, std::size_t max_bytes);

// Appends the encoding of `code_point`; surrogates and values above U+10FFFF become U+FFFD.
void append_utf8(std::string& out, char32_t code_point);

}  // namespace tlsaudit::text
