#include "ossl/time.hpp"

#include "ossl/error.hpp"

#include <chrono>
#include <ctime>

namespace tlsaudit::ossl {

std::optional<time_point> to_time_point(const ASN1_TIME* time) noexcept {
    // ASN1_TIME_to_tm(nullptr, ...) would report the current time.
    if (time == nullptr) {
        return std::nullopt;
    }
    std::tm parts{};
    if (ASN1_TIME_to_tm(time, &parts) != 1) {
        return std::nullopt;
    }
    // std::chrono instead of timegm: defined for every year, no time_t limits.
    using namespace std::chrono;
    const year_month_day date{year{parts.tm_year + 1900}, month{static_cast<unsigned>(parts.tm_mon + 1)},
                              day{static_cast<unsigned>(parts.tm_mday)}};
    if (!date.ok()) {
        return std::nullopt;
    }
    return time_point{sys_days{date}} + hours{parts.tm_hour} + minutes{parts.tm_min} + seconds{parts.tm_sec};
}

asn1_time_ptr to_asn1_time(time_point t) {
    return asn1_time_ptr(check_ptr(ASN1_TIME_set(nullptr, t.time_since_epoch().count()), "ASN1_TIME_set"));
}

asn1_time_ptr to_asn1_generalized_time(time_point t) {
    return asn1_time_ptr(
        check_ptr(ASN1_GENERALIZEDTIME_set(nullptr, t.time_since_epoch().count()), "ASN1_GENERALIZEDTIME_set"));
}

}  // namespace tlsaudit::ossl
