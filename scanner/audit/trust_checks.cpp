// Checks on the chain as a whole: trust, completeness, order, key and signature strength.

#include "audit/checks.hpp"
#include "text/ascii.hpp"
#include "text/time_text.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

namespace tlsaudit::audit::detail {
namespace {

const examined_cert* at_depth(const context& ctx, int depth) {
    for (const auto& c : ctx.certs)
        if (c.depth == depth) return &c;
    return nullptr;
}

// A served certificate named as `about`'s issuer that the built path did not take.
const examined_cert* unused_served_issuer(const context& ctx, const examined_cert& about) {
    for (const auto& c : ctx.certs)
        if (c.position >= 0 && c.depth < 0 && c.info->subject == about.info->issuer) return &c;
    return nullptr;
}

std::string missing_issuer_message(const context& ctx, const examined_cert* about) {
    const std::string subject = about != nullptr ? describe(*about) : "a certificate";
    const std::string issuer = about != nullptr ? about->info->issuer : "?";
    const auto& unfetched = ctx.in.unfetched;
    const std::string downloads =
        unfetched.empty() ? "" : fmt::format("; --fetch-missing could not download it: {}", fmt::join(unfetched, "; "));
    const examined_cert* served = about != nullptr ? unused_served_issuer(ctx, *about) : nullptr;
    if (served == nullptr)
        return fmt::format(
            "no path to a trusted root: the issuer of {} ({}) was neither served nor found in the "
            "trust store{}",
            subject, issuer, downloads);
    // Served but not taken with the same key (authority key id): OpenSSL did not look there
    // (it takes nothing served above a certificate from its store), or refused it as an
    // issuer; which one the verdict cannot tell, as a stored copy reads as the served one.
    const bool same_key =
        !about->info->authority_key_id.empty() && about->info->authority_key_id == served->info->subject_key_id;
    if (same_key)
        return fmt::format(
            "no path to a trusted root: the issuer of {} ({}) is served at position {} but was not used: when {} is "
            "also in the trust store (an intermediate in a --ca-dir), OpenSSL takes no served certificate above it; "
            "otherwise the served issuer cannot act as one (not a CA, or a key usage without certificate signing){}",
            subject, issuer, served->position, subject, downloads);
    return fmt::format(
        "no path to a trusted root: a certificate named as the issuer of {} ({}) is served at position {}, but "
        "it did not issue it (another key?){}",
        subject, issuer, served->position, downloads);
}

std::string untrusted_message(const context& ctx, const verify_error& e, const examined_cert* about) {
    const std::string subject = about != nullptr ? describe(*about) : "a certificate";
    switch (e.problem) {
    case verify_problem::missing_issuer: return missing_issuer_message(ctx, about);
    case verify_problem::untrusted_root:
        return fmt::format(
            "no path to a trusted root: the chain ends at {}, a self-signed root the trust store "
            "does not hold",
            subject);
    case verify_problem::bad_signature:
        return fmt::format("the signature on {} does not verify with its issuer's key", subject);
    default: break;
    }
    return fmt::format("the chain does not verify at depth {}: {}", e.depth, e.text);
}

bool weak_key(const cert_info& c) {
    if (c.key_bits <= 0) return false;  // unknown size: not judged
    if (c.key_type == "RSA" || c.key_type == "RSA-PSS" || c.key_type == "DSA") return c.key_bits < 2048;
    if (c.key_type == "EC") return c.key_bits < 256;
    return false;
}

bool weak_signature(const cert_info& c) {
    const std::string alg = text::ascii_lower(c.signature_algorithm);
    return alg.find("sha1") != std::string::npos || alg.find("md5") != std::string::npos ||
           alg.find("md2") != std::string::npos;
}

constexpr const char* misordered_remediation =
    "Serve the leaf first, then each intermediate followed by its own issuer.";

// Without a built path, order is judged by names: each certificate after the leaf
// should be the issuer of the one before it.
void check_order_by_names(context& ctx, const std::vector<const examined_cert*>& served) {
    for (std::size_t i = 1; i < served.size(); ++i) {
        const cert_info& child = *served[i - 1]->info;
        if (served[i]->info->subject == child.issuer) continue;
        const bool later = std::any_of(served.begin() + static_cast<long>(i) + 1, served.end(),
                                       [&](const examined_cert* c) { return c->info->subject == child.issuer; });
        if (later) {
            ctx.add("chain-misordered", served[i],
                    fmt::format("the issuer of {} is served later in the chain, not right after it",
                                describe(*served[i - 1])),
                    misordered_remediation);
            return;
        }
    }
}

// Served certificates that made it into the built path must appear in path order.
void check_order_along_path(context& ctx) {
    int last_position = -1;
    for (int depth = 0;; ++depth) {
        const examined_cert* c = at_depth(ctx, depth);
        if (c == nullptr) return;
        if (c->position < 0) continue;
        if (c->position < last_position) {
            ctx.add("chain-misordered", c,
                    fmt::format("{} is served before the certificate it issued; the served order is not leaf, "
                                "issuer, issuer's issuer",
                                describe(*c)),
                    misordered_remediation);
            return;
        }
        last_position = c->position;
    }
}

// Two certificates of one CA: the same name and key (a renewal, or a cross-signed copy).
bool same_ca(const cert_info& a, const cert_info& b) {
    return !a.spki_sha256.empty() && a.spki_sha256 == b.spki_sha256 && a.subject == b.subject;
}

// Served certificates outside the built path: unrelated, unless they share a key with a
// path certificate (cross-signed versions of the same CA are legitimate extras).
void check_extra_certs(context& ctx, const std::vector<const examined_cert*>& served) {
    for (const examined_cert* c : served) {
        // The same certificate again (a chain file with the intermediate twice, or the leaf
        // repeated): one copy is extra, whatever the path.
        const auto first = std::find_if(served.begin(), served.end(), [&](const examined_cert* p) {
            return p->position < c->position && !p->info->sha256.empty() && p->info->sha256 == c->info->sha256;
        });
        if (first != served.end()) {
            ctx.add("chain-extra-certs", c,
                    fmt::format("{} is served twice (first at position {})", describe(*c), (*first)->position),
                    "Remove the repeated certificate from the server's chain file.");
            continue;
        }
        if (c->depth >= 0 || c->position == 0) continue;
        const bool same_key = std::any_of(ctx.certs.begin(), ctx.certs.end(), [&](const examined_cert& p) {
            return p.depth >= 0 && !p.info->spki_sha256.empty() && p.info->spki_sha256 == c->info->spki_sha256;
        });
        if (same_key) {
            // A cross-signed copy is no extra, unless it has expired: a client that builds its
            // path through it (OpenSSL before 1.1.0, old Android) fails, as when Let's Encrypt's
            // DST Root CA X3 cross-sign expired in 2021.
            // An out-of-date copy of a path CA the server does not send otherwise is
            // chain-incomplete's to report (its advice is to replace it, not remove it).
            const bool only_copy = std::any_of(ctx.certs.begin(), ctx.certs.end(), [&](const examined_cert& p) {
                return p.depth > 0 && p.position < 0 && !p.info->self_issued && same_ca(*p.info, *c->info);
            });
            if (ctx.in.at >= c->info->not_after && !only_copy)
                ctx.add("chain-extra-certs", c,
                        fmt::format("{} is served beside the path but expired on {}: clients that build their path "
                                    "through it fail, others ignore it",
                                    describe(*c), text::rfc3339(c->info->not_after)),
                        "Remove the expired certificate from the server's chain file.");
            continue;
        }
        ctx.add("chain-extra-certs", c, fmt::format("{} is served but is not part of the leaf's chain", describe(*c)),
                "Remove certificates that do not belong to this leaf's chain from the server's chain file.");
    }
}

}  // namespace

void check_trust(context& ctx) {
    const chain_verdict* v = ctx.in.verdict;
    if (v == nullptr) return;
    if (!v->leaf_error.empty()) {
        ctx.add("chain-untrusted", &ctx.certs.front(), "the leaf could not be validated: " + v->leaf_error,
                "Serve a well-formed X.509 certificate.");
        return;
    }
    if (v->has(verify_problem::self_signed_leaf)) {
        ctx.add("self-signed", &ctx.certs.front(),
                "the leaf is self-signed and not in the trust store: no client trusts it by default",
                "Deploy a certificate issued by a publicly trusted CA (or an internal CA your clients trust), with "
                "its intermediates.");
    } else {
        for (const auto& e : v->errors) {
            // Dated certificates have their own findings, and so do profile rules (rfc5280-violation).
            if (e.problem == verify_problem::expired || e.problem == verify_problem::not_yet_valid ||
                e.problem == verify_problem::profile_rule)
                continue;
            const examined_cert* about = at_depth(ctx, e.depth);
            ctx.add("chain-untrusted", about, untrusted_message(ctx, e, about),
                    e.problem == verify_problem::missing_issuer
                        ? "Serve the complete chain (leaf, then each intermediate up to, not including, the root)."
                        : "Serve a chain that leads to a root in the clients' trust stores.");
            break;  // one finding says the chain is untrusted; the first reason is the most useful
        }
    }
    // chain-incomplete: the path needed an intermediate the server did not send. A served
    // certificate of the same name and key (the store holds a renewed copy of it) is as
    // good to a client, it checks the same signature, unless it is out of date: then
    // clients without the current copy fail on it.
    const auto valid_now = [&](const examined_cert& c) {
        return ctx.in.at >= c.info->not_before && ctx.in.at < c.info->not_after;
    };
    // A served copy of `c`, a valid one if any is.
    const auto served_copy = [&](const examined_cert& c) -> const examined_cert* {
        const examined_cert* found = nullptr;
        for (const auto& s : ctx.certs) {
            if (s.position < 0 || !same_ca(*s.info, *c.info)) continue;
            if (valid_now(s)) return &s;
            found = &s;
        }
        return found;
    };
    for (const auto& c : ctx.certs) {
        if (c.depth <= 0 || c.position >= 0 || c.info->self_issued) continue;
        const examined_cert* copy = served_copy(c);
        if (copy != nullptr && valid_now(*copy)) continue;
        if (copy != nullptr) {
            ctx.add("chain-incomplete", &c,
                    fmt::format("the server sends only an out-of-date copy of the intermediate {} (position {}, valid "
                                "{} to {}): clients that do not hold a current copy fail the handshake",
                                describe(c), copy->position, text::rfc3339(copy->info->not_before),
                                text::rfc3339(copy->info->not_after)),
                    "Replace the out-of-date intermediate in the served chain with the issuer's current one.");
            continue;
        }
        // Adding a retired intermediate puts it on the wire: the leaf issued under it is to be
        // replaced (deprecated-intermediate says how), not completed.
        const auto retired = std::find_if(ctx.rules.rules.begin(), ctx.rules.rules.end(), [&](const rule& r) {
            return r.kind == rule_kind::retired_intermediate && (!r.retired_on || ctx.in.at >= *r.retired_on) &&
                   r.match.matches_key(*c.info);
        });
        ctx.add("chain-incomplete", &c,
                fmt::format("the server does not send the intermediate {}: clients that cannot find it themselves "
                            "fail the handshake",
                            describe(c)),
                retired == ctx.rules.rules.end()
                    ? "Add the missing intermediate to the served chain (leaf first, then each intermediate in order)."
                    : fmt::format("Do not add it: it is a retired intermediate (rule {}), so the leaf issued under it "
                                  "must be replaced; serve the new certificate with its full current chain.",
                                  retired->id));
    }
}

void check_order(context& ctx) {
    std::vector<const examined_cert*> served;
    for (const auto& c : ctx.certs)
        if (c.position >= 0) served.push_back(&c);
    if (ctx.in.verdict == nullptr) {
        check_order_by_names(ctx, served);
        return;
    }
    check_order_along_path(ctx);
    check_extra_certs(ctx, served);
}

void check_strength(context& ctx) {
    for (const auto& c : ctx.certs) {
        if (!ctx.relevant(c)) continue;
        const cert_info& info = *c.info;
        if (weak_key(info)) {
            ctx.add("weak-key", &c,
                    fmt::format("{} has a weak {}-{} key (minimum: RSA 2048, EC 256)", describe(c), info.key_type,
                                info.key_bits),
                    "Generate a new key pair (RSA 2048+ or ECDSA P-256+) and reissue the certificate.");
        }
        // A root's self-signature is never checked by clients: only the leaf and
        // intermediates matter.
        if (ctx.signature_checked(c) && weak_signature(info)) {
            ctx.add("weak-signature", &c,
                    fmt::format("{} is signed with {}, which clients reject", describe(c), info.signature_algorithm),
                    "Reissue with a SHA-256 (or stronger) signature; replace intermediates signed with SHA-1/MD5.");
        }
    }
}

}  // namespace tlsaudit::audit::detail
