#pragma once
// Bounded, thread-safe cache of answers per address (internal): 16 shards, each an LRU
// list under its own mutex, so scan threads rarely wait on each other.

#include "address.hpp"

#include <tlsaudit/geo_info.hpp>

#include <array>
#include <cstddef>
#include <list>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <utility>

namespace tlsaudit::geo::detail {

class lookup_cache {
public:
    // Holds at most `capacity` addresses (rounded up to a multiple of the shard count);
    // 0 disables the cache.
    explicit lookup_cache(std::size_t capacity);

    std::optional<geo_info> find(const ip_address& address);
    void insert(const ip_address& address, const geo_info& info);
    std::size_t size() const;
    // Forget everything (after a database was dropped, answers may change).
    void clear();

private:
    static constexpr std::size_t shard_count = 16;
    using entry = std::pair<ip_address, geo_info>;
    struct shard {
        mutable std::mutex mutex;
        std::list<entry> order;  // most recently used first
        std::unordered_map<ip_address, std::list<entry>::iterator, ip_address_hash> index;
    };
    shard& shard_for(const ip_address& address);

    std::size_t per_shard_;
    std::array<shard, shard_count> shards_;
};

}  // namespace tlsaudit::geo::detail
