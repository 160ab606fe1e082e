#include "tls_client.hpp"

#include "engines.hpp"
#include "error_classify.hpp"
#include "socket_deadline.hpp"
#include "starttls.hpp"

#include "ossl/error.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <openssl/ssl.h>

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <stdexcept>

namespace tlsaudit::net::detail {
namespace {

using asio::ip::tcp;
using clock = std::chrono::steady_clock;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

double elapsed_ms(clock::time_point since) {
    return std::chrono::duration<double, std::milli>(clock::now() - since).count();
}

// ALPN wire format: each protocol prefixed by its length.
std::vector<unsigned char> alpn_wire(const std::vector<std::string>& protocols) {
    std::vector<unsigned char> wire;
    for (const auto& p : protocols) {
        if (p.empty() || p.size() > 255) throw std::invalid_argument("bad ALPN protocol name: " + p);
        wire.push_back(static_cast<unsigned char>(p.size()));
        wire.insert(wire.end(), p.begin(), p.end());
    }
    return wire;
}

// A TCP connection to the endpoint, STARTTLS done when the target asks for it.
struct connection {
    std::optional<tcp::socket> socket;
    std::optional<scan_error> error;
    int attempts = 0;
    double connect_ms = 0;
    std::optional<double> starttls_ms;
};

// `slot`: the start time reserved for the first attempt (retries reserve their own).
asio::awaitable<connection> open_connection(const tcp::endpoint& peer, const target& t, const endpoint_limits& limits,
                                            rate_limiter& limiter, std::optional<clock::time_point> slot = {}) {
    connection c;
    auto executor = co_await asio::this_coro::executor;
    socket_deadline deadline(executor);
    for (int attempt = 0; attempt <= limits.retries; ++attempt) {
        const auto start_at = attempt == 0 && slot ? *slot : limiter.reserve();
        if (start_at > clock::now()) {
            asio::steady_timer pause(executor, start_at);
            co_await pause.async_wait(use_tuple);
        }
        c.socket.emplace(executor);
        ++c.attempts;
        const auto started = clock::now();
        deadline.start(*c.socket, limits.connect_timeout);
        const auto [ec] = co_await c.socket->async_connect(peer, use_tuple);
        const bool expired = deadline.stop();
        c.connect_ms = elapsed_ms(started);
        if (!ec) {
            c.error.reset();
            break;
        }
        c.error = expired ? timeout_error("connect", limits.connect_timeout) : classify_connect_error(ec);
        if (c.error->code == error_codes::refused) break;  // a definite answer
    }
    if (c.error || t.starttls.empty()) co_return c;
    const auto started = clock::now();
    c.error = co_await run_starttls(*c.socket, t.starttls, t.sni.empty() ? t.host : t.sni, limits.starttls_timeout);
    c.starttls_ms = elapsed_ms(started);
    co_return c;
}

// One probe: a connection, the capture engine (or openssl), and on a fallback a second
// connection for openssl. The first probe's connection details go into `cap`.
asio::awaitable<probe_result> run_probe(client_set& clients, const probe_client& probe, const tcp::endpoint& peer,
                                        const target& t, const endpoint_limits& limits, rate_limiter& limiter,
                                        clock::time_point slot, capture& cap, bool first) {
    auto c = co_await open_connection(peer, t, limits, limiter, slot);
    if (first) {
        cap.attempts += c.attempts;
        cap.timings.connect_ms = c.connect_ms;
        cap.timings.starttls_ms = c.starttls_ms;
    }
    probe_result result;
    if (c.error) {
        result.error = std::move(c.error);
        co_return result;
    }
    const std::string sni = probe.kind == capture_engine::probe::no_sni ? std::string() : t.sni;
    const bool offer_alpn = t.starttls.empty();  // after STARTTLS the HTTP names would be wrong
    const auto started = clock::now();
    std::string fallback;
    bool with_openssl = !clients.capture_engine;
    if (clients.capture_engine) {
        result = co_await capture_handshake(probe, *c.socket, sni, offer_alpn, clients.verify_handshake,
                                            limits.handshake_timeout);
        if (!result.fallback.empty()) {
            // The capture engine spent the connection: libssl gets a new one.
            fallback = std::move(result.fallback);
            with_openssl = true;
            c = co_await open_connection(peer, t, limits, limiter);
            result = probe_result{};
            result.error = std::move(c.error);
        }
    }
    if (with_openssl && !result.error) {
        // One deadline for the probe's handshake: after a fallback libssl gets what is left.
        const auto left =
            limits.handshake_timeout - std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - started);
        if (left > std::chrono::milliseconds::zero())
            result = co_await openssl_handshake(clients.tls, *c.socket, sni, probe.kind, offer_alpn, left);
        if (left <= std::chrono::milliseconds::zero() ||
            (result.error && result.error->code == error_codes::timeout_handshake))
            result.error = timeout_error("handshake", limits.handshake_timeout);
    }
    boost::system::error_code ignored;
    if (c.socket) c.socket->close(ignored);
    if (first) cap.timings.handshake_ms = elapsed_ms(started);
    result.fallback = std::move(fallback);
    result.engine = with_openssl ? "openssl" : "capture";
    if (result.served.chain.size() > max_chain_certificates) {
        result.error = scan_error{"handshake", error_codes::chain_too_large,
                                  fmt::format("the server's Certificate message holds {} certificates, over the limit "
                                              "of {}; none is kept",
                                              result.served.chain.size(), max_chain_certificates)};
        result.served = {};
    }
    if (result.error) {
        // Only the chain (as far as it came) is kept from a failed handshake, whichever
        // engine made it, so records do not depend on the engine.
        result.served = served_chain{std::move(result.served.chain), {}, {}, {}, {}};
    }
    co_return result;
}

// Index of `chain` among what `cap` already holds: 0 its chain, k its other_chains[k-1].
int chain_index(capture& cap, served_chain&& served) {
    if (served.chain == cap.chain) return 0;
    for (std::size_t i = 0; i < cap.other_chains.size(); ++i)
        if (cap.other_chains[i].chain == served.chain) return static_cast<int>(i) + 1;
    cap.other_chains.push_back(std::move(served));
    return static_cast<int>(cap.other_chains.size());
}

}  // namespace

asio::ssl::context make_client_context(const std::vector<std::string>& alpn) {
    asio::ssl::context ctx(asio::ssl::context::tls_client);
    SSL_CTX* native = ctx.native_handle();
    SSL_CTX_set_verify(native, SSL_VERIFY_NONE, nullptr);
    SSL_CTX_set_security_level(native, 0);
    if (SSL_CTX_set_min_proto_version(native, TLS1_VERSION) != 1 ||
        SSL_CTX_set_max_proto_version(native, TLS1_3_VERSION) != 1)
        ossl::throw_failure("OpenSSL refused TLS 1.0-1.3");
    // Every suite but the anonymous ones (aNULL): a server that prefers them (Postfix's
    // "aNULL:-aNULL:HIGH" with server order) would send no certificate at all.
    if (SSL_CTX_set_cipher_list(native, "ALL:!aNULL:@SECLEVEL=0") != 1)
        ossl::throw_failure("OpenSSL refused the cipher list");
    // TLS 1.3 suites in the capture engine's order, so that a server following the client's
    // order picks the same one from either engine.
    if (SSL_CTX_set_ciphersuites(native,
                                 "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256") != 1)
        ossl::throw_failure("OpenSSL refused the TLS 1.3 suites");
    SSL_CTX_set_options(native, SSL_OP_NO_TICKET | SSL_OP_LEGACY_SERVER_CONNECT | SSL_OP_IGNORE_UNEXPECTED_EOF);
    SSL_CTX_set_session_cache_mode(native, SSL_SESS_CACHE_OFF);
    // Give OpenSSL's record buffers back while a connection waits for its peer.
    SSL_CTX_set_mode(native, SSL_MODE_RELEASE_BUFFERS);
    SSL_CTX_set_max_cert_list(native, max_certificate_message);
    if (!alpn.empty()) {
        auto wire = alpn_wire(alpn);
        if (SSL_CTX_set_alpn_protos(native, wire.data(), static_cast<unsigned int>(wire.size())) != 0)
            throw std::runtime_error("OpenSSL refused the ALPN list");
    }
    return ctx;
}

rate_limiter::rate_limiter(double per_second)
    : interval_ns_(per_second > 0 ? static_cast<std::int64_t>(1e9 / per_second) : 0) {}

clock::time_point rate_limiter::reserve(std::size_t n) {
    const auto now = clock::now();
    if (interval_ns_ == 0) return now;
    const std::int64_t now_ns = now.time_since_epoch().count();
    const auto span = interval_ns_ * static_cast<std::int64_t>(std::max<std::size_t>(n, 1));
    std::int64_t next = next_ns_.load(std::memory_order_relaxed);
    std::int64_t slot = 0;
    do {
        slot = std::max(next, now_ns);
    } while (!next_ns_.compare_exchange_weak(next, slot + span, std::memory_order_relaxed));
    return now + std::chrono::nanoseconds(slot - now_ns);
}

asio::awaitable<capture> scan_endpoint(client_set& clients, const std::string& address, const target& t,
                                       const endpoint_limits& limits, rate_limiter& limiter) {
    capture cap;
    const tcp::endpoint peer(asio::ip::make_address(address), t.port);
    // One start time per probe, reserved together: a probe left out (the first got nothing)
    // leaves its time unused.
    const auto slots = limiter.reserve(clients.probes.size());
    // The endpoint's scanned_at: when its first connection may start (its turn under --rate).
    const auto wait = std::max(slots - clock::now(), clock::duration::zero());
    cap.scanned_at = std::chrono::floor<std::chrono::seconds>(
        std::chrono::system_clock::now() + std::chrono::duration_cast<std::chrono::system_clock::duration>(wait));
    for (std::size_t i = 0; i < clients.probes.size(); ++i) {
        const bool first = i == 0;
        if (!first && (cap.error || cap.chain.empty())) break;  // the endpoint gave nothing to compare
        const auto slot = slots + limiter.interval() * static_cast<std::int64_t>(i);
        auto result = co_await run_probe(clients, clients.probes[i], peer, t, limits, limiter, slot, cap, first);
        probe_outcome outcome{clients.probes[i].name, -1, std::move(result.engine), std::move(result.fallback),
                              std::move(result.error)};
        if (first) {
            cap.error = outcome.error;
            cap.chain = std::move(result.served.chain);
            cap.stapled_ocsp = std::move(result.served.stapled_ocsp);
            cap.protocol = std::move(result.served.protocol);
            cap.cipher = std::move(result.served.cipher);
            cap.alpn = std::move(result.served.alpn);
            if (!cap.error && !cap.chain.empty()) outcome.chain = 0;
        } else if (!outcome.error && !result.served.chain.empty()) {
            outcome.chain = chain_index(cap, std::move(result.served));
        }
        cap.probes.push_back(std::move(outcome));
    }
    co_return cap;
}

}  // namespace tlsaudit::net::detail
