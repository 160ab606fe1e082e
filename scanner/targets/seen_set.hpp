#pragma once
// Remembers which target keys a reader has returned, in flat memory: an open-addressing
// table of 64-bit hashes of the keys, not the keys. Cost: 8 bytes per slot, the table is
// kept at most 70% full and doubles, so 11 to 23 bytes per distinct target (about 16 MB
// for a million targets), independent of the length of the names.
//
// Collision risk: two different keys with the same 64-bit hash would make the second
// one be taken for a duplicate and skipped. With a well-mixed hash and n distinct keys
// the chance of any collision is about n^2 / 2^65: 3e-8 for a million targets, 8e-6 for
// a whole IPv4 /8 (16.7 million). That is negligible next to the other ways a scan
// misses a host, and buys memory that does not grow with name length.
//
// Not thread-safe.

#include <cstdint>
#include <string_view>
#include <vector>

namespace tlsaudit::targets::detail {

// shard_hash (shard.hpp): 64-bit FNV-1a followed by a 64-bit avalanche finaliser (the
// FNV state alone has weak low bits, and the low bits pick the slot).
std::uint64_t hash_key(std::string_view key);

class seen_set {
public:
    // True when `key` was not seen before (and is now remembered).
    bool insert(std::string_view key);

    std::size_t size() const { return size_; }

private:
    void grow();

    std::vector<std::uint64_t> slots_;  // 0 marks an empty slot
    std::size_t size_ = 0;
};

}  // namespace tlsaudit::targets::detail
