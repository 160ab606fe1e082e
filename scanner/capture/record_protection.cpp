#include "record_protection.hpp"

#include <openssl/err.h>
#include <openssl/evp.h>

namespace tlsaudit::capture_engine::detail {

record_decrypter::record_decrypter(const EVP_CIPHER* cipher, const traffic_keys& keys)
    : ctx_(EVP_CIPHER_CTX_new()), iv_(keys.iv) {
    if (!ctx_ || EVP_DecryptInit_ex2(ctx_.get(), cipher, keys.key.data(), nullptr, nullptr) != 1)
        ossl::throw_failure("AEAD key set-up");
}

namespace {

// The nonce of record `sequence`: the IV XOR the 64-bit sequence number, right-aligned.
std::array<unsigned char, 12> nonce_of(const std::array<unsigned char, 12>& iv, std::uint64_t sequence) {
    std::array<unsigned char, 12> nonce = iv;
    for (std::size_t i = 0; i < 8; ++i) nonce[nonce.size() - 1 - i] ^= static_cast<unsigned char>(sequence >> (8 * i));
    return nonce;
}

}  // namespace

bool record_decrypter::open(std::span<const unsigned char> header, std::span<const unsigned char> payload, bytes& out) {
    if (payload.size() < aead_tag_size) return false;
    const auto nonce = nonce_of(iv_, sequence_++);

    const auto ciphertext = payload.first(payload.size() - aead_tag_size);
    const auto tag = payload.last(aead_tag_size);
    out.resize(ciphertext.size());
    int aad_n = 0;
    int n = 0;
    int final_n = 0;
    EVP_CIPHER_CTX* ctx = ctx_.get();
    // A failure here means the record does not authenticate (or libcrypto cannot say
    // otherwise): the peer's fault either way, so it is data, not an exception.
    const bool ok = EVP_DecryptInit_ex2(ctx, nullptr, nullptr, nonce.data(), nullptr) == 1 &&
                    EVP_DecryptUpdate(ctx, nullptr, &aad_n, header.data(), static_cast<int>(header.size())) == 1 &&
                    (ciphertext.empty() || EVP_DecryptUpdate(ctx, out.data(), &n, ciphertext.data(),
                                                             static_cast<int>(ciphertext.size())) == 1) &&
                    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, static_cast<int>(aead_tag_size),
                                        const_cast<unsigned char*>(tag.data())) == 1 &&
                    EVP_DecryptFinal_ex(ctx, out.data() + n, &final_n) == 1;
    if (!ok) {
        ERR_clear_error();
        return false;
    }
    out.resize(static_cast<std::size_t>(n + final_n));
    return true;
}

record_encrypter::record_encrypter(const EVP_CIPHER* cipher, const traffic_keys& keys)
    : ctx_(EVP_CIPHER_CTX_new()), iv_(keys.iv) {
    if (!ctx_ || EVP_EncryptInit_ex2(ctx_.get(), cipher, keys.key.data(), nullptr, nullptr) != 1)
        ossl::throw_failure("AEAD key set-up");
}

void record_encrypter::seal(std::uint8_t type, std::span<const unsigned char> content, bytes& out) {
    const auto nonce = nonce_of(iv_, sequence_++);
    const std::size_t inner = content.size() + 1;
    const std::size_t length = inner + aead_tag_size;
    const std::array<unsigned char, 5> header{23, 3, 3, static_cast<unsigned char>(length >> 8),
                                              static_cast<unsigned char>(length & 0xff)};
    const std::size_t start = out.size();
    out.insert(out.end(), header.begin(), header.end());
    out.resize(start + header.size() + length);
    unsigned char* body = out.data() + start + header.size();
    int aad_n = 0;
    int n = 0;
    int type_n = 0;
    int final_n = 0;
    EVP_CIPHER_CTX* ctx = ctx_.get();
    // TLSInnerPlaintext: the content, then its type (no padding). The AEAD modes are stream
    // modes: each update writes as many bytes as it reads.
    const bool ok = EVP_EncryptInit_ex2(ctx, nullptr, nullptr, nonce.data(), nullptr) == 1 &&
                    EVP_EncryptUpdate(ctx, nullptr, &aad_n, header.data(), static_cast<int>(header.size())) == 1 &&
                    EVP_EncryptUpdate(ctx, body, &n, content.data(), static_cast<int>(content.size())) == 1 &&
                    EVP_EncryptUpdate(ctx, body + n, &type_n, &type, 1) == 1 &&
                    EVP_EncryptFinal_ex(ctx, body + n + type_n, &final_n) == 1 &&
                    static_cast<std::size_t>(n + type_n + final_n) == inner &&
                    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, static_cast<int>(aead_tag_size), body + inner) == 1;
    if (!ok) {
        out.resize(start);
        ossl::throw_failure("AEAD seal");
    }
}

std::optional<inner_plaintext> split_inner_plaintext(std::span<const unsigned char> plaintext) noexcept {
    std::size_t end = plaintext.size();
    while (end > 0 && plaintext[end - 1] == 0) --end;
    if (end == 0) return std::nullopt;
    return inner_plaintext{plaintext[end - 1], plaintext.first(end - 1)};
}

}  // namespace tlsaudit::capture_engine::detail
