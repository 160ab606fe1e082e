#include "text/time_text.hpp"

#include <chrono>
#include <cstdio>
#include <optional>

namespace tlsaudit::text {

std::string rfc3339(time_point t) {
    using namespace std::chrono;
    const auto day = floor<days>(t);
    const year_month_day ymd{day};
    const hh_mm_ss hms{t - day};
    const int year = static_cast<int>(ymd.year());
    if (year >= 0 && year <= 9999) {
        // Every record holds several of these: digits by hand, not snprintf's parser.
        char out[] = "0000-00-00T00:00:00Z";
        const auto put = [&out](std::size_t end, long value, int width) {
            for (int i = 0; i < width; ++i, value /= 10)
                out[end - static_cast<std::size_t>(i)] = static_cast<char>('0' + value % 10);
        };
        put(3, year, 4);
        put(6, static_cast<unsigned>(ymd.month()), 2);
        put(9, static_cast<unsigned>(ymd.day()), 2);
        put(12, static_cast<long>(hms.hours().count()), 2);
        put(15, static_cast<long>(hms.minutes().count()), 2);
        put(18, static_cast<long>(hms.seconds().count()), 2);
        return std::string(out, sizeof out - 1);
    }
    char out[40];
    std::snprintf(out, sizeof out, "%04d-%02u-%02uT%02ld:%02ld:%02ldZ", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                  static_cast<long>(hms.hours().count()), static_cast<long>(hms.minutes().count()),
                  static_cast<long>(hms.seconds().count()));
    return out;
}

std::string rfc3339(std::chrono::sys_time<std::chrono::milliseconds> t) {
    using namespace std::chrono;
    const auto whole = floor<seconds>(t);
    auto out = rfc3339(time_point{whole});
    if (const auto ms = (t - whole).count(); ms != 0) {
        char fraction[] = ".000";
        fraction[1] = static_cast<char>('0' + ms / 100);
        fraction[2] = static_cast<char>('0' + ms / 10 % 10);
        fraction[3] = static_cast<char>('0' + ms % 10);
        out.insert(out.size() - 1, fraction);
    }
    return out;
}

namespace {

// Reads exactly `n` digits at `pos`.
std::optional<int> digits(std::string_view text, std::size_t& pos, std::size_t n) {
    if (pos + n > text.size()) return std::nullopt;
    int value = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const char c = text[pos + i];
        if (c < '0' || c > '9') return std::nullopt;
        value = value * 10 + (c - '0');
    }
    pos += n;
    return value;
}

bool expect(std::string_view text, std::size_t& pos, char c) {
    if (pos >= text.size() || text[pos] != c) return false;
    ++pos;
    return true;
}

}  // namespace

std::optional<time_point> parse_rfc3339(std::string_view text) {
    using namespace std::chrono;
    std::size_t pos = 0;
    const auto y = digits(text, pos, 4);
    if (!y || !expect(text, pos, '-')) return std::nullopt;
    const auto mo = digits(text, pos, 2);
    if (!mo || !expect(text, pos, '-')) return std::nullopt;
    const auto d = digits(text, pos, 2);
    if (!d) return std::nullopt;
    const year_month_day date{year{*y}, month{static_cast<unsigned>(*mo)}, day{static_cast<unsigned>(*d)}};
    if (!date.ok()) return std::nullopt;
    sys_seconds t = sys_days(date);
    if (pos == text.size()) return t;  // a date alone: midnight UTC

    if (text[pos] != 'T' && text[pos] != 't' && text[pos] != ' ') return std::nullopt;
    ++pos;
    const auto h = digits(text, pos, 2);
    if (!h || !expect(text, pos, ':')) return std::nullopt;
    const auto mi = digits(text, pos, 2);
    if (!mi || !expect(text, pos, ':')) return std::nullopt;
    const auto s = digits(text, pos, 2);
    // 60 allows a leap second, which counts as the next second.
    if (!s || *h > 23 || *mi > 59 || *s > 60) return std::nullopt;
    t += hours(*h) + minutes(*mi) + seconds(*s);
    if (pos < text.size() && text[pos] == '.') {
        ++pos;
        const std::size_t start = pos;
        while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
        if (pos == start) return std::nullopt;
    }
    if (pos == text.size()) return std::nullopt;  // RFC 3339 requires an offset
    if (text[pos] == 'Z' || text[pos] == 'z') {
        ++pos;
    } else if (text[pos] == '+' || text[pos] == '-') {
        const int sign = text[pos] == '+' ? 1 : -1;
        ++pos;
        const auto oh = digits(text, pos, 2);
        if (!oh || !expect(text, pos, ':')) return std::nullopt;
        const auto om = digits(text, pos, 2);
        if (!om || *oh > 23 || *om > 59) return std::nullopt;
        t -= sign * (hours(*oh) + minutes(*om));  // local time minus offset = UTC
    } else {
        return std::nullopt;
    }
    if (pos != text.size()) return std::nullopt;
    return t;
}

}  // namespace tlsaudit::text
