// Catalogue rules: retired intermediates, distrusted CAs, discontinued issuers.
//
// Rules match the identities of certificates (SHA-256 fingerprint or SPKI SHA-256), not
// signatures. A retired intermediate counts anywhere in the served chain or the built
// path; distrust and discontinuation follow the chain's anchoring, decided by the CA
// certificates of the built path (every served certificate when there is no verdict). A certificate that only carries a
// rule's name (same subject CN, different key) is reported apart, at a low severity.

#include "audit/checks.hpp"
#include "text/time_text.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace tlsaudit::audit::detail {
namespace {

std::vector<std::pair<std::string, std::string>> placeholders(const examined_cert* matched, const cert_info& leaf) {
    std::vector<std::pair<std::string, std::string>> values{{"leaf_not_after", text::rfc3339(leaf.not_after)}};
    if (matched != nullptr) {
        values.emplace_back("subject", matched->info->subject);
        values.emplace_back("sha256", matched->info->sha256);
        values.emplace_back("not_before", text::rfc3339(matched->info->not_before));
        values.emplace_back("not_after", text::rfc3339(matched->info->not_after));
    }
    return values;
}

// The first CA certificate of the path (not the leaf) that matches the rule by key or
// fingerprint. Served certificates outside the built path do not anchor anything.
const examined_cert* anchor_match(const context& ctx, const rule& r) {
    for (const auto& c : ctx.certs)
        if (c.position != 0 && ctx.relevant(c) && r.match.matches_key(*c.info)) return &c;
    return nullptr;
}

// Whether `leaf` was signed by (a certificate with the key of) `ca`: by key identifier
// when both carry one, else by name.
bool issued_by(const cert_info& leaf, const cert_info& ca) {
    if (!leaf.authority_key_id.empty() && !ca.subject_key_id.empty()) return leaf.authority_key_id == ca.subject_key_id;
    return leaf.issuer == ca.subject;
}

// The fix depends on how the retired intermediate got into the chain: a certificate issued
// under it needs reissuing; a newer certificate served beside it needs only a new chain
// file; an intermediate the clients reach only on another path needs the current chain served.
void retired_intermediate_found(context& ctx, const rule& r, const examined_cert& c) {
    const cert_info& leaf = *ctx.leaf;
    auto values = placeholders(&c, leaf);
    values.emplace_back("leaf_issuer", leaf.issuer_cn.empty() ? leaf.issuer : leaf.issuer_cn);
    std::string how;
    std::string fix;
    if (issued_by(leaf, *c.info)) {
        how = "the leaf was issued under it";
        fix = r.remediation;
    } else if (c.position == 0) {
        // Served first, in the leaf's place (a misordered chain, or the CA file checked alone).
        how = "it is served first, in the leaf's place";
        fix = r.remediation;
    } else if (c.position > 0) {
        how = "the leaf was issued by {leaf_issuer}, and the retired intermediate is served beside it";
        fix = !r.remediation_beside.empty()
                  ? r.remediation_beside
                  : "The certificate is current; the chain file is old: remove {subject} from the served chain and "
                    "serve the leaf with its own issuer ({leaf_issuer}). No reissue is needed.";
    } else {
        how =
            "the leaf was issued by {leaf_issuer}; the retired intermediate is only on another path to a root "
            "(from the trust store or fetched)";
        fix = !r.remediation_alternative.empty()
                  ? r.remediation_alternative
                  : "No reissue is needed: serve the leaf with its current issuer ({leaf_issuer}) and that issuer's "
                    "chain, so clients do not build the path through {subject}.";
    }
    ctx.add(r, &c,
            expand(r.message, values) + "; " + expand(how, values) + "; matched " + describe(c) + " by fingerprint/key",
            expand(fix, values));
}

void retired_intermediate(context& ctx, const rule& r) {
    if (r.retired_on && ctx.in.at < *r.retired_on) return;  // judged before the retirement (--at)
    const cert_info& leaf = *ctx.leaf;
    // The leaf's own issuer first: when it is the retired one, that is the case to fix; the
    // certificate served first only when it is the retired one itself.
    // Of equals (the intermediate served twice), the first served.
    const examined_cert* found = nullptr;
    for (const auto& c : ctx.certs) {
        if (!r.match.matches_key(*c.info)) continue;
        if (found == nullptr || found->position == 0 || (issued_by(leaf, *c.info) && !issued_by(leaf, *found->info)))
            found = &c;
    }
    if (found != nullptr) {
        retired_intermediate_found(ctx, r, *found);
        return;
    }
    for (const auto& c : ctx.certs) {
        if (!r.match.matches_name(*c.info)) continue;
        // Another rule (a user's rule for a look-alike or a re-keyed copy) names it by key
        // and reports it: "a look-alike, not the retired one" would contradict that finding.
        if (std::any_of(ctx.rules.rules.begin(), ctx.rules.rules.end(), [&](const rule& other) {
                return other.kind == rule_kind::retired_intermediate && other.match.matches_key(*c.info);
            }))
            continue;
        // A rule that names fingerprints only says nothing of keys: the certificate may be
        // another issue under the same key (a cross-sign, a renewal).
        const bool keys_named = !r.match.spki_sha256.empty();
        ctx.add("deprecated-intermediate-unconfirmed", r.name_only_level, &c,
                fmt::format("{} has the name of a retired intermediate (rule {}) but {}", describe(c), r.id,
                            keys_named ? "neither its fingerprint nor its key: a look-alike or re-keyed certificate, "
                                         "not the retired one"
                                       : "not its fingerprint (the rule names no key): another issue of that name, "
                                         "maybe under the same key, not the certificate the rule names"),
                "Check who issued this certificate; if it is meant to be the retired CA, treat the chain as "
                "deprecated-intermediate.",
                r.id);
        return;
    }
    // The leaf names the retired CA as its issuer, but the issuer is not available.
    const bool issuer_known = std::any_of(ctx.certs.begin(), ctx.certs.end(), [&](const examined_cert& c) {
        return c.position != 0 && c.info->subject == leaf.issuer;
    });
    if (!issuer_known && !leaf.issuer_cn.empty() &&
        std::find(r.match.subject_cn.begin(), r.match.subject_cn.end(), leaf.issuer_cn) != r.match.subject_cn.end()) {
        ctx.add("deprecated-intermediate-unconfirmed", r.name_only_level, &ctx.certs.front(),
                fmt::format("the leaf names '{}' (rule {}) as its issuer, but the issuer certificate was neither "
                            "served nor found, so the match cannot be confirmed by key",
                            leaf.issuer_cn, r.id),
                "Run again with the issuer available (--ca-file with the intermediate, or --fetch-missing); if it is "
                "the retired intermediate: " +
                    expand(r.remediation, placeholders(nullptr, leaf)),
                r.id);
    }
}

void distrusted_ca(context& ctx, const rule& r) {
    const cert_info& leaf = *ctx.leaf;
    if (leaf.is_ca) return;  // the cut-offs apply to TLS server certificates
    const examined_cert* anchor = anchor_match(ctx, r);
    if (anchor == nullptr) return;
    std::string programs;
    for (const auto& p : r.programs) {
        const auto outcome = program_applies(p, leaf, ctx.in.at);
        if (!outcome) continue;
        if (!programs.empty()) programs += ", ";
        programs += fmt::format("{} ({})", p.name, outcome->why);
    }
    if (programs.empty()) return;
    auto values = placeholders(anchor, leaf);
    values.emplace_back("programs", programs);
    ctx.add(r, &ctx.certs.front(), expand(r.message, values) + "; the chain contains " + describe(*anchor),
            expand(r.remediation, values));
}

void discontinued_issuer(context& ctx, const rule& r) {
    const examined_cert* anchor = anchor_match(ctx, r);
    if (anchor == nullptr || ctx.leaf->is_ca) return;
    const auto values = placeholders(anchor, *ctx.leaf);
    ctx.add(r, &ctx.certs.front(), expand(r.message, values) + "; the chain contains " + describe(*anchor),
            expand(r.remediation, values));
}

}  // namespace

std::optional<time_point> since_time(const std::string& since) {
    return since.size() == 7 ? parse_time(since + "-01") : parse_time(since);
}

std::optional<program_outcome> program_applies(const distrust_program& p, const cert_info& leaf, time_point at) {
    // A removal or blocklisting dated after the evaluation time (--at) had not happened yet.
    if (p.basis == distrust_basis::blocklist || p.basis == distrust_basis::removed) {
        const auto since = since_time(p.since);
        if (since && at < *since) return std::nullopt;
    }
    switch (p.basis) {
    case distrust_basis::blocklist:
        return program_outcome{p.since.empty() ? "the root is on its blocklist" : "blocklisted since " + p.since,
                               p.since};
    case distrust_basis::removed:
        return program_outcome{p.since.empty() ? "the root was removed from its store"
                                               : std::string("the root was removed from its store ") +
                                                     (p.since.size() == 7 ? "in " : "on ") + p.since,
                               p.since};
    case distrust_basis::not_before:
    case distrust_basis::earliest_sct: break;
    }
    const bool by_sct = p.basis == distrust_basis::earliest_sct && leaf.earliest_sct.has_value();
    const std::chrono::sys_time<std::chrono::milliseconds> issued = by_sct ? *leaf.earliest_sct : leaf.not_before;
    if (issued <= p.after) return std::nullopt;
    return program_outcome{fmt::format("{} {} is after {}", by_sct ? "earliest SCT" : "notBefore",
                                       text::rfc3339(issued), text::rfc3339(p.after)),
                           text::rfc3339(p.after)};
}

void check_rules(context& ctx) {
    for (const auto& r : ctx.rules.rules) {
        switch (r.kind) {
        case rule_kind::retired_intermediate: retired_intermediate(ctx, r); break;
        case rule_kind::distrusted_ca: distrusted_ca(ctx, r); break;
        case rule_kind::discontinued_issuer: discontinued_issuer(ctx, r); break;
        case rule_kind::root_removal: break;  // judged with the per-program verdicts (check_programs)
        }
    }
}

}  // namespace tlsaudit::audit::detail
