// The openssl engine: libssl's handshake on our socket BIO (tls_handshake.hpp), the
// Certificate message taken byte for byte from the message callback.

#include "engines.hpp"

#include "error_classify.hpp"
#include "handshake_observer.hpp"
#include "socket_deadline.hpp"
#include "tls_handshake.hpp"

#include "ossl/error.hpp"
#include "ossl/ssl_ptr.hpp"

#include <boost/asio/ssl/context.hpp>
#include <boost/asio/this_coro.hpp>

#include <openssl/ssl.h>

#include <stdexcept>

namespace tlsaudit::net::detail {
namespace {

void fill_session_details(SSL* ssl, served_chain& out) {
    out.protocol = SSL_get_version(ssl);
    if (const SSL_CIPHER* cipher = SSL_get_current_cipher(ssl)) out.cipher = SSL_CIPHER_get_name(cipher);
    const unsigned char* alpn = nullptr;
    unsigned int alpn_len = 0;
    SSL_get0_alpn_selected(ssl, &alpn, &alpn_len);
    if (alpn) out.alpn.assign(reinterpret_cast<const char*>(alpn), alpn_len);
    const unsigned char* ocsp = nullptr;
    long ocsp_len = SSL_get_tlsext_status_ocsp_resp(ssl, &ocsp);
    if (ocsp && ocsp_len > 0) out.stapled_ocsp.assign(ocsp, ocsp + ocsp_len);
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

asio::awaitable<probe_result> openssl_handshake(asio::ssl::context& ctx, asio::ip::tcp::socket& socket,
                                                const std::string& sni, capture_engine::probe probe, bool offer_alpn,
                                                std::chrono::milliseconds timeout) {
    probe_result out;
    const ossl::ssl_ptr owned(SSL_new(ctx.native_handle()));
    if (!owned) ossl::throw_failure("SSL_new failed");
    SSL* ssl = owned.get();
    bind_to_socket(ssl, socket);
    handshake_observer observer;
    observer.attach(ssl);
    // SSL_set_tlsext_host_name is a macro with a C cast; this is the same call.
    if (!sni.empty() &&
        SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name, const_cast<char*>(sni.c_str())) != 1) {
        out.error = scan_error{"handshake", error_codes::protocol_error, "SNI name refused by OpenSSL"};
        co_return out;
    }
    if (!apply_probe(ssl, probe)) {
        out.error = scan_error{"handshake", error_codes::internal,
                               ossl::describe_failure("OpenSSL refused the probe's settings")};
        co_return out;
    }
    SSL_set_tlsext_status_type(ssl, TLSEXT_STATUSTYPE_ocsp);
    if (!offer_alpn && SSL_set_alpn_protos(ssl, nullptr, 0) != 0) {  // the context's list, cleared
        out.error =
            scan_error{"handshake", error_codes::internal, ossl::describe_failure("OpenSSL kept the ALPN list")};
        co_return out;
    }

    socket_deadline deadline(co_await asio::this_coro::executor);
    deadline.start(socket, timeout);
    const auto ec = co_await client_handshake(ssl, socket);
    if (deadline.stop() && ec) {
        out.error = timeout_error("handshake", timeout);
    } else if (ec) {
        out.error = classify_handshake_error(ec, observer);  // reads observer.chain
    }
    if (observer.chain) out.served.chain = std::move(*observer.chain);
    if (!out.error) {
        fill_session_details(ssl, out.served);
        if (out.served.chain.empty()) out.served.chain = peer_chain(ssl);
        // A finished handshake with no certificate (a suite without one) captured nothing:
        // never a probe that "got" an empty chain.
        if (out.served.chain.empty())
            out.error = scan_error{"handshake", error_codes::protocol_error,
                                   "the handshake finished without a certificate (cipher " + out.served.cipher + ")"};
    }
    co_return out;
}

}  // namespace tlsaudit::net::detail
