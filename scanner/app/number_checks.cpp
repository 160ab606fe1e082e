#include "number_checks.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <optional>
#include <string_view>

namespace tlsaudit::app {
namespace {

// The whole text as a number of type T, an optional leading '+' allowed; nullopt otherwise.
template <class T>
std::optional<T> read_number(std::string_view text) {
    if (text.size() > 1 && text.front() == '+' && text[1] != '-') text.remove_prefix(1);
    T value{};
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return value;
}

std::string shown(const std::string& text) {
    return fmt::format("'{}'", text.size() > 40 ? text.substr(0, 40) + "..." : text);
}

}  // namespace

CLI::Validator whole_number_in(std::int64_t lo, std::int64_t hi) {
    return CLI::Validator(
        [lo, hi](std::string& text) {
            const auto n = read_number<std::int64_t>(text);
            if (n && *n >= lo && *n <= hi) return std::string();
            return fmt::format("expected a whole number from {} to {}, not {}", lo, hi, shown(text));
        },
        fmt::format("INT in [{} - {}]", lo, hi));
}

CLI::Validator number_in(double lo, double hi) {
    return CLI::Validator(
        [lo, hi](std::string& text) {
            const auto n = read_number<double>(text);
            if (n && std::isfinite(*n) && *n >= lo && *n <= hi) return std::string();
            return fmt::format("expected a number from {} to {}, not {}", lo, hi, shown(text));
        },
        fmt::format("FLOAT in [{} - {}]", lo, hi));
}

CLI::Validator zero_or_number_in(double lo, double hi) {
    return CLI::Validator(
        [lo, hi](std::string& text) {
            const auto n = read_number<double>(text);
            if (n && (*n == 0 || (std::isfinite(*n) && *n >= lo && *n <= hi))) return std::string();
            return fmt::format("expected 0 or a number from {} to {}, not {}", lo, hi, shown(text));
        },
        fmt::format("0 or [{} - {}]", lo, hi));
}

}  // namespace tlsaudit::app
