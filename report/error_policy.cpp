#include <tlsaudit/model.hpp>
#include <tlsaudit/report/error_policy.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <optional>
#include <stdexcept>

namespace tlsaudit::report {
namespace {

constexpr std::size_t max_count = 1'000'000'000;

// Every code of tlsaudit::error_codes (model.hpp); a unit test reads that header and
// fails when a code is missing here.
namespace codes = error_codes;
constexpr std::array known_codes{codes::dns,
                                 codes::refused,
                                 codes::unreachable,
                                 codes::timeout_connect,
                                 codes::timeout_handshake,
                                 codes::timeout_starttls,
                                 codes::starttls_refused,
                                 codes::starttls_protocol,
                                 codes::tls_alert,
                                 codes::protocol_error,
                                 codes::reset,
                                 codes::closed,
                                 codes::not_tls,
                                 codes::chain_too_large,
                                 codes::bad_certificate,
                                 codes::excluded,
                                 codes::internal};

bool known_class(std::string_view name) {
    if (name == input_error_class) return true;
    return std::any_of(known_codes.begin(), known_codes.end(), [&](const char* code) { return name == code; });
}

[[noreturn]] void refuse(std::string_view text, std::string_view why) {
    throw std::invalid_argument(
        fmt::format("'{}': {} (expected none, all, N or P%, optionally :class,class)", text, why));
}

// Digits with at most one '.', as a number; nullopt for anything else.
std::optional<double> decimal(std::string_view digits) {
    if (digits.empty() || digits.front() == '.' || digits.back() == '.') return std::nullopt;
    if (std::count(digits.begin(), digits.end(), '.') > 1) return std::nullopt;
    if (!std::all_of(digits.begin(), digits.end(), [](char c) { return (c >= '0' && c <= '9') || c == '.'; }))
        return std::nullopt;
    double value = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
    return value;
}

std::vector<std::string> parse_classes(std::string_view text, std::string_view list) {
    std::vector<std::string> classes;
    for (std::size_t start = 0; start <= list.size();) {
        auto end = list.find(',', start);
        if (end == std::string_view::npos) end = list.size();
        const auto name = list.substr(start, end - start);
        if (name.empty()) refuse(text, "an empty error class");
        if (!known_class(name))
            refuse(text, fmt::format("unknown error class '{}' (the error codes of docs/formats/ndjson.md, or "
                                     "input-error)",
                                     name));
        classes.emplace_back(name);
        start = end + 1;
    }
    std::sort(classes.begin(), classes.end());
    classes.erase(std::unique(classes.begin(), classes.end()), classes.end());
    return classes;
}

std::string format_percent(double percent) {
    auto text = fmt::format("{:.6f}", percent);
    while (text.back() == '0') text.pop_back();
    if (text.back() == '.') text.pop_back();
    return text;
}

}  // namespace

bool error_policy::counts(std::string_view error_class) const {
    return classes.empty() || std::binary_search(classes.begin(), classes.end(), error_class);
}

error_policy parse_error_policy(std::string_view text) {
    const auto colon = text.find(':');
    const auto head = text.substr(0, colon);
    error_policy policy;
    if (colon != std::string_view::npos) policy.classes = parse_classes(text, text.substr(colon + 1));
    if (head == "none") {
        if (!policy.classes.empty()) refuse(text, "none counts no class");
        policy.kind = error_policy::mode::none;
    } else if (head == "all") {
        policy.kind = error_policy::mode::all;
    } else if (head.ends_with('%')) {
        const auto value = decimal(head.substr(0, head.size() - 1));
        if (!value || *value > 100) refuse(text, "a share is a percentage from 0 to 100");
        policy.kind = error_policy::mode::share;
        policy.max_percent = *value;
    } else {
        const auto value = decimal(head);
        if (!value || head.find('.') != std::string_view::npos || *value > static_cast<double>(max_count))
            refuse(text, "not a policy");
        policy.kind = error_policy::mode::count;
        policy.max_count = static_cast<std::size_t>(*value);
    }
    return policy;
}

std::string to_string(const error_policy& policy) {
    std::string text;
    switch (policy.kind) {
    case error_policy::mode::none: text = "none"; break;
    case error_policy::mode::all: text = "all"; break;
    case error_policy::mode::count: text = std::to_string(policy.max_count); break;
    case error_policy::mode::share: text = format_percent(policy.max_percent) + "%"; break;
    }
    for (std::size_t i = 0; i < policy.classes.size(); ++i) text += (i ? "," : ":") + policy.classes[i];
    return text;
}

bool exceeds(const error_policy& policy, const error_counts& counts) {
    switch (policy.kind) {
    case error_policy::mode::none: return false;
    case error_policy::mode::all: return counts.scanned == 0 && (policy.classes.empty() || counts.counted > 0);
    case error_policy::mode::count: return counts.counted > policy.max_count;
    case error_policy::mode::share:
        return counts.units > 0 &&
               static_cast<double>(counts.counted) * 100.0 > policy.max_percent * static_cast<double>(counts.units);
    }
    return false;
}

}  // namespace tlsaudit::report
