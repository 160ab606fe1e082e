// hostname_matches: RFC 6125 reference identity checks, as browsers apply them.

#include "text/ascii.hpp"
#include <tlsaudit/audit.hpp>

#include <arpa/inet.h>
#include <libpsl.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>

namespace tlsaudit::audit {
namespace {

std::string lower_without_trailing_dot(std::string_view name) {
    if (name.ends_with('.')) name.remove_suffix(1);
    return text::ascii_lower(name);
}

// The 4 or 16 bytes of an IP literal; nullopt when `text` is not one.
std::optional<std::vector<unsigned char>> ip_bytes(std::string_view text) {
    std::string s(text);
    if (s.size() > 2 && s.front() == '[' && s.back() == ']') s = s.substr(1, s.size() - 2);
    std::array<unsigned char, 16> buffer{};
    if (inet_pton(AF_INET, s.c_str(), buffer.data()) == 1)
        return std::vector<unsigned char>(buffer.begin(), buffer.begin() + 4);
    if (inet_pton(AF_INET6, s.c_str(), buffer.data()) == 1)
        return std::vector<unsigned char>(buffer.begin(), buffer.end());
    return std::nullopt;
}

// Whether `domain` is a public suffix of the ICANN section of the Public Suffix List
// (libpsl's compiled-in copy: no file is read). Names under an unlisted top-level domain
// count by the list's implicit "*" rule ("example" is, "lab.example" is not).
bool icann_public_suffix(std::string_view domain) {
    static const psl_ctx_t* const list = psl_builtin();
    if (list == nullptr) return false;
    const std::string text(domain);
    return psl_is_public_suffix2(list, text.c_str(), PSL_TYPE_ICANN) != 0;
}

// One presented dNSName against the reference name (both lower case, no trailing dot).
// `browser`: as Chrome, a wildcard over a public suffix ("*.co.uk") matches nothing.
bool dns_name_matches(std::string_view pattern, std::string_view name, bool browser) {
    if (pattern.empty() || name.empty()) return false;
    if (pattern.find('\0') != std::string_view::npos) return false;  // embedded NUL: never a match
    if (pattern == name) return true;
    // A wildcard only as the complete left-most label, followed by at least two labels
    // ("*.example.com", never "*.com", "w*.example.com" or "*.*.example.com").
    if (pattern.size() < 3 || pattern[0] != '*' || pattern[1] != '.') return false;
    const std::string_view rest = pattern.substr(1);  // ".example.com"
    if (rest.find('*') != std::string_view::npos) return false;
    if (std::count(rest.begin(), rest.end(), '.') < 2) return false;
    const auto dot = name.find('.');
    if (dot == std::string_view::npos || dot == 0) return false;  // the wildcard covers one non-empty label
    if (name.substr(dot) != rest) return false;
    return !browser || !icann_public_suffix(rest.substr(1));
}

}  // namespace

bool hostname_matches(const cert_info& leaf, std::string_view name, validation_profile profile) {
    const std::string reference = lower_without_trailing_dot(name);
    if (reference.empty()) return false;
    if (const auto ip = ip_bytes(reference)) {
        // IP literals match iPAddress SANs only (never a dNSName or the CN).
        return std::any_of(leaf.ip_addresses.begin(), leaf.ip_addresses.end(),
                           [&](const std::string& san) { return ip_bytes(san) == ip; });
    }
    if (!leaf.dns_names.empty() || !leaf.ip_addresses.empty()) {
        return std::any_of(leaf.dns_names.begin(), leaf.dns_names.end(), [&](const std::string& san) {
            return dns_name_matches(lower_without_trailing_dot(san), reference, profile == validation_profile::browser);
        });
    }
    // No SAN at all: the subject CN is the legacy fallback (exact or wildcard), which
    // browsers no longer apply.
    if (profile == validation_profile::browser) return false;
    return dns_name_matches(lower_without_trailing_dot(leaf.subject_cn), reference, false);
}

}  // namespace tlsaudit::audit
