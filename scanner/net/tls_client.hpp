#pragma once
// One endpoint: connect, STARTTLS when the target asks for it, TLS handshake with SNI and
// status_request, capture what was served.
// Verification is off on purpose: a scanner records the chains a browser would reject.

#include "asio_fwd.hpp"

#include <tlsaudit/model.hpp>

#include <boost/asio/ssl/context.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace tlsaudit::net::detail {

// The client context shared by every connection of a scan (SSL_CTX is safe to share).
// TLS 1.0-1.3 and security level 0 so old and weak servers are observed, not refused;
// no session cache or tickets so every endpoint serves its full chain.
// Throws std::runtime_error when OpenSSL refuses the configuration.
asio::ssl::context make_client_context(const std::vector<std::string>& alpn);

// The largest Certificate message the client accepts (OpenSSL's max_cert_list, default
// 100 KiB): room for a 200-certificate chain, while bounding what one hostile server can
// make the scanner hold (a small multiple of this per connection: OpenSSL's message
// buffer, its parsed certificates and the captured copy). OpenSSL checks the length in
// the message header before buffering the body; larger messages fail with
// error_codes::chain_too_large.
inline constexpr long max_certificate_message = 1024 * 1024;

// Spaces connection starts evenly to at most `per_second`; shared by all threads, lock-free.
class rate_limiter {
public:
    explicit rate_limiter(double per_second);
    // How long the caller must wait before starting its connection (zero when unlimited).
    std::chrono::nanoseconds reserve();

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

// Scans `address` on t.port, sending t.sni and speaking t.starttls first when set.
// Never throws for network or TLS failures: they are classified into capture::error.
asio::awaitable<capture> scan_endpoint(asio::ssl::context& ctx, const std::string& address, const target& t,
                                       const endpoint_limits& limits, rate_limiter& limiter);

}  // namespace tlsaudit::net::detail
