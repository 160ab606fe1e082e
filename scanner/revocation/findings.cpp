#include <tlsaudit/finding_catalogue.hpp>
#include <tlsaudit/revocation.hpp>

#include <fmt/format.h>

namespace tlsaudit::revocation {
namespace {

std::string date_text(const std::optional<time_point>& t) {
    if (!t) return "";
    const auto day = std::chrono::floor<std::chrono::days>(*t);
    const std::chrono::year_month_day ymd{day};
    return fmt::format(" on {:04}-{:02}-{:02}", static_cast<int>(ymd.year()),
                       static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
}

std::string source_text(const std::string& source) {
    if (source == "stapled") return "the OCSP response stapled by the server";
    if (source == "ocsp") return "the CA's OCSP responder";
    if (source == "crl") return "the CA's CRL";
    return "an unnamed source";
}

cert_ref ref_for(std::size_t index, const std::vector<parsed_cert>& certs) {
    cert_ref ref;
    ref.position = static_cast<int>(index);
    if (index < certs.size() && certs[index].info) {
        ref.subject = certs[index].info->subject;
        ref.sha256 = certs[index].info->sha256;
    }
    return ref;
}

}  // namespace

std::string_view to_string(method m) noexcept { return m == method::ocsp ? "ocsp" : "crl"; }

std::optional<std::vector<method>> parse_order(std::string_view text) {
    if (text == "ocsp,crl" || text == "ocsp-first") return std::vector{method::ocsp, method::crl};
    if (text == "crl,ocsp" || text == "crl-first") return std::vector{method::crl, method::ocsp};
    if (text == "ocsp") return std::vector{method::ocsp};
    if (text == "crl") return std::vector{method::crl};
    return std::nullopt;
}

std::vector<finding> findings_for(const chain_status& status, const std::vector<parsed_cert>& certs,
                                  bool hard) {
    std::vector<finding> out;
    for (std::size_t i = 0; i < status.size(); ++i) {
        if (!status[i]) continue;
        const revocation_status& s = *status[i];
        const std::string what = i == 0 ? "The leaf certificate" : fmt::format("The certificate at position {}", i);
        if (s.state == "revoked") {
            constexpr known_finding kind = "leaf-revoked";
            finding f;
            f.id = kind.id();
            f.level = kind.default_level();
            f.cert = ref_for(i, certs);
            f.message = fmt::format("{} is revoked ({}{}), according to {}.", what,
                                    s.reason.empty() ? "no reason given" : s.reason, date_text(s.revoked_at),
                                    source_text(s.source));
            f.remediation = "Replace the certificate now with a newly issued one (new key if the reason "
                            "is keyCompromise) and deploy it on every server that serves this one.";
            out.push_back(std::move(f));
        } else if (s.state == "unknown" && (hard || s.reason != no_source_reason)) {
            constexpr known_finding kind = "revocation-unknown";
            finding f;
            f.id = kind.id();
            f.level = hard ? severity::high : kind.default_level();  // --revocation hard: unknown fails
            f.cert = ref_for(i, certs);
            f.message = fmt::format("{}: revocation status unknown: {}.", what, s.reason);
            f.remediation = "Enable OCSP stapling on the server, and check that the CA's OCSP responder "
                            "or CRL distribution point is reachable over http:// from the scanner.";
            out.push_back(std::move(f));
        }
    }
    return out;
}

}  // namespace tlsaudit::revocation
