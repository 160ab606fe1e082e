#pragma once
// The audit stage (scanner/audit): pure judgement, and the only maker of findings. Given
// a served chain, the name asked for, the evaluation time, the trust verdict
// (tlsaudit/trust.hpp), the revocation verdicts (revocation_status, finding.hpp) and the
// rules catalogue, it returns findings. No I/O, no OpenSSL, no clock: the same input
// always gives the same findings, so live scans and `tlsaudit check` agree. What to
// download for --fetch-missing is decided here too (tlsaudit/issuer_chase.hpp).
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
#include <unordered_map>
#include <utility>
#include <vector>

namespace tlsaudit::audit {

struct program_judgement;  // tlsaudit/program_trust.hpp

struct options {
    int expiry_warn_days = 30;  // cert-expiring when notAfter is closer than this
    // browser: no CN fallback for names, and the Baseline Requirements algorithm and
    // RFC 5280 profile checks (forbidden-key, forbidden-signature, rfc5280-violation).
    validation_profile profile = validation_profile::browser;
};

struct chain_input {
    std::span<const bytes> served;           // DER in served order, leaf first
    std::span<const parsed_cert> certs;      // parsed `served`, parallel to it
    std::string_view name;                   // SNI / --host; empty: no hostname check
    time_point at{};                         // evaluation time
    const chain_verdict* verdict = nullptr;  // null: not validated (trust findings skipped)
    // --fetch-missing's downloads of the missing issuer that gave no certificate, each
    // "URL: why"; a chain-untrusted for a missing issuer names them.
    std::span<const std::string> unfetched;
};

// Findings for one chain, in a stable order (by check, then by position in the chain).
// `programs`: the chain's per-program judgement made beforehand (judge_chain_programs,
// program_cache), read for root-program-untrusted; null: audit_chain judges it.
std::vector<finding> audit_chain(const chain_input& input, const catalogue& rules, const options& opts,
                                 const program_judgement* programs = nullptr);

// Findings for an endpoint result (its capture and parsed certs); a capture
// that failed (cap.error) or served nothing yields no findings. `programs`: as for
// audit_chain; `unfetched`: as chain_input::unfetched.
std::vector<finding> audit_endpoint(const endpoint_result& result, time_point at, const chain_verdict* verdict,
                                    const catalogue& rules, const options& opts,
                                    const program_judgement* programs = nullptr,
                                    std::span<const std::string> unfetched = {});

// Findings from the revocation verdicts of one chain (scanner/revocation; `statuses` is
// parallel to the served chain, nullopt for certificates not checked, and `certs` names
// them): leaf-revoked for a revoked certificate, with the reason, date and source;
// revocation-unknown for one whose status is unknown, with why. The levels are the
// catalogue's (finding_catalogue.hpp), revocation-unknown high when `hard`
// (--revocation hard), then the rules' "severities" override either by id. A certificate
// with nothing to ask (no_revocation_source_reason) raises revocation-unknown only when
// `hard`. The leaf's and the intermediates' (--revocation-depth all) findings share
// the ids; cert.position tells them apart.
std::vector<finding> audit_revocation(std::span<const std::optional<revocation_status>> statuses,
                                      std::span<const parsed_cert> certs, bool hard, const catalogue& rules);

// --- chains served to different probes (capture::other_chains) --------------------

// Who receives what probe `name` receives, for people: "RSA-only clients", ...
std::string_view clients_of_probe(std::string_view name);

// The clients that receive chain `chain` of `cap` (0: cap.chain), from cap.probes:
// "modern clients and clients that send no SNI".
std::string clients_of_chain(const capture& cap, int chain);

// A result for one of the capture's other chains: `served` as the capture of `parent`'s
// endpoint, to be parsed, checked and audited like any endpoint.
endpoint_result other_chain_result(const endpoint_result& parent, const served_chain& served);

// What libssl's handshake does with a certificate it cannot decode, applied to a parsed
// endpoint (result.certs and each other chain's certs filled): chain 0 holding one fails
// the capture with bad-certificate (unless it failed already); another chain holding one
// is dropped, the probes that received it failing with bad-certificate and the chains
// after it moving up. The capture engine checks only each certificate's DER framing as it
// reads; the decode made for the audit settles the rest, so both engines agree.
void refuse_undecodable_chains(endpoint_result& result);

// Copies each of result.other_chains' findings into result.findings (finding::chain set,
// the message naming the clients that receive it) and adds multiple-chains when the
// endpoint served more than one chain: low, or medium when the chains differ in findings.
// Call once, after every chain was audited and checked for revocation.
void merge_other_chains(endpoint_result& result, const catalogue& rules);

// "error" when the capture failed, else the highest severity among the findings, else "ok".
std::string status_of(const endpoint_result& result);

// RFC 6125 name check against the leaf: dNSName SANs with a wildcard only as the whole
// left-most label (never "*.tld"; under the browser profile, as in Chrome, never over a
// public suffix of the Public Suffix List's ICANN section, "*.co.uk"), iPAddress SANs for IP literals. The subject CN counts
// only under the openssl profile and only when the certificate has no SAN at all
// (browsers dropped that fallback: Chrome 58, Firefox 48). Case-insensitive; a trailing
// dot is ignored.
bool hostname_matches(const cert_info& leaf, std::string_view name,
                      validation_profile profile = validation_profile::browser);

// --- inconsistent-deployment: comparing the endpoints behind one name -------------

// What one address of a name served: the chain its first probe received and, in
// `others`, each further chain other probes received (capture::other_chains).
struct node_chain {
    std::string address;
    std::vector<std::string> chain_sha256;  // served chain, leaf first
    std::string leaf_subject;
    std::vector<std::string> intermediate_cns;  // served intermediates' commonNames
    std::string clients;                        // who receives it (clients_of_chain); "" when unknown
    std::vector<node_chain> others;             // the further chains (their own `others` empty)
    // The probes that received nothing for want of an answer (a timeout, a reset, a refused
    // connection; not an alert, a chain too large or anything else the server answered), as
    // "rsa (timeout-handshake)"; "" when none. What
    // such a node serves is known in part: it agrees with a node that serves more.
    std::string unknown;
};

// One inconsistent-deployment finding when the nodes serve different sets of chains
// (leaves or intermediates, to any probe); nullopt when they agree or fewer than two
// served a chain. A node whose set is known in part (node_chain::unknown) agrees with a
// node whose set holds all of its own. `addresses` is how many addresses the name has in
// all, `scanned` how many of them were scanned (fewer when the scan was interrupted; 0 for
// either: as many as nodes); the message counts those that served none.
std::optional<finding> audit_deployment(std::string_view name, std::span<const node_chain> nodes,
                                        const catalogue& rules, std::size_t addresses = 0, std::size_t scanned = 0);

// Collects, across the threads of a scan, what each address of each target served,
// and judges a name as soon as all of its endpoints are in (each result carries the
// target's address_count). Memory: only names with several addresses whose endpoints
// are still in flight are held, so it stays flat however long the input is.
class deployment_tracker {
public:
    // Thread-safe. Every endpoint of a target counts towards its completion, failed ones
    // included (they serve nothing, so they are not compared). Returns the name's result
    // when this was the target's last endpoint and its successful nodes disagree.
    std::optional<name_result> add(const endpoint_result& result, const catalogue& rules);
    // Judges the names whose endpoints did not all arrive (an interrupted scan) on what
    // did, and forgets everything. Call once, after every add().
    std::vector<name_result> finish(const catalogue& rules);

private:
    struct entry {
        target tgt;
        std::size_t expected = 0;       // the target's address_count
        std::size_t seen = 0;           // endpoints added so far, failed ones included
        std::vector<node_chain> nodes;  // the successful ones
    };
    static std::optional<name_result> judge(entry& e, const catalogue& rules);

    std::mutex mutex_;
    // target key and input line (a target repeated under --no-dedupe is judged per line)
    // -> endpoints so far
    std::unordered_map<std::string, entry> open_;
};

}  // namespace tlsaudit::audit
