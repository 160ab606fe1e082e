// Per-program verdicts: Mozilla's store plus the catalogue's program entries, judged on
// the CA certificates of the built path (the served ones when there is no verdict).
//
// Mozilla's store is keyed by fingerprint and by key: a cross-signed or re-issued copy of
// a root on the path (same key) counts as that root, as it does when Firefox builds its
// own path. The walk goes up from the leaf's issuer and stops at the first root Mozilla
// trusts for websites, so an old root above a newer cross-signed one does not matter.

#include <tlsaudit/program_trust.hpp>

#include "audit/checks.hpp"
#include "audit/mozilla_store_data.hpp"
#include "text/time_text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

namespace tlsaudit::audit {
namespace {

constexpr std::string_view firefox = "Firefox";

// The CA certificates above the leaf, nearest first.
std::vector<const cert_info*> path_cas(const chain_input& in) {
    std::vector<const cert_info*> out;
    if (in.verdict != nullptr) {
        for (std::size_t d = 1; d < in.verdict->path.size(); ++d) out.push_back(&in.verdict->path[d].info);
        return out;
    }
    for (std::size_t i = 1; i < in.certs.size(); ++i)
        if (in.certs[i].info) out.push_back(&*in.certs[i].info);
    return out;
}

std::string name_of(const cert_info& c) { return c.subject_cn.empty() ? c.subject : c.subject_cn; }

// "in April 2025" for a month, "on 2023-11-13" for a day.
std::string when(const std::string& since) {
    static constexpr std::array<const char*, 12> months{"January",   "February", "March",    "April",
                                                        "May",       "June",     "July",     "August",
                                                        "September", "October",  "November", "December"};
    if (since.size() == 7) {
        const int month = std::stoi(since.substr(5, 2));
        if (month >= 1 && month <= 12)
            return fmt::format("in {} {}", months[static_cast<std::size_t>(month - 1)], since.substr(0, 4));
    }
    return since.empty() ? std::string() : "on " + since;
}

// A catalogue entry of `program` that catches the leaf, with the CA it matched.
struct rule_hit {
    const rule* r = nullptr;
    const distrust_program* p = nullptr;
    const cert_info* anchor = nullptr;
    detail::program_outcome outcome;
};

std::optional<rule_hit> find_rule_hit(const std::vector<const cert_info*>& cas, const cert_info& leaf, time_point at,
                                      const catalogue& rules, const std::string& program) {
    std::optional<rule_hit> dated;
    for (const auto& r : rules.rules) {
        if (r.kind != rule_kind::distrusted_ca && r.kind != rule_kind::root_removal) continue;
        const auto anchor =
            std::find_if(cas.begin(), cas.end(), [&](const cert_info* c) { return r.match.matches_key(*c); });
        if (anchor == cas.end()) continue;
        for (const auto& p : r.programs) {
            if (p.root_program() != program) continue;
            auto outcome = detail::program_applies(p, leaf, at);
            if (!outcome) continue;
            rule_hit hit{&r, &p, *anchor, std::move(*outcome)};
            // Removal and blocklist apply whatever the date: they say more than a cut-off.
            if (p.basis == distrust_basis::removed || p.basis == distrust_basis::blocklist) return hit;
            if (!dated) dated = std::move(hit);
        }
    }
    return dated;
}

// The catalogue dates this root's removal from Mozilla's store after `at`: at that time
// Mozilla still trusted it, whatever today's store says.
bool removed_later(const cert_info& ca, time_point at, const catalogue& rules) {
    for (const auto& r : rules.rules) {
        if (r.kind != rule_kind::root_removal || !r.match.matches_key(ca)) continue;
        for (const auto& p : r.programs) {
            const auto since = detail::since_time(p.since);
            if (p.root_program() == "mozilla" && since && at < *since) return true;
        }
    }
    return false;
}

program_verdict from_rule(const std::string& program, const rule_hit& hit) {
    const bool removed = hit.p->basis == distrust_basis::removed;
    return program_verdict{program, removed ? "untrusted" : "distrusted",
                           fmt::format("{}: {} ({} {})", hit.p->name, hit.outcome.why,
                                       hit.anchor->self_issued ? "root" : "CA", name_of(*hit.anchor)),
                           hit.outcome.date, hit.r->id};
}

program_verdict system_verdict(const chain_input& in) {
    if (in.verdict == nullptr) return {"system", "unknown", "the chain was not validated", {}, {}};
    if (in.verdict->trusted) {
        const std::string anchor = in.verdict->path.empty() ? "?" : name_of(in.verdict->path.back().info);
        return {"system", "trusted", "the trust store of this run anchors the chain at " + anchor, {}, {}};
    }
    const std::string why = in.verdict->errors.empty() ? in.verdict->leaf_error : in.verdict->errors.front().text;
    return {"system", "untrusted", "the validation failed: " + why, {}, {}};
}

}  // namespace

namespace detail {

// The Mozilla verdict and whether it deserves root-program-untrusted (the cases no
// issuer-distrusted rule finding already reports), with the finding's texts.
struct mozilla_judgement {
    program_verdict verdict;
    bool report = false;
    std::string message;        // after "Firefox: "
    std::string remediation;    // "" for the generic one
    bool private_root = false;  // the path ends at a root the store does not hold (no Mozilla entry caught it)
};

// The first error that breaks the path itself whatever the anchor: a signature that does
// not verify, or a constraint or purpose it violates. Validity dates are judged apart.
const verify_error* broken_path_error(const chain_input& in) {
    if (in.verdict == nullptr) return nullptr;
    for (const auto& e : in.verdict->errors)
        if (e.problem == verify_problem::bad_signature || e.problem == verify_problem::other) return &e;
    return nullptr;
}

// Firefox's verdict on a path that does not verify but names `what` (a root, a CA): it
// reaches it by name only and is rejected as by any client (chain-untrusted says so).
mozilla_judgement not_verified(const std::string& what, const verify_error& broken) {
    return {{"mozilla",
             "untrusted",
             fmt::format("the path names {}, but it does not verify ({})", what, broken.text),
             {},
             {}},
            false,
            {},
            {}};
}

mozilla_judgement judge_mozilla(const chain_input& in, const cert_info& leaf, const catalogue& rules,
                                const mozilla_store& store) {
    auto cas = path_cas(in);
    // Firefox's walk ends at the first root it trusts for websites: the rules of CAs above
    // it (an old root above its cross-signed successor) decide nothing.
    const auto reached = std::find_if(cas.begin(), cas.end(), [&](const cert_info* ca) {
        const mozilla_root* root = store.find(*ca);
        return root != nullptr && (root->websites || removed_later(*ca, in.at, rules));
    });
    if (reached != cas.end()) cas.erase(reached + 1, cas.end());
    if (const auto hit = find_rule_hit(cas, leaf, in.at, rules, "mozilla")) {
        // Untrusted as any path that does not verify (docs/findings.md), not that CA's distrust.
        if (const auto* broken = broken_path_error(in)) return not_verified("the CA " + name_of(*hit->anchor), *broken);
        mozilla_judgement j{from_rule("mozilla", *hit), false, {}, {}};
        if (hit->r->kind == rule_kind::root_removal) {
            j.report = true;
            j.message = fmt::format("the root {} lost websites trust{}{}", name_of(*hit->anchor),
                                    hit->p->since.empty() ? "" : " ", when(hit->p->since));
            j.remediation = hit->r->remediation;
        }
        return j;
    }
    const mozilla_root* without_websites = nullptr;
    for (const cert_info* ca : cas) {
        const mozilla_root* root = store.find(*ca);
        if (root == nullptr) continue;
        if (!root->websites && !removed_later(*ca, in.at, rules)) {
            if (without_websites == nullptr) without_websites = root;
            continue;
        }
        if (root->distrust_after && leaf.not_before > *root->distrust_after) {
            const std::string date = text::rfc3339(*root->distrust_after);
            mozilla_judgement j{{"mozilla",
                                 "distrusted",
                                 fmt::format("notBefore {} is after the distrust-after date {} of the root {}",
                                             text::rfc3339(leaf.not_before), date, root->label),
                                 date,
                                 {}},
                                true,
                                {},
                                {}};
            j.message = fmt::format("leaves under the root {} issued after {} are distrusted (notBefore {})",
                                    root->label, date, text::rfc3339(leaf.not_before));
            return j;
        }
        // The anchor is Mozilla's, but the path does not verify.
        if (const auto* broken = broken_path_error(in)) return not_verified("the root " + root->label, *broken);
        const std::string how =
            root->websites ? ", trusted for websites" : ", trusted for websites at the evaluation time (removed later)";
        return {{"mozilla", "trusted", "anchors at the root " + root->label + how, {}, {}}, false, {}, {}};
    }
    if (without_websites != nullptr) {
        mozilla_judgement j{{"mozilla",
                             "untrusted",
                             "the root " + without_websites->label + " is in Mozilla's store of " + store.date +
                                 " without websites trust",
                             {},
                             {}},
                            true,
                            {},
                            {}};
        j.message = fmt::format("the root {} has no websites trust in Mozilla's store of {}", without_websites->label,
                                store.date);
        return j;
    }
    // Neither the store nor the catalogue knows the root: a private CA (--ca-file) or one
    // Mozilla never held. Reported in the verdict only: a private PKI is not a finding.
    const bool complete = in.verdict != nullptr ? in.verdict->trusted || (!cas.empty() && cas.back()->self_issued)
                                                : !cas.empty() && cas.back()->self_issued;
    if (!complete)
        return {{"mozilla", "unknown", "the path does not reach a root, so Mozilla's anchor cannot be judged", {}, {}},
                false,
                {},
                {}};
    return {{"mozilla",
             "untrusted",
             "the path ends at " + (cas.empty() ? std::string("the leaf") : name_of(*cas.back())) +
                 ", which Mozilla's store of " + store.date + " does not hold",
             {},
             {}},
            false,
            {},
            {},
            true};
}

// root-program-untrusted for a chain the store of the run trusts and Mozilla does not.
std::optional<finding> untrusted_finding(const chain_input& in, const cert_info& leaf, const catalogue& rules,
                                         const mozilla_judgement& j) {
    if (!j.report || in.verdict == nullptr || !in.verdict->trusted || leaf.is_ca) return std::nullopt;
    constexpr known_finding id("root-program-untrusted");
    finding f;
    f.id = std::string(id.id());
    f.level = rules.level_of(f.id, id.default_level());
    f.cert = cert_ref{0, leaf.subject, leaf.sha256};
    f.message = fmt::format("{}: {}; the system trust store of this run still trusts the chain ({})", firefox,
                            j.message, j.verdict.reason);
    f.remediation = j.remediation.empty()
                        ? "Serve a chain that leads to a root Mozilla still trusts for websites: most CAs publish a "
                          "current chain under a newer root (download the CA's current intermediate bundle); if "
                          "there is none, replace the certificate with one from a CA that Firefox trusts."
                        : j.remediation;
    f.rule = j.verdict.rule;
    return f;
}

void check_programs(context& ctx) {
    if (ctx.in.verdict == nullptr || !ctx.in.verdict->trusted || ctx.leaf == nullptr || ctx.leaf->is_ca) return;
    const program_judgement& j = ctx.judgement();
    if (!j.untrusted) return;
    const finding& f = *j.untrusted;
    ctx.add(f.id, f.level, &ctx.certs.front(), f.message, f.remediation, f.rule);
}

}  // namespace detail

mozilla_store::mozilla_store(std::string store_date, std::vector<mozilla_root> store_roots)
    : date(std::move(store_date)), roots(std::move(store_roots)) {
    for (std::size_t i = 0; i < roots.size(); ++i) {
        by_sha256_.try_emplace(roots[i].sha256, i);
        if (roots[i].spki_sha256.empty()) continue;
        // The first root with the key, replaced by each later one with websites trust.
        const auto [it, added] = by_spki_.try_emplace(roots[i].spki_sha256, i);
        if (!added && roots[i].websites) it->second = i;
    }
}

const mozilla_root* mozilla_store::find(const cert_info& cert) const {
    if (const auto it = by_sha256_.find(cert.sha256); it != by_sha256_.end()) return &roots[it->second];
    if (cert.spki_sha256.empty()) return nullptr;
    const auto it = by_spki_.find(cert.spki_sha256);
    return it == by_spki_.end() ? nullptr : &roots[it->second];
}

const mozilla_store& default_mozilla_store() {
    static const mozilla_store store = [] {
        std::vector<mozilla_root> roots;
        roots.reserve(detail::mozilla_root_count);
        for (std::size_t i = 0; i < detail::mozilla_root_count; ++i) {
            const auto& row = detail::mozilla_root_rows[i];
            mozilla_root r{row.label, row.sha256, row.spki_sha256, row.websites, std::nullopt};
            if (*row.distrust_after != '\0') r.distrust_after = parse_time(row.distrust_after);
            roots.push_back(std::move(r));
        }
        return mozilla_store(detail::mozilla_store_date, std::move(roots));
    }();
    return store;
}

program_judgement judge_chain_programs(const chain_input& input, const catalogue& rules, const mozilla_store& store) {
    program_judgement out;
    program_trust& trust = out.trust;
    trust.mozilla_store = store.date;
    trust.verdicts.push_back(system_verdict(input));
    const cert_info* leaf = !input.certs.empty() && input.certs.front().info ? &*input.certs.front().info : nullptr;

    std::vector<std::string> programs;  // the catalogue's other programs, in order of appearance
    for (const auto& r : rules.rules)
        for (const auto& p : r.programs)
            if (const auto name = p.root_program();
                name != "mozilla" && std::find(programs.begin(), programs.end(), name) == programs.end())
                programs.push_back(name);

    if (leaf == nullptr) {
        trust.verdicts.push_back({"mozilla", "unknown", "the leaf could not be parsed", {}, {}});
        for (const auto& p : programs)
            trust.verdicts.push_back({p + "-constraints", "unknown", "the leaf could not be parsed", {}, {}});
        return out;
    }
    const auto mozilla = detail::judge_mozilla(input, *leaf, rules, store);
    trust.verdicts.push_back(mozilla.verdict);
    out.untrusted = detail::untrusted_finding(input, *leaf, rules, mozilla);
    const auto cas = path_cas(input);
    for (const auto& p : programs) {
        const std::string program = p + "-constraints";
        if (const auto hit = find_rule_hit(cas, *leaf, input.at, rules, p)) {
            trust.verdicts.push_back(from_rule(program, *hit));
        } else {
            trust.verdicts.push_back({program,
                                      "no-constraint",
                                      "no constraint of the catalogue applies (the program's root list is not in "
                                      "the catalogue: this does not say that it trusts the chain)",
                                      {},
                                      {}});
        }
    }
    // Private: a root Mozilla's store does not hold, under which no CA is one the catalogue
    // names by key (whether or not an entry's dates catch this leaf).
    const bool catalogued = std::any_of(cas.begin(), cas.end(), [&](const cert_info* ca) {
        return std::any_of(rules.rules.begin(), rules.rules.end(),
                           [&](const rule& r) { return r.match.matches_key(*ca); });
    });
    out.private_pki = mozilla.private_root && !catalogued && input.verdict != nullptr && input.verdict->trusted;
    return out;
}

program_trust judge_programs(const chain_input& input, const catalogue& rules, const mozilla_store& store) {
    return judge_chain_programs(input, rules, store).trust;
}

}  // namespace tlsaudit::audit
