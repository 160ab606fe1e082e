#include "issuer_memo.hpp"

#include <tlsaudit/x509.hpp>

#include <exception>
#include <string_view>

namespace tlsaudit::app {

std::vector<bytes> certificates_in(const bytes& body) {
    std::string ignored;
    if (x509::parse_certificate(body, ignored)) return {body};
    try {
        return x509::pem_to_der(std::string_view(reinterpret_cast<const char*>(body.data()), body.size()));
    } catch (const std::exception&) {
        return {};  // neither DER nor PEM (e.g. PKCS#7 .p7c): nothing usable
    }
}

issuer_memo::answer issuer_memo::certificates(const std::string& url, const download& fetch, std::string* why) {
    std::promise<outcome> mine;
    std::shared_future<outcome> theirs;
    {
        std::lock_guard lock(mutex_);
        const auto [it, first] = answers_.try_emplace(url);
        if (first) it->second = mine.get_future().share();
        else theirs = it->second;
    }
    if (theirs.valid()) {
        const auto& known = theirs.get();
        if (why != nullptr) *why = known.why;
        return known.certificates;
    }
    outcome found;
    try {
        if (const auto body = fetch(url, found.why)) found.certificates = certificates_in(*body);
    } catch (...) {
        mine.set_exception(std::current_exception());
        std::lock_guard lock(mutex_);
        answers_.erase(url);  // not an answer: the next ask tries again
        throw;
    }
    mine.set_value(found);
    // Every answer counts, a failure too (its URL and the map's node), so that a fleet of
    // distinct failing URLs is bounded as well.
    std::size_t size = url.size() + found.why.size() + entry_overhead;
    for (const auto& der : found.certificates.value_or(std::vector<bytes>{})) size += der.size();
    std::lock_guard lock(mutex_);
    bytes_ += size;
    if (bytes_ > max_bytes_) {
        // Threads waiting on a forgotten URL keep their copy of its future.
        answers_.clear();
        bytes_ = 0;
    }
    if (why != nullptr) *why = found.why;
    return found.certificates;
}

}  // namespace tlsaudit::app
