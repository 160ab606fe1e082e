#pragma once
// The TLS 1.3 transcript hash (RFC 8446 4.4.1): a running digest of the handshake
// messages, read at several points without ending it.

#include "key_schedule.hpp"
#include "ossl/error.hpp"
#include "ossl/ptr.hpp"

#include <span>

namespace tlsaudit::capture_engine::detail {

class transcript {
public:
    // Starts over with `md`. Throws std::runtime_error when libcrypto fails (as do all).
    void start(const EVP_MD* md);
    bool started() const noexcept { return ctx_ != nullptr; }
    void add(std::span<const unsigned char> message);
    // The hash of everything added so far; adding may go on.
    secret hash() const;
    // RFC 8446 4.4.1: after a HelloRetryRequest, ClientHello1 is replaced by a synthetic
    // message_hash message carrying Hash(ClientHello1).
    void start_with_message_hash(const EVP_MD* md, std::span<const unsigned char> client_hello1);

private:
    ossl::evp_md_ctx_ptr ctx_;
};

}  // namespace tlsaudit::capture_engine::detail
