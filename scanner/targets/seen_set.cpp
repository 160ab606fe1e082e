#include "seen_set.hpp"

namespace tlsaudit::targets::detail {

namespace {

constexpr std::uint64_t fnv_offset_basis = 0xcbf29ce484222325ULL;
constexpr std::uint64_t fnv_prime = 0x100000001b3ULL;
constexpr std::size_t initial_slots = 1024;

bool insert_into(std::vector<std::uint64_t>& slots, std::uint64_t hash)
{
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

std::uint64_t hash_key(std::string_view key)
{
    std::uint64_t h = fnv_offset_basis;
    for (const char c : key) {
        h ^= static_cast<unsigned char>(c);
        h *= fnv_prime;
    }
    // Avalanche: every input bit affects every output bit (a bijection, so it adds no
    // collisions of its own).
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
}

bool seen_set::insert(std::string_view key)
{
    std::uint64_t hash = hash_key(key);
    if (hash == 0) hash = 1;  // 0 is the empty marker
    if (slots_.empty()) slots_.assign(initial_slots, 0);
    if ((size_ + 1) * 10 > slots_.size() * 7) grow();
    if (!insert_into(slots_, hash)) return false;
    ++size_;
    return true;
}

void seen_set::grow()
{
    std::vector<std::uint64_t> bigger(slots_.size() * 2, 0);
    for (const std::uint64_t hash : slots_) {
        if (hash != 0) insert_into(bigger, hash);
    }
    slots_.swap(bigger);
}

}  // namespace tlsaudit::targets::detail
