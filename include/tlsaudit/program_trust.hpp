#pragma once
// Per-program trust (scanner/audit): Mozilla's root store as NSS ships it (certdata.txt,
// converted at build time by scripts/nss_roots.py and compiled in), and the root programs'
// constraints that the rules catalogue encodes (Chrome's SCT cut-offs and blocklist,
// Apple's dates). Pure: judged on the built path of the system validation, by the
// certificates' fingerprints and SPKI hashes; no OpenSSL. Thread-safe; nothing throws
// except std::bad_alloc.

#include <tlsaudit/audit.hpp>
#include <tlsaudit/program_verdict.hpp>
#include <tlsaudit/rules.hpp>

#include <optional>
#include <string>
#include <vector>

namespace tlsaudit::audit {

struct mozilla_root {
    std::string label;  // CKA_LABEL
    std::string sha256;
    std::string spki_sha256;
    bool websites = false;                     // CKA_TRUST_SERVER_AUTH is CKT_NSS_TRUSTED_DELEGATOR
    std::optional<time_point> distrust_after;  // CKA_NSS_SERVER_DISTRUST_AFTER (vs the leaf's notBefore)
};

struct mozilla_store {
    std::string date;  // of the NSS commit the data comes from
    std::vector<mozilla_root> roots;

    // The root that is `cert` (same fingerprint) or shares its key (a re-issued or
    // cross-signed copy); a root with websites trust first. nullptr when none.
    const mozilla_root* find(const cert_info& cert) const;
};

// The compiled-in store, built on first use.
const mozilla_store& default_mozilla_store();

// One verdict per program for the chain: "system" from input.verdict, "mozilla" from the
// store and the catalogue's Mozilla entries, then one "<program>-constraints" per other
// program named in the catalogue ("chrome-constraints", "apple-constraints", ...). An
// input whose leaf did not parse gets "unknown" everywhere.
program_trust judge_programs(const chain_input& input, const catalogue& rules,
                             const mozilla_store& store = default_mozilla_store());

// judge_programs for an endpoint result's chain, as audit_endpoint reads it; nullopt when
// the capture failed or served nothing.
std::optional<program_trust> judge_endpoint_programs(const endpoint_result& result, time_point at,
                                                     const chain_verdict* verdict, const catalogue& rules);

}  // namespace tlsaudit::audit
