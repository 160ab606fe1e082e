#include "tls_context.hpp"

#include "ossl/der.hpp"
#include "ossl/error.hpp"

#include <openssl/err.h>

#include <fmt/format.h>

#include <cstring>
#include <stdexcept>

namespace tlsaudit::lab::detail {
namespace {

// Called only when the client sent status_request.
int staple_ocsp(SSL* ssl, void* arg) {
    const auto* data = static_cast<const tls_callback_data*>(arg);
    if (data->staple.empty()) return SSL_TLSEXT_ERR_NOACK;
    // OpenSSL takes ownership of an OPENSSL_malloc'd copy.
    void* copy = OPENSSL_memdup(data->staple.data(), data->staple.size());
    if (copy == nullptr) return SSL_TLSEXT_ERR_ALERT_FATAL;
    if (SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_STATUS_REQ_OCSP_RESP, static_cast<long>(data->staple.size()), copy) != 1) {
        OPENSSL_free(copy);
        return SSL_TLSEXT_ERR_ALERT_FATAL;
    }
    return SSL_TLSEXT_ERR_OK;
}

// Server preference: the first protocol of ours the client also offers.
int select_alpn(SSL*, const unsigned char** out, unsigned char* out_len, const unsigned char* in, unsigned int in_len,
                void* arg) {
    const auto& ours = static_cast<const tls_callback_data*>(arg)->alpn_wire;
    for (std::size_t i = 0; i < ours.size(); i += 1u + ours[i]) {
        const unsigned char len = ours[i];
        for (unsigned int j = 0; j < in_len; j += 1u + in[j]) {
            if (in[j] == len && j + 1u + len <= in_len && std::memcmp(in + j + 1, ours.data() + i + 1, len) == 0) {
                *out = in + j + 1;
                *out_len = len;
                return SSL_TLSEXT_ERR_OK;
            }
        }
    }
    return static_cast<const tls_callback_data*>(arg)->alpn_required ? SSL_TLSEXT_ERR_ALERT_FATAL
                                                                     : SSL_TLSEXT_ERR_NOACK;
}

bytes alpn_wire(const std::vector<std::string>& protocols) {
    bytes wire;
    for (const auto& p : protocols) {
        if (p.empty() || p.size() > 255) {
            throw std::invalid_argument(fmt::format("bad ALPN protocol '{}'", p));
        }
        wire.push_back(static_cast<unsigned char>(p.size()));
        wire.insert(wire.end(), p.begin(), p.end());
    }
    return wire;
}

void ctrl(SSL_CTX* ctx, int cmd, long larg, void* parg, std::string_view what) {
    if (SSL_CTX_ctrl(ctx, cmd, larg, parg) <= 0) ossl::throw_failure(what);
}

// Installs a leaf, its key and its chain; OpenSSL keeps one per key type, and the chain
// certificates go to the leaf installed last.
void use_chain(SSL_CTX* ctx, const std::vector<bytes>& chain, const key& leaf_key) {
    if (chain.empty() || !leaf_key) throw std::invalid_argument("a served chain needs a leaf and its key");
    ossl::x509_ptr leaf = ossl::decode_certificate(chain.front());
    ossl::check(SSL_CTX_use_certificate(ctx, leaf.get()), "SSL_CTX_use_certificate");
    ossl::check(SSL_CTX_use_PrivateKey(ctx, leaf_key.get()), "SSL_CTX_use_PrivateKey");
    ossl::check(SSL_CTX_check_private_key(ctx), "leaf key does not match chain[0]");
    for (std::size_t i = 1; i < chain.size(); ++i) {
        ossl::x509_ptr cert = ossl::decode_certificate(chain[i]);
        // SSL_CTX_add1_chain_cert: takes its own reference.
        ctrl(ctx, SSL_CTRL_CHAIN_CERT, 1, cert.get(), fmt::format("chain certificate {}", i));
    }
}

}  // namespace

tls_context make_tls_context(const server_config& config) {
    if (config.chain.empty()) throw std::invalid_argument("behaviour::tls needs a chain");
    if (!config.leaf_key) throw std::invalid_argument("behaviour::tls needs leaf_key");

    tls_context out;
    out.data = std::make_unique<tls_callback_data>();
    out.data->staple = config.stapled_ocsp;
    out.data->alpn_wire = alpn_wire(config.alpn);
    out.data->alpn_required = config.alpn_required;
    out.ctx.reset(ossl::check_ptr(SSL_CTX_new(TLS_server_method()), "SSL_CTX_new"));
    SSL_CTX* ctx = out.ctx.get();

    // Level 0 first: it decides whether weak keys and SHA-1/MD5 chain certs are accepted.
    SSL_CTX_set_security_level(ctx, 0);
    SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET | (config.server_order ? SSL_OP_CIPHER_SERVER_PREFERENCE : 0));
    ossl::check(SSL_CTX_set_num_tickets(ctx, 0), "SSL_CTX_set_num_tickets");
    SSL_CTX_ctrl(ctx, SSL_CTRL_SET_SESS_CACHE_MODE, SSL_SESS_CACHE_OFF, nullptr);  // returns old mode
    SSL_CTX_ctrl(ctx, SSL_CTRL_MODE, SSL_MODE_NO_AUTO_CHAIN, nullptr);             // returns new mode
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
    ctrl(ctx, SSL_CTRL_SET_MIN_PROTO_VERSION, config.min_version, nullptr, "min_version");
    ctrl(ctx, SSL_CTRL_SET_MAX_PROTO_VERSION, config.max_version, nullptr, "max_version");
    ctrl(ctx, SSL_CTRL_SET_DH_AUTO, 1, nullptr, "SSL_CTX_set_dh_auto");
    ossl::check(SSL_CTX_set_cipher_list(ctx, config.cipher_list.c_str()), "cipher_list");
    if (!config.ciphersuites.empty()) {
        ossl::check(SSL_CTX_set_ciphersuites(ctx, config.ciphersuites.c_str()), "ciphersuites");
    }
    for (const auto& extra : config.extra_chains) use_chain(ctx, extra.chain, extra.leaf_key);
    use_chain(ctx, config.chain, config.leaf_key);

    if (!out.data->staple.empty()) {
        ctrl(ctx, SSL_CTRL_SET_TLSEXT_STATUS_REQ_CB_ARG, 0, out.data.get(), "status arg");
        if (SSL_CTX_callback_ctrl(ctx, SSL_CTRL_SET_TLSEXT_STATUS_REQ_CB, reinterpret_cast<void (*)()>(&staple_ocsp)) <=
            0) {
            ossl::throw_failure("status callback");
        }
    }
    if (!out.data->alpn_wire.empty()) SSL_CTX_set_alpn_select_cb(ctx, &select_alpn, out.data.get());
    return out;
}

}  // namespace tlsaudit::lab::detail
