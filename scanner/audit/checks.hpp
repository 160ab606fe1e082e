#pragma once
// The individual checks behind audit_chain. Private to scanner/audit.

#include <tlsaudit/audit.hpp>
#include <tlsaudit/finding_catalogue.hpp>
#include <tlsaudit/program_trust.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tlsaudit::audit::detail {

// A certificate the checks look at: a parsed served certificate, or a certificate of
// the built path that the server did not send (trust store / AIA).
struct examined_cert {
    const cert_info* info = nullptr;
    int position = -1;  // served position; -1 when not served
    int depth = -1;     // index in the built path; -1 when not in it (or no verdict)
    cert_origin origin = cert_origin::served;
};

struct context {
    const chain_input& in;
    const catalogue& rules;
    const options& opts;
    const cert_info* leaf = nullptr;   // null when the served leaf did not parse
    std::vector<examined_cert> certs;  // served (parsed) in served order, then unserved path certs
    std::vector<finding>& out;
    const program_judgement* programs = nullptr;  // judged beforehand; null: judged here on first use

    // The chain's per-program judgement: `programs`, or judged once here.
    const program_judgement& judgement() {
        if (programs == nullptr) programs = &judged_here.emplace(judge_chain_programs(in, rules));
        return *programs;
    }

    // Certificates that matter for validity and strength: the built path, or every
    // served certificate when there is no verdict.
    bool relevant(const examined_cert& c) const { return in.verdict == nullptr || c.depth >= 0 || c.position == 0; }

    // A root: self-issued at the top of the built path, or off it (or with no verdict). A
    // self-issued certificate below the top is a root's key rollover (the new root signed by
    // the old one), served and judged like an intermediate.
    bool is_root(const examined_cert& c) const {
        const bool below_top =
            in.verdict != nullptr && c.depth >= 0 && static_cast<std::size_t>(c.depth) + 1 < in.verdict->path.size();
        return c.info->self_issued && !below_top;
    }

    // Whether clients check `c`'s signature: all but a root's self-signature.
    bool signature_checked(const examined_cert& c) const { return !is_root(c); }

    // A built-in check's finding, at the catalogue's default level for `id`.
    void add(known_finding id, const examined_cert* about, std::string message, std::string remediation) {
        add(std::string(id.id()), id.default_level(), about, std::move(message), std::move(remediation));
    }
    // The finding catalogue rule `r` raises (finding_of its kind), at the rule's level.
    void add(const rule& r, const examined_cert* about, std::string message, std::string remediation) {
        add(std::string(finding_of(r.kind).id()), r.level, about, std::move(message), std::move(remediation), r.id);
    }
    // A finding at `level` (a catalogue rule's own level); the rules' "severities" override
    // either by id.
    void add(std::string id, severity level, const examined_cert* about, std::string message, std::string remediation,
             std::string rule = {});

    std::optional<program_judgement> judged_here;  // judgement()'s, when `programs` was null
};

cert_ref make_ref(const examined_cert& c);
std::string describe(const examined_cert& c);  // "CN=..., served at position 1" / "... from the trust store"

// Replaces each {key} in `text` by its value.
std::string expand(std::string text, const std::vector<std::pair<std::string, std::string>>& values);

// Why root program `p` distrusts `leaf` ("earliest SCT ... is after ...", "blocklisted since
// ...") and the date that applies; nullopt when the leaf is not caught by it, or when a
// removal or blocklisting is dated after `at`.
struct program_outcome {
    std::string why;
    std::string date;
};
std::optional<program_outcome> program_applies(const distrust_program& p, const cert_info& leaf, time_point at);
// A distrust_program::since as a time: "2025-04" is 2025-04-01T00:00:00Z. nullopt when empty.
std::optional<time_point> since_time(const std::string& since);

void check_validity(context& ctx);
void check_hostname(context& ctx);
void check_trust(context& ctx);
void check_order(context& ctx);
void check_strength(context& ctx);
void check_profile(context& ctx);  // browser profile only (profile_checks.cpp)
void check_rules(context& ctx);
void check_programs(context& ctx);        // program_trust.cpp: root-program-untrusted
void check_validity_limit(context& ctx);  // validity_limits.cpp: validity-too-long, validity-next-limit

}  // namespace tlsaudit::audit::detail
