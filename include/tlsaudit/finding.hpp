#pragma once
// Findings: what the audit stage concludes about an endpoint or a name (see the finding
// catalogue, finding_catalogue.hpp, and docs/findings.md). Plain data shared by audit,
// revocation and report.

#include <tlsaudit/model.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tlsaudit {

enum class severity { info = 0, low = 1, medium = 2, high = 3, critical = 4 };

inline std::string_view to_string(severity s) {
    switch (s) {
    case severity::info: return "info";
    case severity::low: return "low";
    case severity::medium: return "medium";
    case severity::high: return "high";
    case severity::critical: return "critical";
    }
    return "info";
}

// Parses "info", "low", "medium", "high", "critical"; nullopt otherwise.
inline std::optional<severity> parse_severity(std::string_view text) {
    for (auto s : {severity::info, severity::low, severity::medium, severity::high, severity::critical})
        if (to_string(s) == text) return s;
    return std::nullopt;
}

// The certificate a finding is about.
struct cert_ref {
    int position = -1;  // index in the served chain; -1: not served (found in the trust store / via AIA)
    std::string subject;
    std::string sha256;
};

struct finding {
    std::string id;  // stable id from the catalogue, e.g. "deprecated-intermediate"
    severity level = severity::info;
    std::optional<cert_ref> cert;
    std::string message;  // for people; may quote server-controlled text (escape when rendering)
    std::string remediation;
    std::string rule;  // id of the catalogue rule that raised it ("" for built-in checks)
    // The chain it is about: 0 the endpoint's chain (capture::chain), k its
    // capture::other_chains[k-1] (served to other probes' clients).
    int chain = 0;
};

// The revocation verdict on one certificate: a fact found by scanner/revocation, which
// the audit (audit::audit_revocation) turns into findings.
struct revocation_status {
    std::string state;   // "good", "revoked", "unknown"
    std::string source;  // "stapled", "ocsp", "crl", "" when nothing answered
    std::string reason;  // revoked: CRL reason ("keyCompromise", ...); unknown: why
    std::optional<time_point> revoked_at;
    // Why the server's stapled response was not used (expired, for another certificate, a
    // bad signature, tryLater, ...) whatever answered instead; empty when none was stapled
    // or it was used.
    std::string staple_rejected;
};

// The reason of an "unknown" status for a certificate that names no OCSP responder and
// no CRL distribution point (and had nothing stapled): there was nothing to ask, which
// is not a failure (private PKIs and short-lived certificates carry no pointers).
inline constexpr std::string_view no_revocation_source_reason =
    "no revocation source: the certificate names no OCSP responder and no CRL distribution point";

}  // namespace tlsaudit
