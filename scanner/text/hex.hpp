#pragma once
// Hex digits of bytes, for fingerprints, serials and key ids, and percent-encoded paths.
// Private to the build (included as "text/hex.hpp"); no OpenSSL.

#include <span>
#include <string>
#include <string_view>

namespace tlsaudit::text {

// Two lower-case digits per byte, no separators: the one case of every fingerprint,
// serial and key id tlsaudit writes. Never throws except
// std::bad_alloc.
std::string to_hex(std::span<const unsigned char> data);

// `path` for a URI (RFC 3986): every byte outside the unreserved set (A-Z a-z 0-9 - . _ ~)
// and '/' as %XX, upper-case, so spaces, '#', '?' and '%' stay part of the path.
std::string percent_encode_path(std::string_view path);

}  // namespace tlsaudit::text
