#include "crl_reason.hpp"

#include <fmt/format.h>

#include <array>

namespace tlsaudit::revocation::detail {

std::string reason_name(int code) {
    // RFC 5280 5.3.1; 7 is unused.
    static constexpr std::array<const char*, 11> names{
        "unspecified",   "keyCompromise",        "cACompromise",    "affiliationChanged",
        "superseded",    "cessationOfOperation", "certificateHold", "",
        "removeFromCRL", "privilegeWithdrawn",   "aACompromise"};
    if (code >= 0 && code < static_cast<int>(names.size()) && names[static_cast<std::size_t>(code)][0] != '\0')
        return names[static_cast<std::size_t>(code)];
    return fmt::format("reason {}", code);
}

}  // namespace tlsaudit::revocation::detail
