// trust_store::verify: X509_verify_cert at a chosen time, reduced to plain data.

#include <tlsaudit/trust.hpp>
#include <tlsaudit/x509.hpp>

#include "ossl/der.hpp"
#include "ossl/encoding.hpp"
#include "ossl/error.hpp"
#include "x509/decode.hpp"
#include "x509/trust_store_impl.hpp"

#include <openssl/err.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <stdexcept>

namespace tlsaudit::x509 {
namespace {

verify_problem classify(int code) {
    switch (code) {
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE: return verify_problem::missing_issuer;
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN: return verify_problem::untrusted_root;
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT: return verify_problem::self_signed_leaf;
    case X509_V_ERR_CERT_SIGNATURE_FAILURE:
    case X509_V_ERR_UNABLE_TO_DECRYPT_CERT_SIGNATURE:
    case X509_V_ERR_UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY: return verify_problem::bad_signature;
    case X509_V_ERR_CERT_HAS_EXPIRED: return verify_problem::expired;
    case X509_V_ERR_CERT_NOT_YET_VALID: return verify_problem::not_yet_valid;
    default: return verify_problem::other;
    }
}

// Records every error and lets verification go on, so that the verdict holds the whole
// path and all its problems rather than the first one only.
int record_error(int ok, X509_STORE_CTX* ctx) {
    if (ok == 1) return 1;
    auto* errors = static_cast<std::vector<verify_error>*>(X509_STORE_CTX_get_app_data(ctx));
    const int code = X509_STORE_CTX_get_error(ctx);
    const int depth = X509_STORE_CTX_get_error_depth(ctx);
    if (errors != nullptr) {
        const bool seen = std::any_of(errors->begin(), errors->end(),
                                      [&](const verify_error& e) { return e.code == code && e.depth == depth; });
        if (!seen) errors->push_back({classify(code), depth, code, X509_verify_cert_error_string(code)});
    }
    return 1;
}

ossl::x509_stack_ptr make_stack() {
    ossl::x509_stack_ptr stack(sk_X509_new_null());
    if (!stack) ossl::throw_failure("sk_X509_new_null failed");
    return stack;
}

// Decodes what can be decoded; an undecodable helper certificate is simply not offered.
void push_all(STACK_OF(X509) * stack, std::span<const bytes> ders) {
    for (const auto& der : ders) {
        std::string ignored;
        ossl::x509_ptr cert = ossl::decode_certificate(der, ignored);
        if (!cert) continue;
        if (sk_X509_push(stack, cert.get()) <= 0) ossl::throw_failure("sk_X509_push failed");
        static_cast<void>(cert.release());  // owned by the stack now
    }
}

path_cert describe(X509* cert, std::span<const bytes> served, std::span<const bytes> extra) {
    path_cert out;
    out.der = ossl::encode_certificate(cert);
    std::string error;
    if (auto info = read_decoded(cert, out.der, error)) out.info = std::move(*info);
    else out.info.sha256 = ossl::sha256_hex(out.der);
    for (std::size_t i = 0; i < served.size(); ++i) {
        if (served[i] == out.der) {
            out.origin = cert_origin::served;
            out.served_position = static_cast<int>(i);
            return out;
        }
    }
    out.origin = std::any_of(extra.begin(), extra.end(), [&](const bytes& b) { return b == out.der; })
                     ? cert_origin::fetched
                     : cert_origin::store;
    return out;
}

}  // namespace

chain_verdict trust_store::verify(std::span<const bytes> served, time_point at, std::span<const bytes> extra) const {
    chain_verdict verdict;
    if (served.empty()) {
        verdict.leaf_error = "no certificate";
        return verdict;
    }
    const ossl::x509_ptr leaf = ossl::decode_certificate(served.front(), verdict.leaf_error);
    if (!leaf) return verdict;
    verdict.leaf_error.clear();

    ossl::x509_stack_ptr untrusted = make_stack();
    push_all(untrusted.get(), served.subspan(1));
    push_all(untrusted.get(), extra);

    ossl::x509_store_ctx_ptr ctx(X509_STORE_CTX_new());
    if (!ctx) ossl::throw_failure("X509_STORE_CTX_new failed");
    if (X509_STORE_CTX_init(ctx.get(), impl_->store.get(), leaf.get(), untrusted.get()) != 1)
        ossl::throw_failure("X509_STORE_CTX_init failed");
    X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
    if (param == nullptr) throw std::runtime_error("X509_STORE_CTX_get0_param returned null");
    X509_VERIFY_PARAM_set_time(param, static_cast<time_t>(at.time_since_epoch().count()));
    if (X509_STORE_CTX_set_purpose(ctx.get(), X509_PURPOSE_SSL_SERVER) != 1)
        ossl::throw_failure("X509_STORE_CTX_set_purpose failed");
    if (X509_STORE_CTX_set_app_data(ctx.get(), &verdict.errors) != 1)
        ossl::throw_failure("X509_STORE_CTX_set_app_data failed");
    X509_STORE_CTX_set_verify_cb(ctx.get(), record_error);

    const int rc = X509_verify_cert(ctx.get());
    if (rc < 0 && verdict.errors.empty()) {
        // Not a verdict on the chain: OpenSSL could not even start (internal error).
        const int code = X509_STORE_CTX_get_error(ctx.get());
        verdict.errors.push_back({verify_problem::other, 0, code, ossl::describe_failure("X509_verify_cert failed")});
    }
    ERR_clear_error();
    verdict.trusted = rc == 1 && verdict.errors.empty();

    const ossl::x509_stack_ptr chain(X509_STORE_CTX_get1_chain(ctx.get()));
    if (chain) {
        for (int i = 0; i < sk_X509_num(chain.get()); ++i)
            verdict.path.push_back(describe(sk_X509_value(chain.get(), i), served, extra));
    }
    if (verdict.path.empty()) verdict.path.push_back(describe(leaf.get(), served, extra));
    return verdict;
}

}  // namespace tlsaudit::x509
