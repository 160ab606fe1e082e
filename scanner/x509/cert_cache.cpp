#include <tlsaudit/cert_cache.hpp>

#include <tlsaudit/x509.hpp>

#include "ossl/encoding.hpp"

namespace tlsaudit::x509 {

cert_cache::cert_cache(std::size_t max_entries) : max_per_shard_(std::max<std::size_t>(1, max_entries / shard_count)) {}

parsed_cert cert_cache::parse(std::span<const unsigned char> der) {
    std::string key = ossl::sha256_raw(der);
    shard& s = shards_[static_cast<unsigned char>(key[0]) % shard_count];
    {
        std::lock_guard lock(s.mutex);
        if (auto it = s.entries.find(key); it != s.entries.end()) {
            ++s.hits;
            return it->second;
        }
        ++s.misses;
    }
    // Parse outside the lock: two threads meeting a new certificate at once both parse it.
    parsed_cert parsed;
    parsed.info = parse_certificate(der, parsed.error);
    std::lock_guard lock(s.mutex);
    if (s.entries.size() >= max_per_shard_) s.entries.clear();
    s.entries.emplace(std::move(key), parsed);
    return parsed;
}

std::size_t cert_cache::sum(std::size_t shard::*counter) const {
    std::size_t n = 0;
    for (const auto& s : shards_) {
        std::lock_guard lock(s.mutex);
        n += s.*counter;
    }
    return n;
}

std::string chain_identity(std::span<const bytes> chain, std::span<const parsed_cert> certs) {
    if (certs.size() != chain.size()) return {};
    std::string identity;
    identity.reserve(certs.size() * 64);
    for (const auto& c : certs) {
        if (!c.info || c.info->sha256.size() != 64) return {};
        identity += c.info->sha256;
    }
    return identity;
}

std::size_t cert_cache::hits() const { return sum(&shard::hits); }

std::size_t cert_cache::misses() const { return sum(&shard::misses); }

}  // namespace tlsaudit::x509
