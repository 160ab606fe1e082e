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

// A check that reads the text as a T and takes it when `accept` does; else "expected
// `expected`, not 'text'".
template <class T, class Accept>
CLI::Validator number_check(Accept accept, std::string expected, std::string description) {
    return CLI::Validator(
        [accept, expected](std::string& text) {
            const auto n = read_number<T>(text);
            if (n && accept(*n)) return std::string();
            return fmt::format("expected {}, not {}", expected, shown(text));
        },
        std::move(description));
}

}  // namespace

CLI::Validator whole_number_in(std::int64_t lo, std::int64_t hi) {
    return number_check<std::int64_t>([lo, hi](std::int64_t n) { return n >= lo && n <= hi; },
                                      fmt::format("a whole number from {} to {}", lo, hi),
                                      fmt::format("INT in [{} - {}]", lo, hi));
}

CLI::Validator number_in(double lo, double hi) {
    return number_check<double>([lo, hi](double n) { return std::isfinite(n) && n >= lo && n <= hi; },
                                fmt::format("a number from {} to {}", lo, hi),
                                fmt::format("FLOAT in [{} - {}]", lo, hi));
}

CLI::Validator zero_or_number_in(double lo, double hi) {
    return number_check<double>([lo, hi](double n) { return n == 0 || (std::isfinite(n) && n >= lo && n <= hi); },
                                fmt::format("0 or a number from {} to {}", lo, hi),
                                fmt::format("0 or [{} - {}]", lo, hi));
}

}  // namespace tlsaudit::app
