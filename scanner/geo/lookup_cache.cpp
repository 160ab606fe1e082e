#include "lookup_cache.hpp"

namespace tlsaudit::geo::detail {

lookup_cache::lookup_cache(std::size_t capacity)
    : per_shard_(capacity == 0 ? 0 : (capacity + shard_count - 1) / shard_count) {}

lookup_cache::shard& lookup_cache::shard_for(const ip_address& address) {
    // The hash's low bits pick the bucket inside the shard's map; use high bits here.
    return shards_[(ip_address_hash{}(address) >> 56) % shard_count];
}

std::optional<geo_info> lookup_cache::find(const ip_address& address) {
    if (per_shard_ == 0) return std::nullopt;
    auto& s = shard_for(address);
    std::lock_guard lock(s.mutex);
    const auto it = s.index.find(address);
    if (it == s.index.end()) return std::nullopt;
    s.order.splice(s.order.begin(), s.order, it->second);
    return it->second->second;
}

void lookup_cache::insert(const ip_address& address, const geo_info& info) {
    if (per_shard_ == 0) return;
    auto& s = shard_for(address);
    std::lock_guard lock(s.mutex);
    if (const auto it = s.index.find(address); it != s.index.end()) {
        it->second->second = info;
        s.order.splice(s.order.begin(), s.order, it->second);
        return;
    }
    s.order.emplace_front(address, info);
    s.index.emplace(address, s.order.begin());
    if (s.order.size() > per_shard_) {
        s.index.erase(s.order.back().first);
        s.order.pop_back();
    }
}

std::size_t lookup_cache::size() const {
    std::size_t n = 0;
    for (const auto& s : shards_) {
        std::lock_guard lock(s.mutex);
        n += s.order.size();
    }
    return n;
}

void lookup_cache::clear() {
    for (auto& s : shards_) {
        std::lock_guard lock(s.mutex);
        s.index.clear();
        s.order.clear();
    }
}

}  // namespace tlsaudit::geo::detail
