#include "tls_client.hpp"

#include "error_classify.hpp"
#include "handshake_observer.hpp"
#include "starttls.hpp"
#include "tls_handshake.hpp"

#include "ossl/error.hpp"
#include "ossl/ssl_ptr.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <openssl/ssl.h>

#include <memory>
#include <optional>
#include <stdexcept>

namespace tlsaudit::net::detail {
namespace {

using asio::ip::tcp;
using namespace asio::experimental::awaitable_operators;
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

void fill_session_details(SSL* ssl, capture& cap) {
    cap.protocol = SSL_get_version(ssl);
    if (const SSL_CIPHER* cipher = SSL_get_current_cipher(ssl)) cap.cipher = SSL_CIPHER_get_name(cipher);
    const unsigned char* alpn = nullptr;
    unsigned int alpn_len = 0;
    SSL_get0_alpn_selected(ssl, &alpn, &alpn_len);
    if (alpn) cap.alpn.assign(reinterpret_cast<const char*>(alpn), alpn_len);
    const unsigned char* ocsp = nullptr;
    long ocsp_len = SSL_get_tlsext_status_ocsp_resp(ssl, &ocsp);
    if (ocsp && ocsp_len > 0) cap.stapled_ocsp.assign(ocsp, ocsp + ocsp_len);
}

// The served chain as OpenSSL parsed it: used only when the message callback saw no
// Certificate message (it always should).
std::vector<bytes> peer_chain(SSL* ssl) {
    std::vector<bytes> chain;
    STACK_OF(X509)* stack = SSL_get_peer_cert_chain(ssl);
    for (int i = 0; stack && i < sk_X509_num(stack); ++i) {
        X509* cert = sk_X509_value(stack, i);
        int len = i2d_X509(cert, nullptr);
        if (len <= 0) continue;
        bytes der(static_cast<std::size_t>(len));
        unsigned char* out = der.data();
        i2d_X509(cert, &out);
        chain.push_back(std::move(der));
    }
    return chain;
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
    if (SSL_CTX_set_cipher_list(native, "ALL:@SECLEVEL=0") != 1)
        ossl::throw_failure("OpenSSL refused the cipher list");
    SSL_CTX_set_options(native, SSL_OP_NO_TICKET | SSL_OP_LEGACY_SERVER_CONNECT |
                                    SSL_OP_IGNORE_UNEXPECTED_EOF);
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

std::chrono::nanoseconds rate_limiter::reserve() {
    if (interval_ns_ == 0) return std::chrono::nanoseconds(0);
    const std::int64_t now = clock::now().time_since_epoch().count();
    std::int64_t next = next_ns_.load(std::memory_order_relaxed);
    std::int64_t slot = 0;
    do {
        slot = std::max(next, now);
    } while (!next_ns_.compare_exchange_weak(next, slot + interval_ns_, std::memory_order_relaxed));
    return std::chrono::nanoseconds(slot - now);
}

asio::awaitable<capture> scan_endpoint(asio::ssl::context& ctx, const std::string& address, const target& t,
                                       const endpoint_limits& limits, rate_limiter& limiter) {
    const std::uint16_t port = t.port;
    const std::string& sni = t.sni;
    capture cap;
    auto executor = co_await asio::this_coro::executor;
    const tcp::endpoint peer(asio::ip::make_address(address), port);
    asio::steady_timer timer(executor);
    // The SSL object (and OpenSSL's record buffer) is made only once the TCP connection
    // stands: a scan waiting on slow or dead hosts holds sockets, not buffers.
    std::optional<tcp::socket> socket;

    for (int attempt = 0; attempt <= limits.retries; ++attempt) {
        if (auto wait = limiter.reserve(); wait.count() > 0) {
            timer.expires_after(wait);
            co_await timer.async_wait(use_tuple);
        }
        socket.emplace(executor);
        ++cap.attempts;
        const auto started = clock::now();
        timer.expires_after(limits.connect_timeout);
        auto outcome = co_await (socket->async_connect(peer, use_tuple) ||
                                 timer.async_wait(use_tuple));
        cap.timings.connect_ms = elapsed_ms(started);
        if (outcome.index() == 1) {
            cap.error = timeout_error("connect", limits.connect_timeout);
        } else if (auto [ec] = std::get<0>(outcome); ec) {
            cap.error = classify_connect_error(ec);
        } else {
            cap.error.reset();
            break;
        }
        if (cap.error->code == error_codes::refused) co_return cap;  // a definite answer
    }
    if (cap.error) co_return cap;

    if (!t.starttls.empty()) {
        const auto started = clock::now();
        auto failed = co_await run_starttls(*socket, t.starttls, sni.empty() ? t.host : sni,
                                            limits.starttls_timeout);
        cap.timings.starttls_ms = elapsed_ms(started);
        if (failed) {
            cap.error = std::move(*failed);
            boost::system::error_code ignored;
            socket->close(ignored);
            co_return cap;
        }
    }

    const ossl::ssl_ptr owned(SSL_new(ctx.native_handle()));
    if (!owned) ossl::throw_failure("SSL_new failed");
    SSL* ssl = owned.get();
    bind_to_socket(ssl, *socket);
    handshake_observer observer;
    observer.attach(ssl);
    // SSL_set_tlsext_host_name is a macro with a C cast; this is the same call.
    if (!sni.empty() && SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                                 const_cast<char*>(sni.c_str())) != 1) {
        cap.error = scan_error{"handshake", error_codes::protocol_error, "SNI name refused by OpenSSL"};
        co_return cap;
    }
    SSL_set_tlsext_status_type(ssl, TLSEXT_STATUSTYPE_ocsp);

    const auto started = clock::now();
    timer.expires_after(limits.handshake_timeout);
    auto outcome = co_await (client_handshake(ssl, *socket) || timer.async_wait(use_tuple));
    cap.timings.handshake_ms = elapsed_ms(started);
    if (outcome.index() == 1) {
        cap.error = timeout_error("handshake", limits.handshake_timeout);
    } else if (const auto& ec = std::get<0>(outcome); ec) {
        cap.error = classify_handshake_error(ec, observer);  // reads observer.chain
    }
    if (observer.chain) cap.chain = std::move(*observer.chain);
    if (!cap.error) {
        fill_session_details(ssl, cap);
        if (cap.chain.empty()) cap.chain = peer_chain(ssl);
    }
    boost::system::error_code ignored;
    socket->close(ignored);
    co_return cap;
}

}  // namespace tlsaudit::net::detail
