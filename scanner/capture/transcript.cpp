#include "transcript.hpp"

#include "tls_constants.hpp"

#include <openssl/evp.h>

#include <array>

namespace tlsaudit::capture_engine::detail {

void transcript::start(const EVP_MD* md) {
    if (!ctx_) ctx_.reset(EVP_MD_CTX_new());
    if (!ctx_ || EVP_DigestInit_ex2(ctx_.get(), md, nullptr) != 1) ossl::throw_failure("transcript hash");
}

void transcript::add(std::span<const unsigned char> message) {
    if (EVP_DigestUpdate(ctx_.get(), message.data(), message.size()) != 1) ossl::throw_failure("transcript hash");
}

secret transcript::hash() const {
    const ossl::evp_md_ctx_ptr copy(EVP_MD_CTX_new());
    secret out;
    unsigned int n = 0;
    if (!copy || EVP_MD_CTX_copy_ex(copy.get(), ctx_.get()) != 1 ||
        EVP_DigestFinal_ex(copy.get(), out.resize(EVP_MAX_MD_SIZE).data(), &n) != 1)
        ossl::throw_failure("transcript hash");
    out.resize(n);
    return out;
}

void transcript::start_with_message_hash(const EVP_MD* md, std::span<const unsigned char> client_hello1) {
    start(md);
    add(client_hello1);
    const secret h = hash();
    start(md);
    const std::array<unsigned char, 4> header{handshake_type::message_hash, 0, 0,
                                              static_cast<unsigned char>(h.view().size())};
    add(header);
    add(h.view());
}

}  // namespace tlsaudit::capture_engine::detail
