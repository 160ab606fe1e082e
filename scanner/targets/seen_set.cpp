#include "seen_set.hpp"

#include <tlsaudit/shard.hpp>

namespace tlsaudit::targets::detail {

namespace {

constexpr std::size_t initial_slots = 1024;

bool insert_into(std::vector<std::uint64_t>& slots, std::uint64_t hash) {
    const std::size_t mask = slots.size() - 1;
    for (std::size_t i = static_cast<std::size_t>(hash) & mask;; i = (i + 1) & mask) {
        if (slots[i] == hash) return false;
        if (slots[i] == 0) {
            slots[i] = hash;
            return true;
        }
    }
}

}  // namespace

// The shard hash (FNV-1a then fmix64) is well mixed in its low bits, which pick the slot.
std::uint64_t hash_key(std::string_view key) { return shard_hash(key); }

bool seen_set::insert(std::string_view key) {
    std::uint64_t hash = hash_key(key);
    if (hash == 0) hash = 1;  // 0 is the empty marker
    if (slots_.empty()) slots_.assign(initial_slots, 0);
    if ((size_ + 1) * 10 > slots_.size() * 7) grow();
    if (!insert_into(slots_, hash)) return false;
    ++size_;
    return true;
}

void seen_set::grow() {
    std::vector<std::uint64_t> bigger(slots_.size() * 2, 0);
    for (const std::uint64_t hash : slots_) {
        if (hash != 0) insert_into(bigger, hash);
    }
    slots_.swap(bigger);
}

}  // namespace tlsaudit::targets::detail
