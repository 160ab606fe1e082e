#pragma once
// What one source (stapled response, live OCSP, CRL) concluded about one certificate.
// Private to scanner/revocation.

#include <tlsaudit/finding.hpp>
#include <tlsaudit/model.hpp>

#include <chrono>
#include <optional>

namespace tlsaudit::revocation::detail {

// Inputs to every freshness judgement (thisUpdate / nextUpdate).
struct freshness {
    time_point now{};
    std::chrono::seconds skew{300};
    std::chrono::seconds max_age_without_next_update{7 * 24 * 3600};
};

struct verdict {
    revocation_status status;               // state "good", "revoked" or "unknown"
    std::optional<time_point> next_update;  // definitive answers: valid until then

    bool definitive() const { return status.state == "good" || status.state == "revoked"; }
};

inline verdict unknown_verdict(std::string why) {
    verdict v;
    v.status.state = "unknown";
    v.status.reason = std::move(why);
    return v;
}

}  // namespace tlsaudit::revocation::detail
