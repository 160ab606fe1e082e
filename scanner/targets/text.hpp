#pragma once
// Byte-level helpers for target lines: trimming, comments, UTF-8 checks and a printable
// rendering of untrusted text. Pure functions, thread-safe.

#include <cstddef>
#include <string>
#include <string_view>

namespace tlsaudit::targets::detail {

inline constexpr std::size_t max_line_bytes = 4096;  // longer lines are an input_error
inline constexpr std::size_t max_echo_bytes = 256;   // input_error::input is cut to this

// ASCII whitespace: space, \t, \n, \v, \f, \r (so CRLF files trim cleanly).
bool is_space(char c);

std::string_view trim(std::string_view text);

// Cuts `text` at the first `#` that starts the text or follows whitespace. A `#` glued
// to other characters (a URL fragment) is left alone.
std::string_view strip_comment(std::string_view text);

// `line` without a UTF-8 byte order mark at its start.
std::string_view without_bom(std::string_view line);

// What a line (BOM already removed) asks for: trimmed, without its comment. Empty for a
// blank or comment-only line. The one rule for both the parser and the line count.
std::string_view content_of(std::string_view line);

// `text` made safe to print and to embed in reports: valid UTF-8 kept, C0/C1 control
// characters other than tab and invalid bytes escaped as \xNN (\u00NN for C1), cut at a
// character boundary so the result holds at most `max_bytes` bytes.
std::string printable(std::string_view text, std::size_t max_bytes);

// printable(text, 64) between single quotes, with "..." when cut: for error messages.
std::string quote(std::string_view text);

bool is_ascii(std::string_view text);
std::string to_lower_ascii(std::string_view text);

}  // namespace tlsaudit::targets::detail
