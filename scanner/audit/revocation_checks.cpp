// Revocation verdicts (scanner/revocation's facts: good, revoked or unknown, with the
// source, the reason and the date) made findings.

#include <tlsaudit/audit.hpp>
#include <tlsaudit/finding_catalogue.hpp>

#include <fmt/format.h>

namespace tlsaudit::audit {
namespace {

std::string date_text(const std::optional<time_point>& t) {
    if (!t) return "";
    const auto day = std::chrono::floor<std::chrono::days>(*t);
    const std::chrono::year_month_day ymd{day};
    return fmt::format(" on {:04}-{:02}-{:02}", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                       static_cast<unsigned>(ymd.day()));
}

std::string source_text(const std::string& source) {
    if (source == "stapled") return "the OCSP response stapled by the server";
    if (source == "ocsp") return "the CA's OCSP responder";
    if (source == "crl") return "the CA's CRL";
    return "an unnamed source";
}

cert_ref ref_for(std::size_t index, std::span<const parsed_cert> certs) {
    cert_ref ref;
    ref.position = static_cast<int>(index);
    if (index < certs.size() && certs[index].info) {
        ref.subject = certs[index].info->subject;
        ref.sha256 = certs[index].info->sha256;
    }
    return ref;
}

finding make_finding(known_finding kind, severity level, std::size_t index, std::span<const parsed_cert> certs,
                     std::string message, std::string remediation, const catalogue& rules) {
    finding f;
    f.id = kind.id();
    f.level = rules.level_of(f.id, level);
    f.cert = ref_for(index, certs);
    f.message = std::move(message);
    f.remediation = std::move(remediation);
    return f;
}

}  // namespace

std::vector<finding> audit_revocation(std::span<const std::optional<revocation_status>> statuses,
                                      std::span<const parsed_cert> certs, bool hard, const catalogue& rules) {
    std::vector<finding> out;
    for (std::size_t i = 0; i < statuses.size(); ++i) {
        if (!statuses[i]) continue;
        const revocation_status& s = *statuses[i];
        const std::string what = i == 0 ? "The leaf certificate" : fmt::format("The certificate at position {}", i);
        if (s.state == "revoked") {
            constexpr known_finding kind = "leaf-revoked";
            out.push_back(make_finding(
                kind, kind.default_level(), i, certs,
                fmt::format("{} is revoked ({}{}), according to {}.", what,
                            s.reason.empty() ? "no reason given" : s.reason, date_text(s.revoked_at),
                            source_text(s.source)),
                "Replace the certificate now with a newly issued one (new key if the reason is keyCompromise) "
                "and deploy it on every server that serves this one.",
                rules));
        } else if (s.state == "unknown" && (hard || s.reason != no_revocation_source_reason)) {
            constexpr known_finding kind = "revocation-unknown";
            out.push_back(make_finding(
                kind, hard ? severity::high : kind.default_level(), i, certs,  // --revocation hard: unknown fails
                fmt::format("{}: revocation status unknown: {}.", what, s.reason),
                "Enable OCSP stapling on the server, and check that the CA's OCSP responder or CRL distribution "
                "point is reachable over http:// from the scanner.",
                rules));
        }
        if (!s.staple_rejected.empty()) {
            constexpr known_finding kind = "ocsp-staple-unusable";
            out.push_back(make_finding(
                kind, kind.default_level(), i, certs,
                fmt::format("{}: the server staples an OCSP response that cannot be used ({}){}.", what,
                            s.staple_rejected,
                            s.state == "unknown" ? std::string()
                                                 : fmt::format("; {} says it is {}", source_text(s.source), s.state)),
                "Fix the server's OCSP stapling: it must staple a current response for this very certificate "
                "(nginx: drop a stale ssl_stapling_file, or let ssl_stapling fetch it and reload after a "
                "certificate change). Firefox refuses a connection with an expired staple.",
                rules));
        }
    }
    return out;
}

}  // namespace tlsaudit::audit
