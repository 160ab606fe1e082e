#pragma once
// The audit stage (scanner/audit): pure judgement. Given a served chain, the name asked
// for, the evaluation time, the trust verdict (tlsaudit/trust.hpp) and the rules
// catalogue, it returns findings. No I/O, no OpenSSL, no clock: the same
// input always gives the same findings, so live scans and `tlsaudit check` agree.
//
// Every function here is thread-safe (no shared mutable state) except
// deployment_tracker, which locks internally. None throws except std::bad_alloc.

#include <tlsaudit/finding.hpp>
#include <tlsaudit/model.hpp>
#include <tlsaudit/result.hpp>
#include <tlsaudit/rules.hpp>
#include <tlsaudit/trust.hpp>

#include <cstddef>
#include <map>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tlsaudit::audit {

struct options {
    int expiry_warn_days = 30;  // cert-expiring when notAfter is closer than this
};

struct chain_input {
    std::span<const bytes> served;         // DER in served order, leaf first
    std::span<const parsed_cert> certs;    // parsed `served`, parallel to it
    std::string_view name;                 // SNI / --host; empty: no hostname check
    time_point at{};                       // evaluation time
    const chain_verdict* verdict = nullptr;  // null: not validated (trust findings skipped)
};
// Revocation findings (leaf-revoked, revocation-unknown) come from
// tlsaudit::revocation::findings_for, which owns the soft/hard-fail policy; the
// pipeline appends them to these.

// Findings for one chain, in a stable order (by check, then by position in the chain).
std::vector<finding> audit_chain(const chain_input& input, const catalogue& rules, const options& opts);

// Findings for an endpoint result (its capture and parsed certs); a capture
// that failed (cap.error) or served nothing yields no findings.
std::vector<finding> audit_endpoint(const endpoint_result& result, time_point at, const chain_verdict* verdict,
                                    const catalogue& rules, const options& opts);

// "error" when the capture failed, else the highest severity among the findings, else "ok".
std::string status_of(const endpoint_result& result);

// RFC 6125 name check against the leaf: dNSName SANs with a wildcard only as the whole
// left-most label (never "*.tld"), iPAddress SANs for IP literals, and the subject CN
// only when the certificate has no SAN at all. Case-insensitive; a trailing dot is ignored.
bool hostname_matches(const cert_info& leaf, std::string_view name);

// --- inconsistent-deployment: comparing the endpoints behind one name -------------

// What one address of a name served.
struct node_chain {
    std::string address;
    std::vector<std::string> chain_sha256;  // served chain, leaf first
    std::string leaf_subject;
    std::vector<std::string> intermediate_cns;  // served intermediates' commonNames
};

// One inconsistent-deployment finding when the nodes serve different leaves or
// intermediates; nullopt when they agree or fewer than two served a chain.
std::optional<finding> audit_deployment(std::string_view name, std::span<const node_chain> nodes,
                                        const catalogue& rules);

// Collects, across the threads of a scan, what each address of each target served,
// and yields one name_result per target with at least two successful endpoints.
// Memory: a few hashes per endpoint until finish() (see README, "Auditing chains").
class deployment_tracker {
public:
    // Thread-safe. Endpoints that failed or served nothing are ignored.
    void add(const endpoint_result& result);
    // Name-level results in first-seen order; only names whose nodes disagree carry a
    // finding (nodes that agree produce nothing). Call once, after every add().
    std::vector<name_result> finish(const catalogue& rules);

private:
    // Chains are interned: each endpoint costs its address and a chain number.
    struct entry {
        target tgt;
        std::vector<std::pair<std::string, std::size_t>> nodes;  // address, chains_ index
    };
    std::mutex mutex_;
    std::map<std::string, std::size_t> index_;        // target key -> entries_ position
    std::vector<entry> entries_;
    std::map<std::string, std::size_t> chain_index_;  // joined fingerprints -> chains_ position
    std::vector<node_chain> chains_;                  // address left empty
};

}  // namespace tlsaudit::audit
