#include "certificate_verify.hpp"

#include "algorithms.hpp"
#include "errors.hpp"
#include "ossl/error.hpp"
#include "ossl/ptr.hpp"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <string_view>

namespace tlsaudit::capture_engine::detail {
namespace {

enum class key_kind { ec, rsa_pss_rsae, rsa_pss_pss, ed25519, ed448 };

struct scheme_info {
    std::uint16_t id;
    key_kind kind;
    const char* curve;  // EC only: OpenSSL's short name of the group
    const EVP_MD* (*md)();
};

// The schemes TLS 1.3 allows in CertificateVerify (no PKCS#1 v1.5, no SHA-1).
constexpr std::array<scheme_info, 11> schemes{{
    {0x0403, key_kind::ec, "prime256v1", &sha256},
    {0x0503, key_kind::ec, "secp384r1", &sha384},
    {0x0603, key_kind::ec, "secp521r1", &sha512},
    {0x0804, key_kind::rsa_pss_rsae, nullptr, &sha256},
    {0x0805, key_kind::rsa_pss_rsae, nullptr, &sha384},
    {0x0806, key_kind::rsa_pss_rsae, nullptr, &sha512},
    {0x0809, key_kind::rsa_pss_pss, nullptr, &sha256},
    {0x080a, key_kind::rsa_pss_pss, nullptr, &sha384},
    {0x080b, key_kind::rsa_pss_pss, nullptr, &sha512},
    {0x0807, key_kind::ed25519, nullptr, nullptr},
    {0x0808, key_kind::ed448, nullptr, nullptr},
}};

bool key_matches(EVP_PKEY* key, const scheme_info& s) {
    switch (s.kind) {
    case key_kind::ec: {
        std::array<char, 64> name{};
        std::size_t n = 0;
        return EVP_PKEY_is_a(key, "EC") == 1 && EVP_PKEY_get_group_name(key, name.data(), name.size(), &n) == 1 &&
               std::string_view(name.data(), n) == s.curve;
    }
    case key_kind::rsa_pss_rsae: return EVP_PKEY_is_a(key, "RSA") == 1;
    case key_kind::rsa_pss_pss: return EVP_PKEY_is_a(key, "RSA-PSS") == 1;
    case key_kind::ed25519: return EVP_PKEY_is_a(key, "ED25519") == 1;
    case key_kind::ed448: return EVP_PKEY_is_a(key, "ED448") == 1;
    }
    return false;
}

// The signed content: 64 spaces, the context string, a zero byte, the transcript hash.
class signed_content {
public:
    explicit signed_content(std::span<const unsigned char> transcript_hash) noexcept {
        constexpr std::string_view context = "TLS 1.3, server CertificateVerify";
        std::fill_n(buf_.begin(), 64, 0x20);
        std::copy(context.begin(), context.end(), buf_.begin() + 64);
        size_ = 64 + context.size() + 1;  // the zero byte is already there
        const auto n = std::min(transcript_hash.size(), buf_.size() - size_);
        std::copy_n(transcript_hash.begin(), n, buf_.begin() + static_cast<std::ptrdiff_t>(size_));
        size_ += n;
    }
    const unsigned char* data() const noexcept { return buf_.data(); }
    std::size_t size() const noexcept { return size_; }

private:
    std::array<unsigned char, 64 + 33 + 1 + 64> buf_{};
    std::size_t size_ = 0;
};

}  // namespace

std::optional<scan_error> check_certificate_verify(std::span<const unsigned char> leaf_der, std::uint16_t scheme,
                                                   std::span<const unsigned char> signature,
                                                   std::span<const unsigned char> transcript_hash) {
    const scheme_info* info = nullptr;
    for (const auto& s : schemes)
        if (s.id == scheme) info = &s;
    if (info == nullptr)
        return protocol_error(
            fmt::format("CertificateVerify uses signature scheme 0x{:04x}, not allowed in TLS 1.3", scheme));

    const unsigned char* p = leaf_der.data();
    const ossl::x509_ptr leaf(d2i_X509(nullptr, &p, static_cast<long>(leaf_der.size())));
    EVP_PKEY* key = leaf && p == leaf_der.data() + leaf_der.size() ? X509_get0_pubkey(leaf.get()) : nullptr;
    if (key == nullptr) {
        // Nothing to verify with: the capture goes on, and its leaf is reported as any
        // undecodable certificate is, with or without --verify-handshake.
        ERR_clear_error();
        return std::nullopt;
    }
    if (!key_matches(key, *info))
        return protocol_error(fmt::format("CertificateVerify scheme 0x{:04x} does not match the leaf's key", scheme));

    const ossl::evp_md_ctx_ptr ctx(EVP_MD_CTX_new());
    if (!ctx) ossl::throw_failure("CertificateVerify set-up");
    // The leaf's key may refuse the scheme (an RSA-PSS key restricted to another digest or
    // to a longer salt): the server signed with a scheme its own key cannot use.
    const auto unusable = [&] {
        return protocol_error(fmt::format("CertificateVerify scheme 0x{:04x} cannot be used with the leaf's key: {}",
                                          scheme, ossl::take_errors()));
    };
    EVP_PKEY_CTX* pctx = nullptr;
    if (EVP_DigestVerifyInit(ctx.get(), &pctx, info->md ? info->md() : nullptr, nullptr, key) != 1) return unusable();
    if ((info->kind == key_kind::rsa_pss_rsae || info->kind == key_kind::rsa_pss_pss) &&
        (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
         EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1))
        return unusable();
    const signed_content content(transcript_hash);
    if (EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), content.data(), content.size()) != 1) {
        ERR_clear_error();
        return protocol_error(fmt::format(
            "CertificateVerify signature (scheme 0x{:04x}) does not verify with the leaf certificate's key", scheme));
    }
    return std::nullopt;
}

}  // namespace tlsaudit::capture_engine::detail
