#pragma once
// Pure text helpers for values taken from certificates (no OpenSSL). Private to
// scanner/x509 and its tests. UTF-8 handling is in <tlsaudit/utf8.hpp>.

#include <span>
#include <string>
#include <string_view>

namespace tlsaudit::x509::detail {

// Hex digits of `data`, two per byte, no separators.
std::string to_hex(std::span<const unsigned char> data, bool upper);

}  // namespace tlsaudit::x509::detail
