#include "sources.hpp"

#include "decoded_chain.hpp"

#include "ocsp.hpp"
#include "ossl/encoding.hpp"

#include <tlsaudit/revocation.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>

#include <algorithm>
#include <condition_variable>
#include <exception>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

namespace tlsaudit::revocation {
namespace {

namespace asio = boost::asio;

using detail::freshness;
using detail::verdict;

void validate(const options& o) {
    if (o.order.empty()) throw std::invalid_argument("revocation: no method in the order");
    if (o.per_host_concurrency == 0) throw std::invalid_argument("revocation: per-host concurrency must be > 0");
    if (o.max_pending == 0) throw std::invalid_argument("revocation: max_pending must be > 0");
    if (o.request_timeout.count() <= 0) throw std::invalid_argument("revocation: timeout must be > 0");
    if (o.crl_max_bytes == 0 || o.ocsp_max_bytes == 0)
        throw std::invalid_argument("revocation: size limits must be > 0");
    if (o.max_redirects < 0) throw std::invalid_argument("revocation: max_redirects must be >= 0");
    if (!o.budget && o.fetch.max_destinations == 0)
        throw std::invalid_argument("revocation: the fetch destination cap must be > 0");
    for (const auto& entry : o.fetch.allow)
        if (const auto why = ip::check_fetch_allow(entry); !why.empty())
            throw std::invalid_argument("revocation: --fetch-allow " + entry + ": " + why);
}

// Decoded chains kept for reuse (a few KiB each): endpoints serving one chain tend to
// come close together (a name's addresses, a CDN), so a small memo is enough.
constexpr std::size_t max_decoded_chains = 512;

// What a chain gets without asking anyone: no entry for a certificate that is not
// checked; no_revocation_source_reason for one that names no source and came with no
// staple (whether or not its issuer is known: nothing could be asked anyway); "issuer not
// served" for one with a source but no issuer to check it against. The positions that
// need a source are in `ask`.
struct local_answers {
    chain_status status;
    std::vector<std::size_t> ask;
};

local_answers answer_locally(const detail::decoded_chain& chain, const bytes& stapled, depth d) {
    local_answers out{chain_status(chain.certs.size()), {}};
    const std::size_t count = d == depth::leaf ? std::min<std::size_t>(1, chain.certs.size()) : chain.certs.size();
    for (std::size_t i = 0; i < count; ++i) {
        if (chain.certs[i] == nullptr || chain.self_signed[i]) continue;
        const bool has_source =
            (i == 0 && !stapled.empty()) || !chain.ocsp_urls[i].empty() || !chain.crl_urls[i].empty();
        if (!has_source) {
            out.status[i] =
                revocation_status{"unknown", "", std::string(no_revocation_source_reason), std::nullopt, {}};
        } else if (chain.issuers[i] == nullptr) {
            out.status[i] = revocation_status{"unknown", "", "issuer not served", std::nullopt, {}};
        } else {
            out.ask.push_back(i);
        }
    }
    return out;
}

}  // namespace

struct checker::impl {
    explicit impl(options o)
        : opts(std::move(o)),
          budget(opts.budget ? opts.budget : std::make_shared<fetch_budget>(opts.fetch.max_destinations)),
          cache(opts.cache_dir ? std::make_unique<detail::disk_cache>(*opts.cache_dir) : nullptr),
          src(io.get_executor(), crl_work.get_executor(), opts, cache.get(), stats, *budget),
          guard(io.get_executor()),
          thread([this] { io.run(); }) {}

    ~impl() {
        guard.reset();
        thread.join();
    }

    freshness now() const {
        freshness f;
        f.now = opts.now.value_or(std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()));
        f.skew = opts.clock_skew;
        f.max_age_without_next_update = opts.max_age_without_next_update;
        return f;
    }

    asio::awaitable<revocation_status> check_one(X509* cert, X509* issuer, const bytes& stapled,
                                                 const std::vector<std::string>& ocsp_urls,
                                                 const std::vector<std::string>& crl_urls, freshness f) {
        std::vector<std::string> why;
        std::string staple_rejected;  // kept whatever answers instead: the server's stapling is broken
        if (!stapled.empty()) {
            verdict v = judge_stapled(stapled, cert, issuer, f);
            if (v.definitive()) {
                ++stats.stapled_used;
                v.status.source = "stapled";
                co_return v.status;
            }
            ++stats.stapled_rejected;
            staple_rejected = v.status.reason;
            why.push_back("stapled: " + v.status.reason);
        }
        for (const method m : opts.order) {
            // Plain statements around co_await: g++ 12 mishandles temporaries of
            // co_await inside conditional expressions.
            verdict v;
            if (m == method::ocsp) {
                v = co_await src.ocsp(cert, issuer, ocsp_urls, f);
            } else {
                v = co_await src.crl(cert, issuer, crl_urls, f);
            }
            if (v.definitive()) {
                v.status.staple_rejected = std::move(staple_rejected);
                co_return v.status;
            }
            why.push_back(std::string(to_string(m)) + ": " + v.status.reason);
        }
        revocation_status s;
        s.state = "unknown";
        for (const auto& w : why) s.reason += (s.reason.empty() ? "" : "; ") + w;
        s.staple_rejected = std::move(staple_rejected);
        co_return s;
    }

    // The decoded chain from the memo, or decoded now (and remembered). Called from the
    // scan threads: two of them may decode one chain at once, and one copy is kept.
    std::shared_ptr<const detail::decoded_chain> decoded(const request& req) {
        const std::string key = detail::chain_key(req);
        {
            std::lock_guard lock(chains_mutex);
            if (auto it = chains.find(key); it != chains.end()) return it->second;
        }
        auto chain = detail::decode_chain(req);
        std::lock_guard lock(chains_mutex);
        if (chains.size() >= max_decoded_chains) chains.clear();
        chains.emplace(key, chain);
        return chain;
    }

    // A stapled response is judged once per (response, certificate) while it is fresh.
    verdict judge_stapled(const bytes& stapled, X509* cert, X509* issuer, const freshness& f) {
        const std::string key = ossl::sha256_hex(stapled) + detail::ocsp_key(cert, issuer);
        if (auto it = stapled_memo.find(key); it != stapled_memo.end()) {
            const verdict& v = it->second;
            if (v.definitive() && v.next_update && *v.next_update + f.skew >= f.now) return v;
        }
        if (stapled_memo.size() >= detail::max_memory_entries) stapled_memo.clear();
        verdict v = detail::judge_ocsp_response(stapled, cert, issuer, f);
        stapled_memo[key] = v;
        return v;
    }

    asio::awaitable<chain_status> run(request req, std::shared_ptr<const detail::decoded_chain> chain,
                                      local_answers local) {
        const freshness f = now();
        const bytes no_staple;
        for (const std::size_t i : local.ask) {
            const bytes& stapled = i == 0 ? req.stapled_ocsp : no_staple;
            revocation_status status = co_await check_one(chain->certs[i].get(), chain->issuers[i], stapled,
                                                          chain->ocsp_urls[i], chain->crl_urls[i], f);
            local.status[i] = std::move(status);
        }
        co_return std::move(local.status);
    }

    // Calls `done` and counts the check; what it throws is kept for drain(), so that a
    // throwing callback stops neither the checker's thread nor the caller of check().
    void deliver(completion& done, chain_status status) {
        std::exception_ptr failed;
        try {
            done(std::move(status));
        } catch (...) {
            failed = std::current_exception();
        }
        ++stats.checks;
        if (!failed) return;
        std::lock_guard lock(mutex);
        if (!callback_error) callback_error = failed;
    }

    void finish() {
        {
            std::lock_guard lock(mutex);
            --pending;
        }
        changed.notify_all();
    }

    // Declaration order is destruction order reversed: the io_context outlives every
    // object holding its timers and sockets; the thread is joined in ~impl(). The work
    // thread (large CRLs: decoding, signature) outlives the io_context, whose coroutines
    // may be waiting on it.
    asio::thread_pool crl_work{1};
    asio::io_context io{1};
    options opts;
    std::shared_ptr<fetch_budget> budget;
    detail::counters stats;
    std::unique_ptr<detail::disk_cache> cache;
    detail::sources src;
    std::mutex chains_mutex;
    std::map<std::string, std::shared_ptr<const detail::decoded_chain>> chains;
    // Used on the io thread only.
    std::map<std::string, verdict> stapled_memo;
    asio::executor_work_guard<asio::io_context::executor_type> guard;
    std::mutex mutex;
    std::condition_variable changed;
    std::size_t pending = 0;
    std::exception_ptr callback_error;  // the first exception a callback threw
    std::thread thread;
};

checker::checker(options opts) {
    validate(opts);
    impl_ = std::make_unique<impl>(std::move(opts));
}

checker::~checker() {
    if (!impl_) return;
    try {
        drain();
    } catch (...) {
        // Already reported by an earlier drain(), or the owner is unwinding.
    }
}

void checker::check(request req, completion done) {
    impl* self = impl_.get();
    auto chain = self->decoded(req);
    local_answers local = answer_locally(*chain, req.stapled_ocsp, self->opts.depth);
    if (local.ask.empty()) {
        // Nothing to fetch or judge: most chains on internal networks and in labs. A hop
        // to the checker's thread would cost more than the whole answer.
        self->deliver(done, std::move(local.status));
        return;
    }
    req.parsed = {};  // the caller's, valid during this call only
    {
        std::unique_lock lock(self->mutex);
        self->changed.wait(lock, [self] { return self->pending < self->opts.max_pending; });
        ++self->pending;
    }
    asio::post(self->io, [self, req = std::move(req), chain = std::move(chain), local = std::move(local),
                          done = std::move(done)]() mutable {
        const std::size_t size = req.chain.size();
        asio::co_spawn(
            self->io, self->run(std::move(req), std::move(chain), std::move(local)),
            [self, size, done = std::move(done)](std::exception_ptr e, chain_status status) mutable {
                if (e) status.assign(size, revocation_status{"unknown", "", "internal error", std::nullopt, {}});
                self->deliver(done, std::move(status));
                self->finish();
            });
    });
}

void checker::drain() {
    std::unique_lock lock(impl_->mutex);
    impl_->changed.wait(lock, [this] { return impl_->pending == 0; });
    if (auto error = std::exchange(impl_->callback_error, nullptr)) std::rethrow_exception(error);
}

std::size_t checker::pending() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->pending;
}

statistics checker::stats() const {
    const auto& c = impl_->stats;
    const auto& b = *impl_->budget;
    return {c.checks.load(),           c.ocsp_requests.load(),
            c.crl_downloads.load(),    c.memory_hits.load(),
            c.disk_hits.load(),        c.stapled_used.load(),
            c.stapled_rejected.load(), b.bytes(),
            b.destinations(),          b.refusals()};
}

}  // namespace tlsaudit::revocation
