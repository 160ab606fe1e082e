#pragma once
// Hex digits of bytes, for fingerprints, serials and key ids. Private to the build
// (included as "text/hex.hpp"); no OpenSSL.

#include <span>
#include <string>

namespace tlsaudit::text {

// Two digits per byte, no separators, upper or lower case. Never throws except
// std::bad_alloc.
std::string to_hex(std::span<const unsigned char> data, bool upper);

}  // namespace tlsaudit::text
