#include "testing.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <array>
#include <memory>
#include <stdexcept>

namespace tlsaudit::capture_engine::detail {
namespace {

// splitmix64: a fixed, well-mixed sequence from a seed (not for secrets: tests only).
std::uint64_t next(std::uint64_t& state) noexcept {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

struct curve {
    int nid;
    const char* name;
};

curve curve_of(std::uint16_t group) {
    switch (group) {
    case 0x0017: return {NID_X9_62_prime256v1, "P-256"};
    case 0x0018: return {NID_secp384r1, "P-384"};
    case 0x0019: return {NID_secp521r1, "P-521"};
    default: throw std::runtime_error("fixed_entropy: not an EC group");
    }
}

}  // namespace

void fixed_entropy::fill(std::span<unsigned char> out) {
    for (auto& b : out) {
        std::uint64_t state = seed_ + counter_++;
        b = static_cast<unsigned char>(next(state));
    }
}

// The private scalar comes from fill(); the public point is computed from it, so the
// same seed gives the same key pair on every run.
ossl::evp_pkey_ptr fixed_entropy::ec_key(std::uint16_t group) {
    const curve c = curve_of(group);
    const ossl::ec_group_ptr g(EC_GROUP_new_by_curve_name(c.nid));
    const ossl::bn_ctx_ptr ctx(BN_CTX_new());
    std::array<unsigned char, 66> raw{};
    const auto order_bytes = static_cast<std::size_t>(EC_GROUP_order_bits(g.get()) + 7) / 8;
    fill(std::span(raw).first(order_bytes));
    raw[0] &= 0x7f;  // below the order for every curve used here (their orders start with 0xff or 0x01)
    if (group == 0x0019) raw[0] &= 0x01;
    const ossl::bignum_ptr priv(BN_bin2bn(raw.data(), static_cast<int>(order_bytes), nullptr));
    const ossl::ec_point_ptr pub(EC_POINT_new(g.get()));
    std::array<unsigned char, 133> pub_bytes{};
    if (!priv || !pub || EC_POINT_mul(g.get(), pub.get(), priv.get(), nullptr, nullptr, ctx.get()) != 1)
        ossl::throw_failure("fixed_entropy: EC point");
    const std::size_t n = EC_POINT_point2oct(g.get(), pub.get(), POINT_CONVERSION_UNCOMPRESSED, pub_bytes.data(),
                                             pub_bytes.size(), ctx.get());
    const ossl::param_bld_ptr bld(OSSL_PARAM_BLD_new());
    if (!bld || OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, c.name, 0) != 1 ||
        OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, priv.get()) != 1 ||
        OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, pub_bytes.data(), n) != 1)
        ossl::throw_failure("fixed_entropy: parameters");
    const ossl::param_ptr params(OSSL_PARAM_BLD_to_param(bld.get()));
    const ossl::evp_pkey_ctx_ptr pctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
    EVP_PKEY* key = nullptr;
    if (!params || !pctx || EVP_PKEY_fromdata_init(pctx.get()) != 1 ||
        EVP_PKEY_fromdata(pctx.get(), &key, EVP_PKEY_KEYPAIR, params.get()) != 1)
        ossl::throw_failure("fixed_entropy: EC key");
    return ossl::evp_pkey_ptr(key);
}

}  // namespace tlsaudit::capture_engine::detail
