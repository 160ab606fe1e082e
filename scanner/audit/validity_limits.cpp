// Baseline Requirements validity limits, by the leaf's notBefore (which stands in for the
// issuance date: the BRs keep it within 48 hours of signing).

#include <tlsaudit/validity_limits.hpp>

#include "audit/checks.hpp"
#include "text/time_text.hpp"

#include <fmt/format.h>

namespace tlsaudit::audit {

long long validity_days(const cert_info& cert) {
    // Inclusive of both ends; any part of a day counts as a day.
    const long long seconds = (cert.not_after - cert.not_before).count() + 1;
    if (seconds <= 0) return 0;
    return (seconds + 86399) / 86400;
}

const validity_limit* limit_for(const catalogue& rules, time_point issued) {
    const validity_limit* found = nullptr;
    for (const auto& l : rules.validity_limits)
        if (l.from <= issued) found = &l;
    return found;
}

namespace detail {

void check_validity_limit(context& ctx) {
    const cert_info& leaf = *ctx.leaf;
    // A CA certificate served as the leaf is not a subscriber certificate, and a private PKI's
    // leaf is not held to the Baseline Requirements: the limits are not theirs.
    if (leaf.is_ca) return;
    if (ctx.in.verdict != nullptr && ctx.in.verdict->trusted && ctx.judgement().private_pki) return;
    const validity_limit* limit = limit_for(ctx.rules, leaf.not_before);  // null: before the first limit
    const long long days = validity_days(leaf);
    if (limit != nullptr && days > limit->max_days) {
        ctx.add("validity-too-long", &ctx.certs.front(),
                fmt::format("the leaf is valid for {} days (notBefore {}, notAfter {}); certificates issued from {} "
                            "may be valid for at most {} days ({})",
                            days, text::rfc3339(leaf.not_before), text::rfc3339(leaf.not_after),
                            text::rfc3339(limit->from).substr(0, 10), limit->max_days, limit->source),
                fmt::format("Replace it with a certificate valid for at most {} days: clients that enforce the "
                            "Baseline Requirements reject longer ones, and a CA that issued it broke them.",
                            limit->max_days));
    }
    // The next certificate is due by notAfter (now, for an expired leaf); if a lower limit
    // applies by then, say so now.
    const bool expired = ctx.in.at >= leaf.not_after;
    const validity_limit* next = limit_for(ctx.rules, expired ? ctx.in.at : leaf.not_after);
    if (next != nullptr && next != limit && days > next->max_days) {
        ctx.add("validity-next-limit", &ctx.certs.front(),
                fmt::format("the leaf {} on {}, {} the maximum validity {} to {} days on {} ({})",
                            expired ? "expired" : "expires", text::rfc3339(leaf.not_after), expired ? "and" : "after",
                            expired ? "dropped" : "drops", next->max_days, text::rfc3339(next->from).substr(0, 10),
                            next->source),
                fmt::format("Plan for the replacement to be valid for at most {} days (and renewed that often): "
                            "automate renewal (ACME) if it is manual today.",
                            next->max_days));
    }
}

}  // namespace detail
}  // namespace tlsaudit::audit
