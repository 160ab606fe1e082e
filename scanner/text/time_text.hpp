#pragma once
// One way to write an instant: RFC 3339 in UTC, "2024-11-11T23:59:59Z", and to read one
// back. Private to the build (included as "text/time_text.hpp").

#include <tlsaudit/model.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace tlsaudit::text {

// By civil date, not fmt's or the library's chrono formatting, which go through
// system_clock's nanoseconds and overflow (UB) outside 1678-2262: certificates say 9999
// (RFC 5280's "no expiry") or 0001. Any year from -9999 to 9999 is written as such.
std::string rfc3339(time_point t);
// With the milliseconds when there are any: "2024-11-11T23:59:59.500Z".
std::string rfc3339(std::chrono::sys_time<std::chrono::milliseconds> t);

// Reads an RFC 3339 date-time or an ISO date: "2021-01-20" (midnight UTC),
// "2021-01-20T12:00:00Z", "2021-01-20 12:00:00+08:00" (fractions of a second ignored).
// nullopt when malformed or out of range; reads back whatever rfc3339 wrote for years 0-9999.
std::optional<time_point> parse_rfc3339(std::string_view text);

}  // namespace tlsaudit::text
