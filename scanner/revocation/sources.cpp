#include "sources.hpp"

#include "crl.hpp"
#include "ocsp.hpp"

#include "ossl/encoding.hpp"
#include "ossl/error.hpp"

#include <openssl/crypto.h>
#include <openssl/x509.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <fmt/format.h>

#include <array>

namespace tlsaudit::revocation::detail {
namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
// RFC 5019 section 5: GET when the whole URL stays under 255 bytes.
constexpr std::size_t max_get_url = 255;

std::string join(const std::vector<std::string>& parts) {
    std::string out;
    for (const auto& p : parts) {
        if (!out.empty()) out += "; ";
        out += p;
    }
    return out;
}

std::string issuer_id(X509* issuer) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int length = 0;
    if (X509_digest(issuer, EVP_sha256(), digest.data(), &length) != 1) {
        ossl::take_errors();
        return {};
    }
    return std::string(reinterpret_cast<const char*>(digest.data()), length);
}

bool still_fresh(const std::optional<time_point>& next_update, const freshness& f) {
    return !next_update || *next_update + f.skew >= f.now;
}

bool failure_expired(std::chrono::steady_clock::time_point done_at) {
    return std::chrono::steady_clock::now() - done_at > negative_ttl;
}

// Drops the completed entries (in-flight ones stay); waiters hold their own shared_ptr.
template <typename Map>
void drop_completed(Map& map) {
    for (auto it = map.begin(); it != map.end();) {
        if (it->second->value) it = map.erase(it);
        else ++it;
    }
}

// Drops completed entries once the map is full.
template <typename Map>
void make_room(Map& map) {
    if (map.size() >= max_memory_entries) drop_completed(map);
}

}  // namespace

template <typename T>
sources::pending<T>::pending(asio::any_io_executor ex) : ready(std::move(ex), asio::steady_timer::time_point::max()) {}

sources::sources(asio::any_io_executor executor, asio::any_io_executor work, const options& opts,
                 const disk_cache* cache, counters& stats, fetch_budget& budget)
    : executor_(executor),
      work_(std::move(work)),
      opts_(opts),
      cache_(cache),
      stats_(stats),
      budget_(budget),
      gates_(executor, opts.per_host_concurrency, opts.host_failure_limit, opts.request_timeout, opts.resolver) {}

template <typename F>
asio::awaitable<std::invoke_result_t<F&>> sources::on_work(F f) {
    co_return co_await asio::co_spawn(
        work_, [&f]() -> asio::awaitable<std::invoke_result_t<F&>> { co_return f(); }, asio::use_awaitable);
}

namespace {

// Why a source (a URL the certificate names) gave no answer, for a status's reason: the URL
// cut at 200 characters (a certificate may name URLs of any length), then what went wrong.
std::string source_failure(std::string_view url, std::string_view why) {
    return fmt::format("{}: {}", url.substr(0, 200), why);
}

// A CRL decoded and its entries sorted (X509_CRL_get0_by_serial sorts them on first use):
// the work of a large one, done on the work thread before the CRL is shared, so that no
// later lookup sorts it while a check reads it.
ossl::x509_crl_ptr parse_sorted_crl(std::span<const unsigned char> der, std::string& error) {
    auto crl = parse_crl(der, error);
    if (crl) {
        X509_REVOKED* unused = nullptr;
        const ossl::asn1_integer_ptr zero(ASN1_INTEGER_new());
        if (zero) static_cast<void>(X509_CRL_get0_by_serial(crl.get(), &unused, zero.get()));
    }
    return crl;
}

}  // namespace

asio::awaitable<verdict> sources::ocsp(X509* cert, X509* issuer, std::vector<std::string> urls, freshness f) {
    if (urls.empty()) co_return unknown_verdict("no OCSP responder in the certificate");
    if (urls.size() > max_urls_per_certificate) urls.resize(max_urls_per_certificate);
    const std::string key = ocsp_key(cert, issuer);
    if (key.empty()) co_return unknown_verdict("cannot compute the OCSP CertID");
    std::string memory_key = key;
    for (const auto& url : urls) memory_key += '\0' + url;

    if (auto it = ocsp_.find(memory_key); it != ocsp_.end()) {
        auto entry = it->second;  // keeps it alive while waiting
        if (!entry->value) co_await entry->ready.async_wait(use_tuple);
        if (entry->value) {
            const verdict& v = *entry->value;
            const bool usable = v.definitive() ? still_fresh(v.next_update, f) : !failure_expired(entry->done_at);
            if (usable) {
                ++stats_.memory_hits;
                co_return v;
            }
        }
    }
    make_room(ocsp_);
    auto entry = std::make_shared<pending<verdict>>(executor_);
    ocsp_[memory_key] = entry;
    verdict v = co_await fetch_ocsp(key, cert, issuer, urls, f);
    entry->value = v;
    entry->done_at = std::chrono::steady_clock::now();
    entry->ready.cancel();
    co_return v;
}

asio::awaitable<verdict> sources::fetch_ocsp(const std::string& key, X509* cert, X509* issuer,
                                             const std::vector<std::string>& urls, const freshness& f) {
    if (cache_ != nullptr) {
        if (auto stored = cache_->load("ocsp", key)) {
            verdict v = judge_ocsp_response(*stored, cert, issuer, f);
            if (v.definitive()) {
                ++stats_.disk_hits;
                v.status.source = "ocsp";
                co_return v;
            }
        }
    }
    std::string error;
    const auto request = make_ocsp_request(cert, issuer, error);
    if (!request) co_return unknown_verdict(error);
    const std::string encoded = ossl::base64_encode(*request);

    std::vector<std::string> why;
    for (const auto& text : urls) {
        auto url = parse_http_url(text, error);
        if (!url) {
            why.push_back(source_failure(text, error));
            continue;
        }
        fetch_spec spec;
        spec.accept = "application/ocsp-response";
        spec.max_body = opts_.ocsp_max_bytes;
        spec.timeout = opts_.request_timeout;
        spec.max_redirects = opts_.max_redirects;
        const std::string get_target = ocsp_get_target(*url, encoded);
        if (opts_.ocsp_get && url->host_header.size() + get_target.size() + 7 < max_get_url) {
            url->target = get_target;
        } else {
            spec.method = "POST";
            spec.content_type = "application/ocsp-request";
            spec.body = *request;
        }
        std::function<void()> count = [this] { ++stats_.ocsp_requests; };
        fetch_result fetched = co_await fetch(*url, std::move(spec), gates_, {opts_.fetch, budget_}, std::move(count));
        if (!fetched.ok) {
            why.push_back(source_failure(url->text, fetched.error));
            continue;
        }
        verdict v = judge_ocsp_response(fetched.body, cert, issuer, f);
        if (v.definitive()) {
            v.status.source = "ocsp";
            if (cache_ != nullptr) cache_->store("ocsp", key, fetched.body);
            co_return v;
        }
        why.push_back(source_failure(url->text, v.status.reason));
    }
    co_return unknown_verdict(join(why));
}

asio::awaitable<verdict> sources::crl(X509* cert, X509* issuer, std::vector<std::string> urls, freshness f) {
    if (urls.empty()) co_return unknown_verdict("no CRL distribution point in the certificate");
    if (urls.size() > max_urls_per_certificate) urls.resize(max_urls_per_certificate);
    std::vector<std::string> why;
    for (const auto& url : urls) {
        auto state = co_await crl_for_url(url, f);
        if (!state->crl) {
            why.push_back(source_failure(url, state->error));
            continue;
        }
        if (auto problem = co_await checked_crl(url, state, issuer, f); !problem.empty()) {
            why.push_back(source_failure(url, problem));
            continue;
        }
        if (auto scope = crl_scope_problem(state->crl.get(), cert, url); !scope.empty()) {
            why.push_back(source_failure(url, scope));
            continue;
        }
        verdict v = lookup_crl(state->crl.get(), cert);
        v.status.source = "crl";
        co_return v;
    }
    co_return unknown_verdict(join(why));
}

asio::awaitable<std::string> sources::checked_crl(const std::string& url, std::shared_ptr<crl_state>& state,
                                                  X509* issuer, const freshness& f) {
    const std::string id = issuer_id(issuer);
    // The signature over a large CRL and the walk over its entries take long: on the work
    // thread (once per issuer; two callers at once may both check).
    auto check = [&]() -> asio::awaitable<std::string> {
        if (const auto it = state->checks.find(id); it != state->checks.end()) co_return it->second;
        X509_CRL* crl = state->crl.get();
        auto result = co_await on_work([&] { return check_crl(crl, issuer, f); });
        state->checks.emplace(id, result);
        co_return result;
    };
    auto problem = co_await check();
    if (!problem.empty() && state->from_disk) {
        // Tampered with on disk, or written there before this check existed: the disk
        // copy stands for nothing, the CRL is downloaded again (once, for every caller).
        if (const auto it = crls_.find(url); it != crls_.end() && it->second->value && *it->second->value == state)
            crls_.erase(it);
        state = co_await crl_for_url(url, f, false);
        if (!state->crl) co_return state->error;
        problem = co_await check();
    }
    // Only a CRL its issuer signed goes to disk: a forged download is never kept.
    if (problem.empty() && cache_ != nullptr && !state->on_disk && crl_next_update(state->crl.get())) {
        unsigned char* der = nullptr;
        const int length = i2d_X509_CRL(state->crl.get(), &der);
        if (length > 0)
            cache_->store("crl", url, std::span<const unsigned char>(der, static_cast<std::size_t>(length)));
        OPENSSL_free(der);
        state->on_disk = true;
    }
    co_return problem;
}

asio::awaitable<std::shared_ptr<sources::crl_state>> sources::crl_for_url(const std::string& url, const freshness& f,
                                                                          bool use_disk) {
    if (auto it = crls_.find(url); it != crls_.end()) {
        auto entry = it->second;
        if (!entry->value) co_await entry->ready.async_wait(use_tuple);
        if (entry->value) {
            const auto& state = *entry->value;
            const bool usable =
                state->crl ? still_fresh(crl_next_update(state->crl.get()), f) : !failure_expired(entry->done_at);
            if (usable) {
                ++stats_.memory_hits;
                co_return state;
            }
        }
    }
    make_room(crls_);
    auto entry = std::make_shared<pending<std::shared_ptr<crl_state>>>(executor_);
    crls_[url] = entry;
    auto state = co_await download_crl(url, f, use_disk);
    if (crl_bytes_ + state->der_bytes > max_crl_memory_bytes) {
        drop_completed(crls_);  // in-flight ones hold no CRL yet
        crl_bytes_ = 0;
    }
    crl_bytes_ += state->der_bytes;
    entry->value = state;
    entry->done_at = std::chrono::steady_clock::now();
    entry->ready.cancel();
    co_return state;
}

asio::awaitable<std::shared_ptr<sources::crl_state>> sources::download_crl(const std::string& text, const freshness& f,
                                                                           bool use_disk) {
    auto state = std::make_shared<crl_state>();
    std::string error;
    if (cache_ != nullptr && use_disk) {
        if (auto stored = cache_->load("crl", text)) {
            auto crl = co_await on_work([&] { return parse_sorted_crl(*stored, error); });
            // Its signature is checked against the issuer that asks (checked_crl).
            if (crl && crl_next_update(crl.get()) && still_fresh(crl_next_update(crl.get()), f)) {
                ++stats_.disk_hits;
                state->crl = std::move(crl);
                state->der_bytes = stored->size();
                state->from_disk = state->on_disk = true;
                co_return state;
            }
        }
    }
    auto url = parse_http_url(text, error);
    if (!url) {
        state->error = std::move(error);
        co_return state;
    }
    fetch_spec spec;
    spec.accept = "application/pkix-crl";
    spec.max_body = opts_.crl_max_bytes;
    spec.timeout = opts_.request_timeout;
    spec.max_redirects = opts_.max_redirects;
    std::function<void()> count = [this] { ++stats_.crl_downloads; };
    fetch_result fetched = co_await fetch(*url, std::move(spec), gates_, {opts_.fetch, budget_}, std::move(count));
    if (!fetched.ok) {
        state->error = std::move(fetched.error);
        co_return state;
    }
    state->crl = co_await on_work([&] { return parse_sorted_crl(fetched.body, error); });
    state->der_bytes = fetched.body.size();
    if (!state->crl) {
        state->error = std::move(error);
        co_return state;
    }
    co_return state;  // kept on disk once its issuer's signature holds (checked_crl)
}

}  // namespace tlsaudit::revocation::detail
