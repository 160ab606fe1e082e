#pragma once
// RAII owners for libssl objects, apart from ossl/ptr.hpp so that only the modules
// that link libssl (scanner/net, the lab and their tests) include <openssl/ssl.h>.
// Same contract as ossl/ptr.hpp; a target that includes this header links
// OpenSSL::SSL itself (tlsaudit::ossl brings libcrypto only).

#include "ossl/ptr.hpp"

#include <openssl/ssl.h>

#include <memory>

namespace tlsaudit::ossl {

using ssl_ptr = std::unique_ptr<SSL, deleter<SSL_free>>;
using ssl_ctx_ptr = std::unique_ptr<SSL_CTX, deleter<SSL_CTX_free>>;

}  // namespace tlsaudit::ossl
