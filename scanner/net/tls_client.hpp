#pragma once
// One endpoint: for each probe, connect, STARTTLS when the target asks for it, and capture
// what the server sends to that probe's ClientHello (engines.hpp). Verification is off on
// purpose: a scanner records the chains a browser would reject.

#include "asio_fwd.hpp"
#include "probes.hpp"

#include <tlsaudit/model.hpp>

#include <boost/asio/ssl/context.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace tlsaudit::net::detail {

// The openssl engine's context shared by every connection of a scan (SSL_CTX is safe to
// share). TLS 1.0-1.3 and security level 0 so old and weak servers are observed, not
// refused; no session cache or tickets so every endpoint serves its full chain.
// Throws std::runtime_error when OpenSSL refuses the configuration.
asio::ssl::context make_client_context(const std::vector<std::string>& alpn);

// The largest Certificate message either engine accepts: room for a 200-certificate
// chain, while bounding what one hostile server can make the scanner hold. Both engines
// check the length in the message header before buffering the body; larger messages fail
// with error_codes::chain_too_large.
inline constexpr long max_certificate_message = 1024 * 1024;

// Spaces connection starts evenly to at most `per_second`; shared by all threads, lock-free.
class rate_limiter {
public:
    explicit rate_limiter(double per_second);
    // Reserves `n` consecutive start times and returns the first (now when unlimited); the
    // k-th is first + k * interval(). An endpoint reserves one per probe when it starts, so
    // its probes follow one another instead of queueing behind the first probes of every
    // endpoint in flight (its record would wait for all of them).
    std::chrono::steady_clock::time_point reserve(std::size_t n = 1);
    std::chrono::nanoseconds interval() const { return std::chrono::nanoseconds(interval_ns_); }

private:
    std::int64_t interval_ns_;
    std::atomic<std::int64_t> next_ns_{0};
};

struct endpoint_limits {
    std::chrono::milliseconds connect_timeout{5000};
    std::chrono::milliseconds handshake_timeout{10000};
    int retries = 1;
    std::chrono::milliseconds starttls_timeout{10000};
};

// Scans `address` on t.port with every probe of `clients`, sending t.sni (but for the
// no-sni probe) and speaking t.starttls first when set. The probes after the first run
// only when the first received a chain. Never throws for network or TLS failures: they
// are classified into capture::error (the first probe's) and capture::probes.
asio::awaitable<capture> scan_endpoint(client_set& clients, const std::string& address, const target& t,
                                       const endpoint_limits& limits, rate_limiter& limiter);

}  // namespace tlsaudit::net::detail
