#include "asn1_time.hpp"

#include <fmt/format.h>

#include <array>
#include <chrono>
#include <ctime>

namespace tlsaudit::revocation::detail {

std::optional<time_point> to_time_point(const ASN1_TIME* time) noexcept {
    if (time == nullptr) return std::nullopt;
    std::tm tm{};
    if (ASN1_TIME_to_tm(time, &tm) != 1) return std::nullopt;
    using namespace std::chrono;
    const year_month_day day{year{tm.tm_year + 1900}, month{static_cast<unsigned>(tm.tm_mon + 1)},
                             std::chrono::day{static_cast<unsigned>(tm.tm_mday)}};
    if (!day.ok()) return std::nullopt;
    return time_point{sys_days{day}} + hours{tm.tm_hour} + minutes{tm.tm_min} + seconds{tm.tm_sec};
}


std::string reason_name(int code) {
    // RFC 5280 5.3.1; 7 is unused.
    static constexpr std::array<const char*, 11> names{
        "unspecified",          "keyCompromise",   "cACompromise",  "affiliationChanged",
        "superseded",           "cessationOfOperation", "certificateHold", "",
        "removeFromCRL",        "privilegeWithdrawn",   "aACompromise"};
    if (code >= 0 && code < static_cast<int>(names.size()) && names[static_cast<std::size_t>(code)][0] != '\0')
        return names[static_cast<std::size_t>(code)];
    return fmt::format("reason {}", code);
}

}  // namespace tlsaudit::revocation::detail
