#include <tlsaudit/revocation.hpp>

namespace tlsaudit::revocation {

std::string_view to_string(method m) noexcept { return m == method::ocsp ? "ocsp" : "crl"; }

std::optional<std::vector<method>> parse_order(std::string_view text) {
    if (text == "ocsp,crl" || text == "ocsp-first") return std::vector{method::ocsp, method::crl};
    if (text == "crl,ocsp" || text == "crl-first") return std::vector{method::crl, method::ocsp};
    if (text == "ocsp") return std::vector{method::ocsp};
    if (text == "crl") return std::vector{method::crl};
    return std::nullopt;
}

}  // namespace tlsaudit::revocation
