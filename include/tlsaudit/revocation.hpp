#pragma once
// Revocation checking (scanner/revocation): stapled OCSP, live OCSP (RFC 6960 POST,
// RFC 5019 GET for short requests) and CRLs over plain HTTP, deduplicated and cached.
// Asio, Beast and OpenSSL stay inside the module: this header names only model types.
//
// Order for each certificate: the stapled response (leaf only) first; then live OCSP
// and CRL in `options::order`. The first definitive answer (good or revoked) wins;
// when nothing answers, the status is "unknown" and `reason` lists why each source
// failed ("ocsp: timeout after 5000 ms; crl: no distribution point"; for a certificate
// with nothing to ask, no_revocation_source_reason of finding.hpp). These statuses are
// facts: the audit makes the findings (audit::audit_revocation in audit.hpp).
//
// Failures of a responder, a CRL server or the data they send are never thrown: they
// are "unknown" statuses. Only environment failures throw (see each function).

#include <tlsaudit/fetch_policy.hpp>
#include <tlsaudit/finding.hpp>
#include <tlsaudit/model.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tlsaudit::revocation {

enum class method { ocsp, crl };

// What one scan may fetch from the destinations certificates name (OCSP, CRL, AIA
// caIssuers): each distinct destination (host:port) is counted, and past the cap new ones
// are refused; the bytes received and the refusals are counted for the summary. Shared
// by the revocation checker and the AIA downloads of one scan. Thread-safe.
class fetch_budget {
public:
    // Throws std::invalid_argument when max_destinations is 0.
    explicit fetch_budget(std::size_t max_destinations);

    // Counts `destination` ("host:port"); false (and nothing counted) when it is new and
    // the cap is already reached.
    bool admit(const std::string& destination);
    void add_bytes(std::uint64_t n);
    void add_refusal();

    std::size_t max_destinations() const noexcept { return max_; }
    std::size_t destinations() const;
    std::uint64_t bytes() const;
    std::uint64_t refusals() const;

private:
    const std::size_t max_;
    mutable std::mutex mutex_;
    std::set<std::string> seen_;
    std::uint64_t bytes_ = 0;
    std::uint64_t refusals_ = 0;
};

// Which certificates of the served chain are checked.
enum class depth {
    leaf,  // the leaf only
    all,   // the leaf and every served intermediate (self-signed certificates are skipped)
};

struct options {
    // Live sources after the stapled response, in this order; a method left out is not
    // used. Default: OCSP, then the CRL.
    std::vector<method> order{method::ocsp, method::crl};
    revocation::depth depth = depth::leaf;
    // One deadline per request for all of it: connecting, sending, reading the full body, and
    // the redirects it follows.
    std::chrono::milliseconds request_timeout{5000};
    // The DNS server asked for the URLs' names, as the scan's --resolver ("IP[:port]"); empty:
    // the system's configuration. Each lookup ends at its request's deadline.
    std::string resolver;
    std::uint64_t crl_max_bytes = 20ull << 20;  // larger CRLs are refused unread
    std::uint64_t ocsp_max_bytes = 1ull << 20;
    std::size_t per_host_concurrency = 4;  // requests in flight to one host:port
    int max_redirects = 3;
    bool ocsp_get = true;  // RFC 5019 GET when the request is short
    // Tolerated clock difference when judging thisUpdate/nextUpdate.
    std::chrono::seconds clock_skew{300};
    // OCSP responses without nextUpdate are accepted for this long after thisUpdate.
    std::chrono::seconds max_age_without_next_update{7 * 24 * 3600};
    // After this many consecutive failures (timeout, refused, HTTP error) a host is not
    // asked again during this checker's life: further checks fail fast.
    int host_failure_limit = 3;
    // Answers (OCSP responses, CRLs) are kept here until their nextUpdate; empty: memory only.
    std::optional<std::filesystem::path> cache_dir;
    // check() blocks its caller while this many requests are waiting (back-pressure).
    std::size_t max_pending = 4096;
    // Time used to judge freshness; nullopt: the system clock at each check.
    std::optional<time_point> now;
    // Where certificate-chosen URLs may lead (fetch_policy.hpp), judged on each resolved
    // address before connecting, redirects included. A refused destination is a source
    // that could not be used: the status is "unknown" and its reason names the rule.
    ip::fetch_policy fetch;
    // The scan's destination count, shared with other fetchers; null: the checker makes
    // its own with fetch.max_destinations.
    std::shared_ptr<fetch_budget> budget;
};

// What one endpoint needs checked.
struct request {
    std::vector<bytes> chain;  // served chain, DER, leaf first
    bytes stapled_ocsp;        // empty: nothing stapled
    // Certificates of the built path the served chain lacks (an intermediate from the store
    // or fetched, the root from the trust store): issuers for the served certificates. With
    // depth::all, the root is what the last served intermediate is checked against.
    std::vector<bytes> path_issuers;
    // x509::chain_identity of `chain` when the caller has it (spares hashing the chain
    // again for the memo); empty: the checker hashes the DER.
    std::string chain_identity;
    // `chain` as parsed (x509::parse_certificate, e.g. through x509::cert_cache) when the
    // caller has it: read during check() only, for the URLs, which spares decoding each
    // certificate a second time. Ignored unless it is parallel to `chain`.
    std::span<const parsed_cert> parsed{};
};

// Parallel to request::chain: a status for each checked certificate, nullopt for the
// ones not checked (depth, self-signed, unparsable).
using chain_status = std::vector<std::optional<revocation_status>>;
using completion = std::function<void(chain_status)>;

// Counters since construction, for tests, benchmarks and the summary.
struct statistics {
    std::uint64_t checks = 0;            // check() calls completed
    std::uint64_t ocsp_requests = 0;     // HTTP exchanges with OCSP responders (redirects included)
    std::uint64_t crl_downloads = 0;     // HTTP exchanges with CRL servers (redirects included)
    std::uint64_t memory_hits = 0;       // answers reused from memory (in flight or done)
    std::uint64_t disk_hits = 0;         // answers read from cache_dir
    std::uint64_t stapled_used = 0;      // stapled responses that gave the answer
    std::uint64_t stapled_rejected = 0;  // stapled responses present but not usable
    std::uint64_t bytes_fetched = 0;     // received from every destination (the budget's)
    std::size_t destinations = 0;        // distinct host:port asked (the budget's)
    std::uint64_t refused = 0;           // fetches refused by the policy or the cap (the budget's)
};

// Runs the checks on its own io_context thread, so callers (the scan's worker
// threads) never wait on the network: check() only queues work. A chain with nothing
// to ask (no checked certificate names an OCSP responder or a CRL, nothing stapled) is
// answered inside check() instead, on the calling thread, with the statuses the
// checker's thread would give.
//
// Deduplication: one in-flight OCSP exchange per (issuer key hash, serial) and one CRL
// download per URL for the whole life of the checker; later checks reuse the answer
// (failures too: a responder that is down is asked once per certificate, not once per
// endpoint). Requests to one host:port are limited to per_host_concurrency at a time.
//
// Thread safety: check(), drain() and stats() may be called from any thread.
// Callbacks run on the checker's thread, one at a time, or, for a chain with nothing to
// ask, on the thread calling check() before it returns: a callback given from several
// threads must be thread-safe. They must not call drain() (deadlock) and should not
// block (they delay every other check). An exception thrown by a callback stops neither
// the checker nor check(): the first one is rethrown by drain().
class checker {
public:
    // Throws std::invalid_argument for bad options (empty order, zero limits) and
    // std::filesystem::filesystem_error when cache_dir cannot be created.
    explicit checker(options opts);
    // drain() (its exception, if any, is dropped), then stops the thread.
    ~checker();
    checker(const checker&) = delete;
    checker& operator=(const checker&) = delete;

    // Queues `req` (or answers it at once, see above); `done` is called exactly once with
    // one entry per chain certificate. Blocks only while max_pending checks are already
    // waiting (so never call it from a callback). Never throws except std::bad_alloc; an empty or unparsable chain
    // completes with nullopt entries.
    void check(request req, completion done);

    // Blocks until every check queued so far has completed and its callback returned,
    // then rethrows the first exception a callback threw since the last drain(), if any
    // (e.g. the NDJSON writer failing: an environment failure).
    void drain();

    // Checks queued and not yet completed: check() blocks while this is max_pending, so a
    // caller that must not block asks first (scan_config::sink_ready).
    std::size_t pending() const;

    statistics stats() const;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

// Parses "ocsp,crl", "crl,ocsp", "ocsp" or "crl" (also "crl-first"/"ocsp-first");
// nullopt otherwise.
std::optional<std::vector<method>> parse_order(std::string_view text);
std::string_view to_string(method m) noexcept;

// One blocking HTTP GET through the module's HTTP client (http:// only; at most three
// redirects; `timeout` for the whole call, redirects included; bodies over `max_body`
// refused; destinations judged by `policy` and counted in `budget`), for downloads that
// are not revocation data: AIA caIssuers certificates (--fetch-missing). Returns the body
// of a 200 answer, nullopt for anything else (bad URL, DNS, refused, timeout, other
// status, too large), and then, when `why` is given, the reason in it. Never throws except
// std::bad_alloc; thread-safe (each call runs its own io_context).
struct get_limits {
    std::chrono::milliseconds timeout{5000};
    std::uint64_t max_body = 64 * 1024;
    std::string accept = "*/*";
    std::string resolver;  // as options::resolver
    ip::fetch_policy policy;
    std::shared_ptr<fetch_budget> budget;  // null: a budget for this call alone
};
std::optional<bytes> http_get(const std::string& url, const get_limits& limits, std::string* why = nullptr);

}  // namespace tlsaudit::revocation
