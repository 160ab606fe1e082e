// trust_store::verify: X509_verify_cert at a chosen time, reduced to plain data.

#include <tlsaudit/trust.hpp>
#include <tlsaudit/x509.hpp>

#include "ossl/der.hpp"
#include "ossl/encoding.hpp"
#include "ossl/error.hpp"
#include "x509/decode.hpp"
#include "x509/trust_store_impl.hpp"

#include <openssl/err.h>
#include <openssl/x509v3.h>

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
    // Raised under X509_V_FLAG_X509_STRICT (the browser profile); record_error.
    case X509_V_ERR_SIGNATURE_ALGORITHM_INCONSISTENCY:
    case X509_V_ERR_PATHLEN_INVALID_FOR_NON_CA:
    case X509_V_ERR_PATHLEN_WITHOUT_KU_KEY_CERT_SIGN:
    case X509_V_ERR_KU_KEY_CERT_SIGN_INVALID_FOR_NON_CA:
    case X509_V_ERR_ISSUER_NAME_EMPTY:
    case X509_V_ERR_SUBJECT_NAME_EMPTY:
    case X509_V_ERR_MISSING_AUTHORITY_KEY_IDENTIFIER:
    case X509_V_ERR_MISSING_SUBJECT_KEY_IDENTIFIER:
    case X509_V_ERR_EMPTY_SUBJECT_ALT_NAME:
    case X509_V_ERR_EMPTY_SUBJECT_SAN_NOT_CRITICAL:
    case X509_V_ERR_CA_BCONS_NOT_CRITICAL:
    case X509_V_ERR_AUTHORITY_KEY_IDENTIFIER_CRITICAL:
    case X509_V_ERR_SUBJECT_KEY_IDENTIFIER_CRITICAL:
    case X509_V_ERR_CA_CERT_MISSING_KEY_USAGE:
    case X509_V_ERR_EXTENSIONS_REQUIRE_VERSION_3:
    case X509_V_ERR_EC_KEY_EXPLICIT_PARAMS: return verify_problem::profile_rule;
    default: return verify_problem::other;
    }
}

// What the verify callback needs: where to record, and which profile judges.
struct verify_state {
    std::vector<verify_error>* errors = nullptr;
    validation_profile profile = validation_profile::browser;
};

// OpenSSL's TLS-server purpose wants digitalSignature, keyEncipherment or keyAgreement
// in the leaf's keyUsage. A CA certificate used as the leaf (RFC 5280 4.2.1.9 allows it)
// usually has keyCertSign only; Chrome's verifier and rustls-webpki do not require the
// TLS bits, so under the browser profile only the extended key usage decides.
bool browsers_accept_ca_leaf(X509_STORE_CTX* ctx, int code, int depth) {
    if (code != X509_V_ERR_INVALID_PURPOSE || depth != 0) return false;
    X509* leaf = X509_STORE_CTX_get_current_cert(ctx);
    if (leaf == nullptr || X509_check_ca(leaf) == 0) return false;
    return (X509_get_extended_key_usage(leaf) & XKU_SSL_SERVER) != 0;
}

// The strict checks (X509_V_FLAG_X509_STRICT) on the top of the path: browsers take a trust
// anchor as a name and a key, and do not judge its extensions (ePKI Root Certification
// Authority has a non-critical basicConstraints, TWCA Global Root CA no subject key
// identifier; both are trusted by Mozilla). Explicit EC parameters still count: no
// browser loads such a key.
bool browsers_ignore_on_anchor(X509_STORE_CTX* ctx, verify_problem problem, int code, int depth) {
    if (problem != verify_problem::profile_rule || code == X509_V_ERR_EC_KEY_EXPLICIT_PARAMS) return false;
    const STACK_OF(X509)* chain = X509_STORE_CTX_get0_chain(ctx);
    return chain != nullptr && depth > 0 && depth == sk_X509_num(chain) - 1;
}

// Records every error and lets verification go on, so that the verdict holds the whole
// path and all its problems rather than the first one only.
int record_error(int ok, X509_STORE_CTX* ctx) {
    if (ok == 1) return 1;
    const auto* state = static_cast<const verify_state*>(X509_STORE_CTX_get_app_data(ctx));
    const int code = X509_STORE_CTX_get_error(ctx);
    const int depth = X509_STORE_CTX_get_error_depth(ctx);
    if (state == nullptr || state->errors == nullptr) return 1;
    if (state->profile == validation_profile::browser && browsers_accept_ca_leaf(ctx, code, depth)) return 1;
    auto& errors = *state->errors;
    const bool seen = std::any_of(errors.begin(), errors.end(),
                                  [&](const verify_error& e) { return e.code == code && e.depth == depth; });
    auto problem = classify(code);
    if (state->profile == validation_profile::browser && browsers_ignore_on_anchor(ctx, problem, code, depth)) return 1;
    // Outside the browser profile X509_V_FLAG_X509_STRICT is off: a strict rule OpenSSL
    // checks all the same (explicit EC parameters, in 3.0) refuses the chain for it.
    if (problem == verify_problem::profile_rule && state->profile != validation_profile::browser)
        problem = verify_problem::other;
    if (!seen) errors.push_back({problem, depth, code, X509_verify_cert_error_string(code)});
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
        ossl::x509_ptr cert = ossl::decode_shared_certificate(der, ignored);
        if (!cert) continue;
        if (sk_X509_push(stack, cert.get()) <= 0) ossl::throw_failure("sk_X509_push failed");
        static_cast<void>(cert.release());  // owned by the stack now
    }
}

constexpr int max_path_attempts = 16;  // the first build included

// One run of OpenSSL's path building for `leaf` over the `helpers`: the errors met and
// whether the chain is trusted go to `verdict`; returns the chain built (null if none).
ossl::x509_stack_ptr build_path(X509_STORE* store, validation_profile profile, time_point at, X509* leaf,
                                STACK_OF(X509) * helpers, chain_verdict& verdict) {
    ossl::x509_store_ctx_ptr ctx(X509_STORE_CTX_new());
    if (!ctx) ossl::throw_failure("X509_STORE_CTX_new failed");
    if (X509_STORE_CTX_init(ctx.get(), store, leaf, helpers) != 1) ossl::throw_failure("X509_STORE_CTX_init failed");
    X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
    if (param == nullptr) throw std::runtime_error("X509_STORE_CTX_get0_param returned null");
    X509_VERIFY_PARAM_set_time(param, static_cast<time_t>(at.time_since_epoch().count()));
    if (X509_STORE_CTX_set_purpose(ctx.get(), X509_PURPOSE_SSL_SERVER) != 1)
        ossl::throw_failure("X509_STORE_CTX_set_purpose failed");
    if (profile == validation_profile::browser) X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_X509_STRICT);
    verify_state state{&verdict.errors, profile};
    if (X509_STORE_CTX_set_app_data(ctx.get(), &state) != 1) ossl::throw_failure("X509_STORE_CTX_set_app_data failed");
    X509_STORE_CTX_set_verify_cb(ctx.get(), record_error);

    const int rc = X509_verify_cert(ctx.get());
    if (rc < 0 && verdict.errors.empty()) {
        // Not a verdict on the chain: OpenSSL could not even start (internal error).
        const int code = X509_STORE_CTX_get_error(ctx.get());
        verdict.errors.push_back({verify_problem::other, 0, code, ossl::describe_failure("X509_verify_cert failed")});
    }
    ERR_clear_error();
    verdict.trusted = rc == 1 && verdict.errors.empty();
    return ossl::x509_stack_ptr(X509_STORE_CTX_get1_chain(ctx.get()));
}

// The helpers on `path` (leaf first) that another helper in `pool` (the helpers a build
// was offered) of the same subject could stand in for: the choices a backtracking path
// builder may undo.
std::vector<X509*> replaceable_helpers(STACK_OF(X509) * path, STACK_OF(X509) * pool) {
    std::vector<X509*> out;
    for (int i = 1; i < sk_X509_num(path); ++i) {
        X509* on_path = sk_X509_value(path, i);
        bool helper = false;  // else from the trust store, which is not ours to leave out
        bool replaceable = false;
        for (int j = 0; j < sk_X509_num(pool); ++j) {
            X509* other = sk_X509_value(pool, j);
            if (other == on_path) helper = true;
            else if (X509_cmp(other, on_path) != 0 &&
                     X509_NAME_cmp(X509_get_subject_name(other), X509_get_subject_name(on_path)) == 0)
                replaceable = true;
        }
        if (helper && replaceable) out.push_back(on_path);
    }
    return out;
}

// The helpers in `all` but those equal (same DER: every copy) to one in `left_out`, a
// reference to each held by the stack.
ossl::x509_stack_ptr helpers_but(STACK_OF(X509) * all, const std::vector<X509*>& left_out) {
    ossl::x509_stack_ptr stack(sk_X509_new_null());
    if (!stack) ossl::throw_failure("sk_X509_new_null failed");
    for (int i = 0; i < sk_X509_num(all); ++i) {
        X509* h = sk_X509_value(all, i);
        if (std::any_of(left_out.begin(), left_out.end(), [&](X509* o) { return X509_cmp(o, h) == 0; })) continue;
        if (X509_up_ref(h) != 1) ossl::throw_failure("X509_up_ref failed");
        if (sk_X509_push(stack.get(), h) <= 0) {
            X509_free(h);
            ossl::throw_failure("sk_X509_push failed");
        }
    }
    return stack;
}

path_cert describe(X509* cert, std::span<const bytes> served, std::span<const bytes> extra,
                   std::span<const parsed_cert> served_parsed) {
    path_cert out;
    out.der = ossl::encode_certificate(cert);
    auto read = [&] {
        std::string error;
        if (auto info = read_decoded(cert, out.der, error)) out.info = std::move(*info);
        else out.info.sha256 = ossl::sha256_hex(out.der);
    };
    for (std::size_t i = 0; i < served.size(); ++i) {
        if (served[i] == out.der) {
            out.origin = cert_origin::served;
            out.served_position = static_cast<int>(i);
            // The same DER gives the same cert_info.
            if (served_parsed.size() == served.size() && served_parsed[i].info) out.info = *served_parsed[i].info;
            else read();
            return out;
        }
    }
    read();
    out.origin = std::any_of(extra.begin(), extra.end(), [&](const bytes& b) { return b == out.der; })
                     ? cert_origin::fetched
                     : cert_origin::store;
    return out;
}

}  // namespace

chain_verdict trust_store::verify(std::span<const bytes> served, time_point at, std::span<const bytes> extra,
                                  std::span<const parsed_cert> served_parsed) const {
    chain_verdict verdict;
    if (served.empty()) {
        verdict.leaf_error = "no certificate";
        return verdict;
    }
    const ossl::x509_ptr leaf = ossl::decode_shared_certificate(served.front(), verdict.leaf_error);
    if (!leaf) return verdict;
    verdict.leaf_error.clear();

    ossl::x509_stack_ptr untrusted = make_stack();
    push_all(untrusted.get(), served.subspan(1));
    push_all(untrusted.get(), extra);
    push_all(untrusted.get(), impl_->intermediates);

    ossl::x509_stack_ptr chain =
        build_path(impl_->store.get(), impl_->profile, at, leaf.get(), untrusted.get(), verdict);
    // OpenSSL takes the first candidate issuer it finds: a served cross-signed copy that
    // leads to no trusted root hides the served certificate that does. Browsers backtrack;
    // so does this, depth first: a helper on a failed path that another helper of its name
    // could replace is left out (every copy of it) and the path built again, each choice
    // undone in turn when it leads nowhere, within max_path_attempts builds. The first
    // trusted path wins; else the first verdict stands.
    if (!verdict.trusted && chain) {
        std::vector<std::vector<X509*>> pending;  // the helpers each attempt leaves out
        const auto branch = [&](const std::vector<X509*>& left_out, STACK_OF(X509) * failed, STACK_OF(X509) * pool) {
            const auto choices = replaceable_helpers(failed, pool);
            // Pushed last first: the choice nearest the leaf is tried first.
            for (auto it = choices.rbegin(); it != choices.rend(); ++it) {
                if (std::find(left_out.begin(), left_out.end(), *it) != left_out.end()) continue;
                auto next = left_out;
                next.push_back(*it);
                pending.push_back(std::move(next));
            }
        };
        branch({}, chain.get(), untrusted.get());
        for (int builds = 1; builds < max_path_attempts && !pending.empty(); ++builds) {
            const auto left_out = std::move(pending.back());
            pending.pop_back();
            const auto pool = helpers_but(untrusted.get(), left_out);
            chain_verdict retry;
            auto built = build_path(impl_->store.get(), impl_->profile, at, leaf.get(), pool.get(), retry);
            if (retry.trusted) {
                verdict.errors = std::move(retry.errors);
                verdict.trusted = true;
                chain = std::move(built);
                break;
            }
            if (built) branch(left_out, built.get(), pool.get());
        }
    }

    if (chain) {
        for (int i = 0; i < sk_X509_num(chain.get()); ++i)
            verdict.path.push_back(describe(sk_X509_value(chain.get(), i), served, extra, served_parsed));
    }
    if (verdict.path.empty()) verdict.path.push_back(describe(leaf.get(), served, extra, served_parsed));
    return verdict;
}

}  // namespace tlsaudit::x509
