#include "key_share.hpp"

#include "testing.hpp"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include <stdexcept>

namespace tlsaudit::capture_engine::detail {
namespace {

const char* curve_name(std::uint16_t g) noexcept {
    switch (g) {
    case group::secp256r1: return "P-256";
    case group::secp384r1: return "P-384";
    case group::secp521r1: return "P-521";
    default: return nullptr;
    }
}

// Length of an uncompressed point: 0x04, then x and y.
std::size_t point_size(std::uint16_t g) noexcept {
    switch (g) {
    case group::secp256r1: return 65;
    case group::secp384r1: return 97;
    case group::secp521r1: return 133;
    default: return 0;
    }
}

// The Montgomery curves' keys are raw strings (RFC 7748), of the same length as their secrets.
const char* montgomery_name(std::uint16_t g) noexcept {
    return g == group::x25519 ? "X25519" : g == group::x448 ? "X448" : nullptr;
}

std::size_t public_key_size(std::uint16_t g) noexcept {
    return g == group::x25519 ? 32 : g == group::x448 ? 56 : point_size(g);
}

// The peer's key takes its type and curve from ours: building it by name
// (EVP_PKEY_new_raw_public_key_ex) would fetch the key manager per connection.
ossl::evp_pkey_ptr peer_key(std::uint16_t g, const EVP_PKEY* ours, std::span<const unsigned char> data) {
    // TLS 1.3 allows only the uncompressed form of a NIST point (RFC 8446 4.2.8.2).
    if (data.size() != public_key_size(g) || (montgomery_name(g) == nullptr && data[0] != 0x04)) return nullptr;
    ossl::evp_pkey_ptr peer(EVP_PKEY_new());
    if (!peer || EVP_PKEY_copy_parameters(peer.get(), ours) != 1 ||
        EVP_PKEY_set1_encoded_public_key(peer.get(), data.data(), data.size()) != 1)
        return nullptr;
    return peer;
}

// The derive context of the key this thread last derived with. A thread's connections
// share one X25519 key (reused_x25519), so most agreements skip creating and
// initialising a context; a context per share would need a lock or a share per
// connection, since setting the peer changes it. The context holds a reference to its
// key, so no other key can take the cached key's address while it is cached.
EVP_PKEY_CTX* derive_context(EVP_PKEY* key) {
    thread_local ossl::evp_pkey_ctx_ptr ctx;
    if (!ctx || EVP_PKEY_CTX_get0_pkey(ctx.get()) != key) {
        ctx.reset(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
        if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1) {
            ctx.reset();
            ossl::throw_failure("key exchange set-up");
        }
    }
    return ctx.get();
}

}  // namespace

bool key_share::supported(std::uint16_t g) noexcept {
    return montgomery_name(g) != nullptr || curve_name(g) != nullptr;
}

key_share key_share::generate(std::uint16_t g, entropy_source* entropy) {
    key_share share;
    share.group_ = g;
    if (const char* name = montgomery_name(g)) {
        std::array<unsigned char, 56> buffer{};
        const std::span<unsigned char> raw(buffer.data(), public_key_size(g));
        if (entropy != nullptr) entropy->fill(raw);
        else if (RAND_bytes(raw.data(), static_cast<int>(raw.size())) != 1) ossl::throw_failure("RAND_bytes");
        share.key_.reset(EVP_PKEY_new_raw_private_key_ex(nullptr, name, nullptr, raw.data(), raw.size()));
        OPENSSL_cleanse(buffer.data(), buffer.size());
        share.public_.resize(raw.size());
        std::size_t n = share.public_.size();
        if (!share.key_ || EVP_PKEY_get_raw_public_key(share.key_.get(), share.public_.data(), &n) != 1)
            ossl::throw_failure("Montgomery curve key generation");
        return share;
    }
    const char* curve = curve_name(g);
    if (curve == nullptr) throw std::runtime_error("key_share: unsupported group");
    share.key_ =
        entropy != nullptr ? entropy->ec_key(g) : ossl::evp_pkey_ptr(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", curve));
    unsigned char* encoded = nullptr;
    const std::size_t n = share.key_ ? EVP_PKEY_get1_encoded_public_key(share.key_.get(), &encoded) : 0;
    if (n != point_size(g)) {
        OPENSSL_free(encoded);
        ossl::throw_failure("EC key generation");
    }
    share.public_.assign(encoded, encoded + n);
    OPENSSL_free(encoded);
    return share;
}

// A certificates-only client may send one X25519 share on many connections, as scanners
// that only capture the server's flight do: the shared secret protects nothing of ours
// (the client never sends a Finished or application data, and the flight it decrypts
// carries public certificates), so a fresh key per connection buys no secrecy, while its
// generation (a base-point multiplication) costs as much as the key agreement itself.
// What reuse does give away is linkability: a server can tell that connections share a
// share, as it can tell by the source address. The share is replaced every
// x25519_reuse_limit connections, so a long scan still does not present one key for
// ever, and each thread keeps its own so that no lock is taken per connection.
std::shared_ptr<const key_share> key_share::reused_x25519() {
    thread_local std::shared_ptr<const key_share> share;
    thread_local int uses = 0;
    if (!share || uses >= x25519_reuse_limit) {
        share = std::make_shared<const key_share>(generate(group::x25519, nullptr));
        uses = 0;
    }
    ++uses;
    return share;
}

std::optional<secret> key_share::derive(std::span<const unsigned char> peer_bytes) const {
    const ossl::evp_pkey_ptr peer = peer_key(group_, key_.get(), peer_bytes);
    if (!peer) {
        ERR_clear_error();
        return std::nullopt;
    }
    EVP_PKEY_CTX* ctx = derive_context(key_.get());
    secret out;
    std::size_t n = out.resize(96).size();
    // Every string of the right length is an X25519 or X448 public key (RFC 7748), so only
    // NIST points are validated (on the curve) when set; derive refuses the all-zero result.
    const int validate = montgomery_name(group_) != nullptr ? 0 : 1;
    if (EVP_PKEY_derive_set_peer_ex(ctx, peer.get(), validate) != 1 ||
        EVP_PKEY_derive(ctx, out.resize(n).data(), &n) != 1) {
        ERR_clear_error();
        return std::nullopt;
    }
    out.resize(n);
    return out;
}

}  // namespace tlsaudit::capture_engine::detail
