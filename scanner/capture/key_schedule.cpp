#include "key_schedule.hpp"

#include "algorithms.hpp"
#include "ossl/error.hpp"
#include "ossl/ptr.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>

#include <algorithm>
#include <mutex>

namespace tlsaudit::capture_engine::detail {

secret::secret(std::span<const unsigned char> data) noexcept {
    const auto out = resize(data.size());
    std::copy(data.begin(), data.begin() + static_cast<std::ptrdiff_t>(out.size()), out.begin());
}

std::span<unsigned char> secret::resize(std::size_t n) noexcept {
    size_ = std::min(n, bytes_.size());
    return {bytes_.data(), size_};
}

secret::~secret() { OPENSSL_cleanse(bytes_.data(), bytes_.size()); }

key_schedule::key_schedule(const EVP_MD* md)
    : md_(md), hash_size_(static_cast<std::size_t>(EVP_MD_get_size(md))), ctx_(EVP_KDF_CTX_new(hkdf_kdf())) {
    if (ctx_ == nullptr) ossl::throw_failure("EVP_KDF_CTX_new(HKDF)");
    // The digest is named once per connection; the provider resolves it here, not per derive.
    const OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, const_cast<char*>(EVP_MD_get0_name(md)), 0),
        OSSL_PARAM_construct_end(),
    };
    if (EVP_KDF_CTX_set_params(ctx_, params) != 1) {
        EVP_KDF_CTX_free(ctx_);
        ossl::throw_failure("HKDF digest");
    }
}

key_schedule::~key_schedule() { EVP_KDF_CTX_free(ctx_); }

void key_schedule::derive(int mode, std::span<const unsigned char> key, std::span<const unsigned char> salt,
                          std::span<const unsigned char> info, std::span<unsigned char> out) {
    // OSSL_PARAM takes non-const pointers even for inputs it only reads. Extract reads
    // the salt, Expand the info; each derive sets what its mode reads.
    auto octets = [](const char* name, std::span<const unsigned char> s) {
        return OSSL_PARAM_construct_octet_string(name, const_cast<unsigned char*>(s.data()), s.size());
    };
    const bool extract = mode == EVP_KDF_HKDF_MODE_EXTRACT_ONLY;
    const OSSL_PARAM params[] = {
        OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode),
        octets(OSSL_KDF_PARAM_KEY, key),
        extract ? octets(OSSL_KDF_PARAM_SALT, salt) : octets(OSSL_KDF_PARAM_INFO, info),
        OSSL_PARAM_construct_end(),
    };
    if (EVP_KDF_derive(ctx_, out.data(), out.size(), params) != 1) ossl::throw_failure("HKDF");
}

secret key_schedule::extract(std::span<const unsigned char> salt, std::span<const unsigned char> ikm) {
    // RFC 5869: an absent salt is a string of hash-length zeros.
    const std::array<unsigned char, 64> zeros{};
    secret out;
    derive(EVP_KDF_HKDF_MODE_EXTRACT_ONLY, ikm, salt.empty() ? std::span(zeros).first(hash_size_) : salt, {},
           out.resize(hash_size_));
    return out;
}

void key_schedule::expand_label(std::span<const unsigned char> from, std::string_view label,
                                std::span<const unsigned char> context, std::span<unsigned char> out) {
    // HkdfLabel: uint16 length, opaque label<7..255> = "tls13 " + label, opaque context<0..255>.
    std::array<unsigned char, 2 + 1 + 255 + 1 + 255> info{};
    std::size_t n = 0;
    auto append_byte = [&](std::size_t v) { info[n++] = static_cast<unsigned char>(v); };
    auto append = [&](std::span<const unsigned char> s) {
        std::copy(s.begin(), s.end(), info.begin() + static_cast<std::ptrdiff_t>(n));
        n += s.size();
    };
    auto text = [](std::string_view t) {
        return std::span(reinterpret_cast<const unsigned char*>(t.data()), t.size());
    };
    constexpr std::string_view prefix = "tls13 ";
    append_byte(out.size() >> 8);
    append_byte(out.size());
    append_byte(prefix.size() + label.size());
    append(text(prefix));
    append(text(label));
    append_byte(context.size());
    append(context);
    derive(EVP_KDF_HKDF_MODE_EXPAND_ONLY, from, {}, std::span(info).first(n), out);
}

secret key_schedule::derive_secret(std::span<const unsigned char> from, std::string_view label,
                                   std::span<const unsigned char> transcript_hash) {
    secret out;
    expand_label(from, label, transcript_hash, out.resize(hash_size_));
    return out;
}

secret key_schedule::early_derived() {
    // One value per hash; both suites' hashes are computed on first use of either.
    static std::once_flag once;
    static secret derived256;
    static secret derived384;
    std::call_once(once, [] {
        for (auto [md, out] : {std::pair{sha256(), &derived256}, std::pair{sha384(), &derived384}}) {
            key_schedule ks(md);
            std::array<unsigned char, 64> empty_hash{};
            unsigned int len = 0;
            if (EVP_Digest(nullptr, 0, empty_hash.data(), &len, md, nullptr) != 1) ossl::throw_failure("EVP_Digest");
            const std::array<unsigned char, 64> zeros{};
            const secret early = ks.extract({}, std::span(zeros).first(ks.hash_size()));
            *out = ks.derive_secret(early.view(), "derived", std::span(empty_hash).first(len));
        }
    });
    return hash_size_ == 48 ? derived384 : derived256;
}

secret key_schedule::handshake_secret(std::span<const unsigned char> shared_secret) {
    const secret salt = early_derived();
    return extract(salt.view(), shared_secret);
}

traffic_keys key_schedule::traffic(std::span<const unsigned char> traffic_secret, std::size_t key_size) {
    traffic_keys keys;
    keys.key_size = std::min(key_size, keys.key.size());
    expand_label(traffic_secret, "key", {}, std::span(keys.key).first(keys.key_size));
    expand_label(traffic_secret, "iv", {}, keys.iv);
    return keys;
}

}  // namespace tlsaudit::capture_engine::detail
