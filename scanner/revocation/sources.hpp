#pragma once
// Live OCSP and CRL answers with deduplication and caching. Private to
// scanner/revocation.
//
// One in-flight OCSP exchange per (issuer key hash, serial, responder URLs) and one CRL
// download per URL: later callers wait for the first one's answer. The URLs are part of
// the OCSP key, so that a certificate naming other responders (a forged copy of another
// endpoint's leaf) never answers for it, failure included. Definitive answers are reused
// until their nextUpdate, failures for `negative_ttl`; with a disk_cache, raw answers
// are also read from and written to disk. Not thread-safe: every member must be used
// from the one thread running the executor.

#include "disk_cache.hpp"
#include "http_fetch.hpp"
#include "verdict.hpp"

#include "ossl/ptr.hpp"

#include <tlsaudit/revocation.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

namespace tlsaudit::revocation::detail {

// statistics as atomics: written on the checker thread, read from any.
struct counters {
    std::atomic<std::uint64_t> checks{0}, ocsp_requests{0}, crl_downloads{0}, memory_hits{0}, disk_hits{0},
        stapled_used{0}, stapled_rejected{0};
};

// How long a failed answer (responder down, bad data) is reused before asking again.
inline constexpr std::chrono::minutes negative_ttl{10};
// Answers kept in memory per kind; past this, completed ones are dropped (in-flight
// ones stay) so a scan of millions of distinct leaves stays bounded. The disk cache,
// when enabled, still holds them.
inline constexpr std::size_t max_memory_entries = 65536;
// The OCSP responders and the CRL distribution points asked per certificate: the first
// ones it names. A certificate naming hundreds would hold its endpoint for hundreds of
// request timeouts.
inline constexpr std::size_t max_urls_per_certificate = 4;
// DER bytes of parsed CRLs kept in memory (parsed, a CRL takes several times its DER size):
// past it the completed ones are dropped, as for max_memory_entries.
inline constexpr std::size_t max_crl_memory_bytes = 32u << 20;

class sources {
public:
    // `cache` may be null; it, `stats` and `budget` must outlive this object. `work` runs
    // what takes long on a large CRL (decoding, sorting, the signature over it), so that the
    // fetches on `executor` keep their deadlines meanwhile; it must outlive the coroutines.
    sources(asio::any_io_executor executor, asio::any_io_executor work, const options& opts, const disk_cache* cache,
            counters& stats, fetch_budget& budget);

    // Status of `cert` from the responders in `urls` (AIA order). Never throws for
    // network or data failures: they are unknown verdicts.
    asio::awaitable<verdict> ocsp(X509* cert, X509* issuer, std::vector<std::string> urls, freshness f);
    // Status of `cert` from the CRLs at `urls` (distribution point order).
    asio::awaitable<verdict> crl(X509* cert, X509* issuer, std::vector<std::string> urls, freshness f);

private:
    struct crl_state {
        ossl::x509_crl_ptr crl;  // null when `error` says why
        std::size_t der_bytes = 0;
        std::string error;
        std::map<std::string, std::string> checks;  // issuer SHA-256 -> check_crl() result
        bool from_disk = false;                     // read from the disk cache
        bool on_disk = false;                       // read from or written to it
    };
    template <typename T>
    struct pending {
        explicit pending(asio::any_io_executor ex);
        asio::steady_timer ready;  // cancelled when `value` is set
        std::optional<T> value;
        std::chrono::steady_clock::time_point done_at{};
    };

    asio::awaitable<verdict> fetch_ocsp(const std::string& key, X509* cert, X509* issuer,
                                        const std::vector<std::string>& urls, const freshness& f);
    // The CRL at `url`: from memory, the disk cache (unless `use_disk` is false) or a download.
    asio::awaitable<std::shared_ptr<crl_state>> crl_for_url(const std::string& url, const freshness& f,
                                                            bool use_disk = true);
    asio::awaitable<std::shared_ptr<crl_state>> download_crl(const std::string& url, const freshness& f, bool use_disk);
    // `state`'s check for `issuer` (check_crl, once per issuer): "" when it holds. A CRL
    // read from disk that fails is downloaded anew (into `state`); one that holds is
    // written to disk.
    asio::awaitable<std::string> checked_crl(const std::string& url, std::shared_ptr<crl_state>& state, X509* issuer,
                                             const freshness& f);

    // f() on work_, the caller resumed on executor_ with its result.
    template <typename F>
    asio::awaitable<std::invoke_result_t<F&>> on_work(F f);

    asio::any_io_executor executor_;
    asio::any_io_executor work_;
    const options& opts_;
    const disk_cache* cache_;
    counters& stats_;
    fetch_budget& budget_;
    host_gates gates_;
    std::map<std::string, std::shared_ptr<pending<verdict>>> ocsp_;
    std::map<std::string, std::shared_ptr<pending<std::shared_ptr<crl_state>>>> crls_;
    std::size_t crl_bytes_ = 0;  // DER bytes of the CRLs crls_ holds
};

}  // namespace tlsaudit::revocation::detail
