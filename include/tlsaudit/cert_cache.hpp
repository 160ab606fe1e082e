#pragma once
// Each distinct certificate parsed once per scan (scanner/x509). Ten thousand endpoints
// behind one intermediate cost one parse of it: OpenSSL 3's d2i_X509 is the most
// expensive step of a scan after the handshake itself.

#include <tlsaudit/model.hpp>

#include <array>
#include <cstddef>
#include <mutex>
#include <span>
#include <string>
#include <unordered_map>

namespace tlsaudit::x509 {

class cert_cache {
public:
    // Holds at most about `max_entries` certificates; when a shard fills up it is
    // emptied (a scan meets far fewer distinct intermediates than that).
    explicit cert_cache(std::size_t max_entries = 4096);

    // parse_certificate(der) or a copy of the earlier result for the same DER (keyed by
    // SHA-256, so a server cannot make its certificate stand for another's).
    // Thread-safe: callers on different shards never wait for each other.
    parsed_cert parse(std::span<const unsigned char> der);

    std::size_t hits() const;
    std::size_t misses() const;

private:
    struct shard {
        mutable std::mutex mutex;
        std::unordered_map<std::string, parsed_cert> entries;
        std::size_t hits = 0;
        std::size_t misses = 0;
    };
    std::size_t sum(std::size_t shard::*counter) const;

    static constexpr std::size_t shard_count = 16;
    std::size_t max_per_shard_;
    std::array<shard, shard_count> shards_;
};

// The identity of the served `chain` for the caches keyed on it (verification,
// revocation), from `certs`, its certificates as parsed: their SHA-256 (cert_info::sha256,
// hex) in order, or "" when `certs` does not match `chain` one for one or one of them did
// not parse (the cache then hashes the DER itself, to the same key).
std::string chain_identity(std::span<const bytes> chain, std::span<const parsed_cert> certs);

}  // namespace tlsaudit::x509
