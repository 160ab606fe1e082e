#pragma once
// The rules catalogue (scanner/audit): retired intermediates, distrusted and
// discontinued CAs, severity overrides. Data, not code: a JSON document compiled into
// the binary as the default (scanner/audit/rules/default.json) and replaceable or
// extendable with `--rules FILE`. The format is described in docs/rules.md.

#include <tlsaudit/finding.hpp>
#include <tlsaudit/finding_catalogue.hpp>
#include <tlsaudit/model.hpp>

#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace tlsaudit::audit {

// Identities a rule matches. sha256 (certificate fingerprint) and spki_sha256 (key)
// are strong matches; subject_cn alone is a name-only match, reported apart and at a
// lower severity because anyone can put any name in a certificate.
struct cert_match {
    std::vector<std::string> sha256;       // lower-case hex (normalised on load)
    std::vector<std::string> spki_sha256;  // lower-case hex (normalised on load)
    std::vector<std::string> subject_cn;   // exact commonName

    bool matches_key(const cert_info& cert) const;   // sha256 or spki_sha256
    bool matches_name(const cert_info& cert) const;  // subject_cn only
};

// What a root program compares, or that it no longer trusts the root at all.
enum class distrust_basis {
    not_before,    // leaves whose notBefore is after `after`
    earliest_sct,  // leaves whose earliest embedded SCT (notBefore when none) is after `after`
    blocklist,     // every leaf: the program blocks the root whatever the date (distrusted)
    removed,       // every leaf: the program no longer trusts the root for websites (untrusted)
};

// One root program's cut-off: certificates issued after `after` are distrusted.
struct distrust_program {
    std::string name;  // e.g. "Chrome 131+"
    time_point after{};
    bool use_sct = false;  // basis earliest_sct
    distrust_basis basis = distrust_basis::not_before;
    // blocklist / removed: since when, as the sources give it ("2023-11-13", "2025-04"); may be empty.
    std::string since;

    // The root program, for per-program verdicts: the first word of `name`, lower-cased
    // ("Chrome 131+" -> "chrome", "Mozilla" -> "mozilla").
    std::string root_program() const;
};

enum class rule_kind {
    retired_intermediate,  // a retired intermediate
    distrusted_ca,         // a CA's new certificates distrusted by root programs
    discontinued_issuer,   // a CA whose certificates are no longer sold or renewed
    root_removal,          // a program dropped the root's websites trust: per-program verdicts, and a
                           // finding when the system still trusts it
};

// The finding a rule of `kind` raises. A root-removal rule's finding keeps that finding's own
// level; the others take the rule's.
constexpr known_finding finding_of(rule_kind kind) {
    switch (kind) {
    case rule_kind::retired_intermediate: return "deprecated-intermediate";
    case rule_kind::distrusted_ca: return "issuer-distrusted";
    case rule_kind::discontinued_issuer: return "issuer-discontinued";
    case rule_kind::root_removal: break;
    }
    return "root-program-untrusted";
}

// "retired-intermediate", "distrusted-ca", "discontinued-issuer", "root-removal".
std::string_view to_string(rule_kind kind);

struct rule {
    std::string id;
    rule_kind kind = rule_kind::retired_intermediate;
    severity level = severity::high;
    severity name_only_level = severity::low;  // retired_intermediate: name-only matches
    cert_match match;
    std::vector<distrust_program> programs;  // distrusted_ca and root_removal
    // Where the facts come from (URLs or names of published lists) and the date they were
    // last compared with them (YYYY-MM-DD); a rule with one source says so in `tlsaudit rules`.
    std::vector<std::string> sources;
    std::string checked;
    // Message and remediation may use {subject}, {sha256}, {not_before}, {not_after},
    // {programs} and {leaf_not_after}; unknown placeholders are left as written.
    std::string message;
    std::string remediation;
    // retired_intermediate: the fix when the leaf was issued elsewhere and the retired
    // intermediate is served beside it, and when it is only on another path (not served);
    // `remediation` is the fix for a leaf issued under it. Empty: a built-in text. They may
    // also use {leaf_issuer}.
    std::string remediation_beside;
    std::string remediation_alternative;
    // retired_intermediate: the day the intermediate was retired; a chain judged before it
    // (--at) is not flagged. nullopt: retired whatever the evaluation time.
    std::optional<time_point> retired_on;
};

// The maximum validity of a TLS server certificate issued from `from` (Baseline
// Requirements 6.3.2), until the next limit's `from`.
struct validity_limit {
    time_point from{};
    int max_days = 0;
    std::string source;
};

struct catalogue {
    std::string version;
    std::vector<rule> rules;
    std::vector<validity_limit> validity_limits;  // by `from`, ascending
    // Severity overrides by finding id ("cert-expiring": "low"): built-in checks, rules and
    // the revocation findings (applied by the scan pipeline) alike.
    std::map<std::string, severity, std::less<>> severities;

    severity level_of(std::string_view finding_id, severity built_in) const;
};

// The level the findings of rule `r` get under `c`: its own, unless `c.severities` sets
// the level of the finding id the rule raises (root-removal rules raise
// root-program-untrusted at that finding's level).
severity effective_level(const catalogue& c, const rule& r);

// A rules document that cannot be used. what() names the source, the field (as a path
// such as rules[2].match.sha256[0]) or the line:column of a JSON syntax error, and why.
struct rules_error : std::invalid_argument {
    using std::invalid_argument::invalid_argument;
};

// The compiled-in catalogue, parsed on first use. Thread-safe.
const catalogue& default_catalogue();

// Parses a rules document. `source` names it in error messages. A document with
// "extends": "default" is merged into the default catalogue (same rule id: replaced;
// severities: overridden); otherwise it replaces it. Throws rules_error.
catalogue parse_catalogue(std::string_view json_text, std::string_view source);

// Reads and parses a rules file the user named. Throws rules_error when malformed and
// std::runtime_error when it cannot be read.
catalogue load_catalogue(const std::filesystem::path& path);

// RFC 3339 date-times and ISO dates: "2021-01-20" (midnight UTC),
// "2021-01-20T12:00:00Z", "2021-01-20 12:00:00+08:00", fractions of a second ignored.
// nullopt when malformed or out of range.
std::optional<time_point> parse_time(std::string_view text);

}  // namespace tlsaudit::audit
