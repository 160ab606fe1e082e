#include "hostname.hpp"

#include "script_mix.hpp"
#include "text.hpp"

#include <idn2.h>

#include <cstdlib>
#include <memory>
#include <optional>
#include <string>

namespace tlsaudit::targets::detail {

namespace {

constexpr std::size_t max_name_bytes = 253;
constexpr std::size_t max_label_bytes = 63;

struct idn2_deleter {
    void operator()(char* p) const { idn2_free(p); }
};

outcome<std::string> to_a_label(std::string_view label) {
    if (auto scripts = mixed_scripts(label)) {
        return failure{"label " + quote(label) + " mixes " + *scripts +
                       " letters: a look-alike (confusable) name; write its A-label (xn--...) to scan it anyway"};
    }
    const std::string terminated(label);
    char* raw = nullptr;
    const int rc = idn2_to_ascii_8z(terminated.c_str(), &raw, IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT);
    const std::unique_ptr<char, idn2_deleter> converted(raw);
    if (rc != IDN2_OK || !converted) {
        return failure{"cannot convert " + quote(label) + " to an IDNA A-label: " + idn2_strerror(rc)};
    }
    return to_lower_ascii(converted.get());
}

bool is_label_char(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'; }

std::optional<failure> check_label(std::string_view label, std::string_view name) {
    if (label.empty()) return failure{"empty label in host name " + quote(name)};
    if (label.size() > max_label_bytes) {
        return failure{"label " + quote(label) + " is " + std::to_string(label.size()) +
                       " bytes long; the limit is 63"};
    }
    for (const char c : label) {
        if (!is_label_char(c)) {
            return failure{"invalid character " + quote(std::string_view(&c, 1)) + " in host name " + quote(name)};
        }
    }
    if (label.front() == '-' || label.back() == '-') {
        return failure{"label " + quote(label) + " starts or ends with a hyphen"};
    }
    return std::nullopt;
}

std::optional<failure> validate(std::string_view name) {
    if (name.empty()) return failure{"empty host name"};
    if (name.size() > max_name_bytes) {
        return failure{"host name is " + std::to_string(name.size()) + " bytes long; the limit is 253"};
    }
    std::string_view rest = name;
    std::string_view label;
    for (;;) {
        const std::size_t dot = rest.find('.');
        label = rest.substr(0, dot);
        if (auto bad = check_label(label, name)) return bad;
        if (dot == std::string_view::npos) break;
        rest.remove_prefix(dot + 1);
    }
    if (label.find_first_not_of("0123456789") == std::string_view::npos) {
        return failure{quote(name) + " is neither a valid IPv4 address nor a host name (its last label is numeric)"};
    }
    return std::nullopt;
}

}  // namespace

outcome<std::string> normalise_hostname(std::string_view name) {
    if (!name.empty() && name.back() == '.') name.remove_suffix(1);
    if (name.empty()) return failure{"empty host name"};

    std::string result;
    if (is_ascii(name)) {
        result = to_lower_ascii(name);
    } else {
        // Label by label, so that ASCII labels keep the leniency described in the header.
        std::string_view rest = name;
        for (;;) {
            const std::size_t dot = rest.find('.');
            const std::string_view label = rest.substr(0, dot);
            if (is_ascii(label)) {
                result += to_lower_ascii(label);
            } else {
                auto converted = to_a_label(label);
                if (auto* f = std::get_if<failure>(&converted)) return std::move(*f);
                result += std::get<std::string>(converted);
            }
            if (dot == std::string_view::npos) break;
            result += '.';
            rest.remove_prefix(dot + 1);
        }
        // UTS #46 maps U+3002 and other full stops to '.', so a trailing one shows up now.
        if (!result.empty() && result.back() == '.') result.pop_back();
    }
    if (auto bad = validate(result)) return std::move(*bad);
    return result;
}

}  // namespace tlsaudit::targets::detail
