#pragma once
// Sharding a run across machines, and writing a target back as a line (scanner/targets).
// Included by <tlsaudit/targets.hpp>. Pure functions: thread-safe, nothing throws.
//
// Shard membership: a target belongs to shard I of N (0 <= I < N) when
//     shard_hash(t.key()) % N == I
// where key() is the target's identity ("host|port|sni|starttls", the protocol empty for
// direct TLS; model.hpp). Each expanded target is hashed on its own: the addresses of a
// CIDR block, and the ports of a --port list, spread over the shards independently.
// Input errors belong to shard 0 only, so the merged report of all shards lists each once.
//
// shard_hash is part of the interface, frozen so that every machine and every version of
// tlsaudit agrees on which shard a target is in (std::hash promises neither):
//     h = 0xcbf29ce484222325                      64-bit FNV-1a over the bytes of key()
//     for each byte b: h = (h ^ b) * 0x100000001b3   (mod 2^64)
//     h ^= h >> 33; h *= 0xff51afd7ed558ccd;       then the MurmurHash3 fmix64 finaliser,
//     h ^= h >> 33; h *= 0xc4ceb9fe1a85ec53;       so that h % N uses well-mixed low bits
//     h ^= h >> 33;                                 (FNV-1a's low bit is only a parity)
// tests/unit/targets/shard_test.cpp pins its values.

#include <tlsaudit/model.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tlsaudit::targets {

inline constexpr std::uint64_t max_shards = 1'000'000;

// Shard `index` of `count`; the default is the whole input.
struct shard {
    std::uint64_t index = 0;
    std::uint64_t count = 1;
};

// A parsed shard, or why the text is not one (`error` is set exactly when `value` is not).
struct shard_parse {
    std::optional<shard> value;
    std::string error;
};

// 64-bit FNV-1a of `data` (offset basis 0xcbf29ce484222325, prime 0x100000001b3).
std::uint64_t fnv1a_64(std::string_view data);

// fnv1a_64 followed by the fmix64 finaliser (see above). Stable across machines and versions.
std::uint64_t shard_hash(std::string_view key);

// The shard (0..count-1) `t` falls in. Precondition: count >= 1.
std::uint64_t shard_of(const target& t, std::uint64_t count);

bool in_shard(const target& t, const shard& s);
bool in_shard(const input_error& e, const shard& s);  // shard 0 only

// "I/N": decimal digits only, 1 <= N <= max_shards, I < N. Errors say what is wrong, e.g.
// "shard index 4 is not below the shard count 4 (shards are numbered 0 to 3)".
shard_parse parse_shard(std::string_view text);

// "I/N" as parse_shard reads it; "" for the whole list (a count of 1).
std::string shard_text(const shard& s);

// The shard for `--shards count` from the value of JOB_COMPLETION_INDEX (nullptr: unset),
// as a Kubernetes Indexed Job sets it: decimal digits, below `count`.
shard_parse shard_from_index(std::uint64_t count, const char* index_value);

// The target as a line that parses back to the same target: "host:port" or
// "[v6addr]:port" (behind "proto://" for STARTTLS), followed by " sni=NAME" when the SNI differs from the host (an IP
// literal with an SNI override).
// `direct_scheme`: a direct-TLS target is written `https://host:port`, so that the line
// parses back to it under a --starttls option too (which would take `host:port` as STARTTLS).
std::string target_line(const target& t, bool direct_scheme = false);

}  // namespace tlsaudit::targets
