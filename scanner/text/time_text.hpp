#pragma once
// One way to write an instant: RFC 3339 in UTC, "2024-11-11T23:59:59Z". Private to the
// build (included as "text/time_text.hpp").

#include <tlsaudit/model.hpp>

#include <string>

namespace tlsaudit::text {

// By civil date, not fmt's or the library's chrono formatting, which go through
// system_clock's nanoseconds and overflow (UB) outside 1678-2262: certificates say 9999
// (RFC 5280's "no expiry") or 0001. Any year from -9999 to 9999 is written as such.
std::string rfc3339(time_point t);

}  // namespace tlsaudit::text
