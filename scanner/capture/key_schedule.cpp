#include "key_schedule.hpp"

#include "algorithms.hpp"
#include "ossl/error.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <memory>
#include <stdexcept>

namespace tlsaudit::capture_engine::detail {
namespace {

constexpr std::size_t max_block_size = 128;  // SHA-384 and SHA-512

void digest_init(EVP_MD_CTX* ctx, const EVP_MD* md) {
    if (EVP_DigestInit_ex2(ctx, md, nullptr) != 1) ossl::throw_failure("HMAC digest");
}

void digest_update(EVP_MD_CTX* ctx, std::span<const unsigned char> data) {
    if (EVP_DigestUpdate(ctx, data.data(), data.size()) != 1) ossl::throw_failure("HMAC digest");
}

void digest_final(EVP_MD_CTX* ctx, std::span<unsigned char> out) {
    unsigned int n = 0;
    if (EVP_DigestFinal_ex(ctx, out.data(), &n) != 1) ossl::throw_failure("HMAC digest");
}

ossl::evp_md_ctx_ptr new_md_ctx() {
    ossl::evp_md_ctx_ptr ctx(EVP_MD_CTX_new());
    if (!ctx) ossl::throw_failure("EVP_MD_CTX_new");
    return ctx;
}

}  // namespace

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
    : md_(md),
      hash_size_(static_cast<std::size_t>(EVP_MD_get_size(md))),
      key_{new_md_ctx(), new_md_ctx()},
      work_(new_md_ctx()) {}

void key_schedule::absorb_key(const EVP_MD* md, std::span<const unsigned char> key, hmac_key& out) {
    const auto block_size = static_cast<std::size_t>(EVP_MD_get_block_size(md));
    std::array<unsigned char, max_block_size> pad{};
    if (key.size() > block_size) {  // RFC 2104: a key longer than a block is hashed first
        digest_init(out.inner.get(), md);
        digest_update(out.inner.get(), key);
        digest_final(out.inner.get(), pad);
    } else {
        std::copy(key.begin(), key.end(), pad.begin());
    }
    const auto block = std::span(pad).first(block_size);
    for (auto& b : block) b ^= 0x36;
    digest_init(out.inner.get(), md);
    digest_update(out.inner.get(), block);
    for (auto& b : block) b ^= 0x36 ^ 0x5c;
    digest_init(out.outer.get(), md);
    digest_update(out.outer.get(), block);
    OPENSSL_cleanse(pad.data(), pad.size());
}

void key_schedule::set_key(std::span<const unsigned char> key) {
    const auto held = keyed_with_.view();
    if (keyed_ && held.size() == key.size() && CRYPTO_memcmp(held.data(), key.data(), key.size()) == 0) return;
    keyed_ = false;
    absorb_key(md_, key, key_);
    keyed_with_ = secret(key);
    keyed_ = key.size() <= keyed_with_.view().size();
}

void key_schedule::mac(const hmac_key& key, std::span<const std::span<const unsigned char>> parts,
                       std::span<unsigned char> out) {
    // The keyed states are read, never advanced: EVP_MD_CTX_copy_ex takes its source const,
    // so the process-wide salt states serve every thread.
    if (EVP_MD_CTX_copy_ex(work_.get(), key.inner.get()) != 1) ossl::throw_failure("HMAC copy");
    for (const auto part : parts) digest_update(work_.get(), part);
    std::array<unsigned char, EVP_MAX_MD_SIZE> inner{};
    digest_final(work_.get(), inner);
    if (EVP_MD_CTX_copy_ex(work_.get(), key.outer.get()) != 1) ossl::throw_failure("HMAC copy");
    digest_update(work_.get(), std::span(inner).first(hash_size_));
    digest_final(work_.get(), out);
}

secret key_schedule::extract(std::span<const unsigned char> salt, std::span<const unsigned char> ikm) {
    // RFC 5869: an absent salt is a string of hash-length zeros.
    const std::array<unsigned char, 64> zeros{};
    set_key(salt.empty() ? std::span(zeros).first(hash_size_) : salt);
    secret out;
    const std::span<const unsigned char> parts[] = {ikm};
    mac(key_, parts, out.resize(hash_size_));
    return out;
}

void key_schedule::expand(std::span<const unsigned char> prk, std::span<const unsigned char> info,
                          std::span<unsigned char> out) {
    if (out.size() > 255 * hash_size_) throw std::invalid_argument("HKDF-Expand: output longer than 255 blocks");
    set_key(prk);
    // T(i) = HMAC(PRK, T(i-1) | info | i); most outputs here fit in T(1).
    std::array<unsigned char, EVP_MAX_MD_SIZE> t{};
    std::size_t t_size = 0;
    for (std::size_t done = 0, i = 1; done < out.size(); ++i) {
        const std::array<unsigned char, 1> counter{static_cast<unsigned char>(i)};
        const std::span<const unsigned char> parts[] = {std::span(t).first(t_size), info, counter};
        mac(key_, parts, std::span(t).first(hash_size_));
        t_size = hash_size_;
        const std::size_t n = std::min(hash_size_, out.size() - done);
        std::copy_n(t.begin(), n, out.begin() + static_cast<std::ptrdiff_t>(done));
        done += n;
    }
    OPENSSL_cleanse(t.data(), t.size());
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
    expand(from, std::span(info).first(n), out);
}

secret key_schedule::derive_secret(std::span<const unsigned char> from, std::string_view label,
                                   std::span<const unsigned char> transcript_hash) {
    secret out;
    expand_label(from, label, transcript_hash, out.resize(hash_size_));
    return out;
}

const key_schedule::early_state& key_schedule::early() const {
    // One state per hash; both suites' hashes are computed on first use of either. Held
    // for the life of the process, as the fetched algorithms are: freeing at exit would
    // race threads still scanning.
    static const std::array<early_state, 2>& states = *[] {
        auto s = std::make_unique<std::array<early_state, 2>>();
        for (auto [md, state] : {std::pair{sha256(), &(*s)[0]}, std::pair{sha384(), &(*s)[1]}}) {
            key_schedule ks(md);
            std::array<unsigned char, EVP_MAX_MD_SIZE> empty_hash{};
            unsigned int len = 0;
            if (EVP_Digest(nullptr, 0, empty_hash.data(), &len, md, nullptr) != 1) ossl::throw_failure("EVP_Digest");
            const std::array<unsigned char, EVP_MAX_MD_SIZE> zeros{};
            const secret early_secret = ks.extract({}, std::span(zeros).first(ks.hash_size()));
            state->derived = ks.derive_secret(early_secret.view(), "derived", std::span(empty_hash).first(len));
            state->salt = {new_md_ctx(), new_md_ctx()};
            absorb_key(md, state->derived.view(), state->salt);
        }
        return s.release();
    }();
    return states[hash_size_ == 48 ? 1 : 0];
}

secret key_schedule::early_derived() const { return early().derived; }

secret key_schedule::handshake_secret(std::span<const unsigned char> shared_secret) {
    // Every connection of a hash extracts under the same salt, keyed once per process.
    secret out;
    const std::span<const unsigned char> parts[] = {shared_secret};
    mac(early().salt, parts, out.resize(hash_size_));
    return out;
}

traffic_keys key_schedule::traffic(std::span<const unsigned char> traffic_secret, std::size_t key_size) {
    traffic_keys keys;
    keys.key_size = std::min(key_size, keys.key.size());
    expand_label(traffic_secret, "key", {}, std::span(keys.key).first(keys.key_size));
    expand_label(traffic_secret, "iv", {}, keys.iv);
    return keys;
}

}  // namespace tlsaudit::capture_engine::detail
