#pragma once
// Private to tlsaudit_lab: the OpenSSL server context behind behaviour::tls.

#include <tlsaudit/lab/tls_server.hpp>

#include "ossl/ssl_ptr.hpp"

#include <memory>

namespace tlsaudit::lab::detail {

// What the SSL_CTX callbacks read (OCSP staple, ALPN preference in wire format).
struct tls_callback_data {
    bytes staple;
    bytes alpn_wire;
    bool alpn_required = false;
};

// `data` must outlive `ctx` and every SSL made from it: keep them together.
struct tls_context {
    std::unique_ptr<tls_callback_data> data;
    ossl::ssl_ctx_ptr ctx;
};

// A server SSL_CTX serving config.chain exactly (no auto chain, no verification of
// the client, no session cache or tickets, security level 0). Throws
// std::invalid_argument for an empty chain or key, std::runtime_error when OpenSSL
// refuses the certificates, key, versions or cipher strings.
tls_context make_tls_context(const server_config& config);

}  // namespace tlsaudit::lab::detail
