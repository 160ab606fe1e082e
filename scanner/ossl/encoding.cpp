#include "ossl/encoding.hpp"

#include "ossl/error.hpp"
#include "ossl/ptr.hpp"
#include "text/hex.hpp"

#include <openssl/evp.h>

#include <array>
#include <cstdint>

namespace tlsaudit::ossl {

namespace {

constexpr std::string_view base64_alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::size_t pem_line_length = 64;

}  // namespace

std::string sha256_raw(std::span<const unsigned char> data) {
    // Fetched once, and one context per thread: EVP_Digest with EVP_sha256() looks the
    // algorithm up and allocates a context on every call, which cost more than hashing a
    // certificate (each one is hashed several times per endpoint, as a cache key).
    static const evp_md_ptr sha256{EVP_MD_fetch(nullptr, "SHA2-256", nullptr)};
    thread_local const evp_md_ctx_ptr ctx{EVP_MD_CTX_new()};
    if (!sha256 || !ctx) throw_failure("SHA-256 unavailable");
    std::string digest(32, '\0');
    unsigned int length = 0;
    if (EVP_DigestInit_ex2(ctx.get(), sha256.get(), nullptr) != 1 ||
        EVP_DigestUpdate(ctx.get(), data.data(), data.size()) != 1 ||
        EVP_DigestFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(digest.data()), &length) != 1 ||
        length != digest.size()) {
        throw_failure("SHA-256 failed");
    }
    return digest;
}

std::string sha256_hex(std::span<const unsigned char> data) {
    const std::string digest = sha256_raw(data);
    return text::to_hex(std::span(reinterpret_cast<const unsigned char*>(digest.data()), digest.size()));
}

std::size_t base64_length(std::size_t size) noexcept { return 4 * ((size + 2) / 3); }

// By hand rather than EVP_EncodeBlock: every record carries its chain in base64, and
// libcrypto's encoder costs about three times as much per byte.
void base64_encode_to(std::span<const unsigned char> data, char* out) noexcept {
    const auto sextet = [](std::uint32_t bits, int shift) { return base64_alphabet[(bits >> shift) & 0x3F]; };
    std::size_t i = 0;
    for (; i + 3 <= data.size(); i += 3) {
        const std::uint32_t bits = std::uint32_t{data[i]} << 16 | std::uint32_t{data[i + 1]} << 8 | data[i + 2];
        *out++ = sextet(bits, 18);
        *out++ = sextet(bits, 12);
        *out++ = sextet(bits, 6);
        *out++ = sextet(bits, 0);
    }
    const std::size_t rest = data.size() - i;
    if (rest == 0) return;
    const std::uint32_t bits = std::uint32_t{data[i]} << 16 | (rest == 2 ? std::uint32_t{data[i + 1]} << 8 : 0);
    *out++ = sextet(bits, 18);
    *out++ = sextet(bits, 12);
    *out++ = rest == 2 ? sextet(bits, 6) : '=';
    *out = '=';
}

std::string base64_encode(std::span<const unsigned char> data) {
    std::string out(base64_length(data.size()), '\0');
    base64_encode_to(data, out.data());
    return out;
}

// EVP_DecodeBlock is lax about whitespace, length, padding and unused bits: check first,
// and compare with the re-encoding so each byte string has exactly one text.
std::optional<bytes> base64_decode(std::string_view text) {
    if (text.size() % 4 != 0) return std::nullopt;
    if (text.empty()) return bytes{};
    const std::size_t padding = text.ends_with("==") ? 2 : text.ends_with('=') ? 1 : 0;
    if (text.find_first_not_of(base64_alphabet) < text.size() - padding) return std::nullopt;
    bytes out(text.size() / 4 * 3);
    const int length =
        EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
    if (length < 0 || static_cast<std::size_t>(length) < padding) return std::nullopt;
    out.resize(static_cast<std::size_t>(length) - padding);
    if (base64_encode(out) != text) return std::nullopt;
    return out;
}

std::string der_to_pem(std::span<const unsigned char> der) {
    const std::string base64 = base64_encode(der);
    std::string out{pem_certificate_begin};
    out += '\n';
    for (std::size_t pos = 0; pos < base64.size(); pos += pem_line_length) {
        out.append(base64, pos, pem_line_length);
        out += '\n';
    }
    out += pem_certificate_end;
    out += '\n';
    return out;
}

}  // namespace tlsaudit::ossl
