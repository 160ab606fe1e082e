// verify_cache: one validation per distinct chain, shared by every thread of a scan.

#include <tlsaudit/trust.hpp>
#include <tlsaudit/x509.hpp>

#include "ossl/encoding.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <future>
#include <mutex>
#include <string>
#include <unordered_map>

namespace tlsaudit::x509 {

struct verify_cache::state {
    std::mutex mutex;
    std::unordered_map<std::string, std::shared_future<std::shared_ptr<const chain_verdict>>> entries;
    std::atomic<std::size_t> validations{0};
};

verify_cache::verify_cache(const trust_store& store, std::size_t max_entries)
    : store_(store), max_entries_(std::max<std::size_t>(1, max_entries)), state_(std::make_unique<state>()) {}

verify_cache::~verify_cache() = default;

std::shared_ptr<const chain_verdict> verify_cache::verify(std::span<const bytes> served, time_point at,
                                                          std::span<const bytes> extra,
                                                          std::string_view served_identity,
                                                          std::span<const parsed_cert> served_parsed) {
    // The certificates' digests identify the chain; the time is part of the key because
    // validity depends on it.
    std::string key = fmt::format("{}|{}|{}|", at.time_since_epoch().count(), served.size(), extra.size());
    if (!served_identity.empty()) {
        key += served_identity;
    } else {
        for (const auto& der : served) key += ossl::sha256_hex(der);
    }
    for (const auto& der : extra) key += ossl::sha256_hex(der);

    std::promise<std::shared_ptr<const chain_verdict>> promise;
    std::shared_future<std::shared_ptr<const chain_verdict>> future;
    {
        std::lock_guard lock(state_->mutex);
        // Emptied when full; callers waiting on an entry keep their own future.
        if (state_->entries.size() >= max_entries_ && !state_->entries.contains(key)) state_->entries.clear();
        auto [it, inserted] = state_->entries.try_emplace(key);
        if (!inserted) {
            future = it->second;
        } else {
            it->second = promise.get_future().share();
        }
    }
    if (future.valid()) return future.get();  // computed (or being computed) by another caller

    try {
        ++state_->validations;
        auto verdict = std::make_shared<const chain_verdict>(store_.verify(served, at, extra, served_parsed));
        promise.set_value(verdict);
        return verdict;
    } catch (...) {
        // Let waiting callers see the failure, and let a later call try again.
        promise.set_exception(std::current_exception());
        std::lock_guard lock(state_->mutex);
        state_->entries.erase(key);
        throw;
    }
}

std::size_t verify_cache::validations() const { return state_->validations.load(); }

}  // namespace tlsaudit::x509
