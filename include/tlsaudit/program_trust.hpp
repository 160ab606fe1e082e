#pragma once
// Per-program trust (scanner/audit): Mozilla's root store as NSS ships it (certdata.txt,
// converted at build time by scripts/nss_roots.py and compiled in), and the root programs'
// constraints that the rules catalogue encodes (Chrome's SCT cut-offs and blocklist,
// Apple's dates). Pure: judged on the built path of the system validation, by the
// certificates' fingerprints and SPKI hashes; no OpenSSL. Thread-safe; nothing throws
// except std::bad_alloc. A scan judges each distinct chain once (program_cache), and the
// audit reads root-program-untrusted from that same judgement.

#include <tlsaudit/audit.hpp>
#include <tlsaudit/program_verdict.hpp>
#include <tlsaudit/rules.hpp>

#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace tlsaudit::audit {

struct mozilla_root {
    std::string label;  // CKA_LABEL
    std::string sha256;
    std::string spki_sha256;
    bool websites = false;                     // CKA_TRUST_SERVER_AUTH is CKT_NSS_TRUSTED_DELEGATOR
    std::optional<time_point> distrust_after;  // CKA_NSS_SERVER_DISTRUST_AFTER (vs the leaf's notBefore)
};

// The roots, indexed by fingerprint and by key at construction (both never change after).
struct mozilla_store {
    mozilla_store(std::string store_date, std::vector<mozilla_root> store_roots);

    const std::string date;  // of the NSS commit the data comes from
    const std::vector<mozilla_root> roots;

    // The root that is `cert` (same fingerprint) or shares its key (a re-issued or
    // cross-signed copy); a root with websites trust first. nullptr when none.
    const mozilla_root* find(const cert_info& cert) const;

private:
    std::unordered_map<std::string, std::size_t> by_sha256_;  // -> index in roots
    std::unordered_map<std::string, std::size_t> by_spki_;    // -> the root find() prefers for that key
};

// The compiled-in store, built on first use.
const mozilla_store& default_mozilla_store();

// The per-program verdicts of one chain, and the finding they call for.
struct program_judgement {
    program_trust trust;
    // root-program-untrusted (at the catalogue's level, about the leaf) when the trust store
    // of the run trusts the chain and Mozilla does not, unless an issuer-distrusted rule
    // finding already says so; nullopt otherwise.
    std::optional<finding> untrusted;
    // The system validation trusts the chain at a root Mozilla's store does not hold, and no
    // CA of the path is one the catalogue names by key: a private PKI (an internal CA passed
    // with --ca-file or added to the system store), which the Baseline Requirements do not
    // govern. (A public root Mozilla removed and the catalogue does not name counts too.)
    bool private_pki = false;
};

// One verdict per program for the chain: "system" from input.verdict, "mozilla" from the
// store and the catalogue's Mozilla entries, then one "<program>-constraints" per other
// program named in the catalogue ("chrome-constraints", "apple-constraints", ...). An
// input whose leaf did not parse gets "unknown" everywhere.
program_judgement judge_chain_programs(const chain_input& input, const catalogue& rules,
                                       const mozilla_store& store = default_mozilla_store());

// judge_chain_programs(...).trust.
program_trust judge_programs(const chain_input& input, const catalogue& rules,
                             const mozilla_store& store = default_mozilla_store());

// Judges each distinct chain once. Keyed by the validation verdict, which the verify cache
// (x509::verify_cache) shares between all the endpoints that serve one chain at one
// evaluation time; the key keeps its verdict alive, so it cannot be reused by another
// chain. Thread-safe (two threads may judge the same new chain at once; the first answer
// is kept). Grows with the number of distinct chains, like the verify cache. Use one cache
// per catalogue and evaluation time.
class program_cache {
public:
    // The judgement of `result`'s chain validated as `verdict` at `at`; null when the
    // capture failed or served nothing. A null `verdict` is judged every time.
    std::shared_ptr<const program_judgement> judge(const endpoint_result& result, time_point at,
                                                   const std::shared_ptr<const chain_verdict>& verdict,
                                                   const catalogue& rules);
    // Judgements actually made (cache misses).
    std::size_t judgements() const;

private:
    // Emptied when full, so that a scan of hosts with their own leaves keeps neither a
    // judgement nor (through the keys) a verdict per host. No larger than the verify
    // cache (trust.hpp), whose verdicts the keys would otherwise keep alive.
    static constexpr std::size_t max_entries = 1024;
    mutable std::mutex mutex_;
    std::map<std::shared_ptr<const chain_verdict>, std::shared_ptr<const program_judgement>> judged_;
    std::size_t judgements_ = 0;
};

}  // namespace tlsaudit::audit
