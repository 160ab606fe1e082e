#pragma once
// Hex digits of bytes, for fingerprints, serials and key ids. Private to the build
// (included as "text/hex.hpp"); no OpenSSL.

#include <span>
#include <string>

namespace tlsaudit::text {

// Two lower-case digits per byte, no separators: the one case of every fingerprint,
// serial and key id tlsaudit writes. Never throws except
// std::bad_alloc.
std::string to_hex(std::span<const unsigned char> data);

}  // namespace tlsaudit::text
