#include <tlsaudit/lab/key.hpp>

#include "ossl/error.hpp"
#include "ossl/ptr.hpp"

#include <openssl/core_names.h>
#include <openssl/pem.h>

#include <fmt/format.h>

#include <limits>
#include <map>
#include <mutex>
#include <stdexcept>
#include <utility>

namespace tlsaudit::lab {
std::string_view to_string(key_kind kind) noexcept {
    switch (kind) {
    case key_kind::rsa_1024: return "rsa-1024";
    case key_kind::rsa_2048: return "rsa-2048";
    case key_kind::rsa_3072: return "rsa-3072";
    case key_kind::rsa_4096: return "rsa-4096";
    case key_kind::ec_p256: return "ec-p256";
    case key_kind::ec_p384: return "ec-p384";
    }
    return "unknown";
}

void key::free_pkey::operator()(EVP_PKEY* p) const noexcept { EVP_PKEY_free(p); }

key::key(EVP_PKEY* adopted) noexcept : pkey_(adopted) {}

key::key(const key& other) noexcept {
    if (other.pkey_ && EVP_PKEY_up_ref(other.pkey_.get()) == 1) {
        pkey_.reset(other.pkey_.get());
    }
}

key& key::operator=(const key& other) noexcept {
    if (this != &other) *this = key(other);
    return *this;
}

key key::make_rsa(int bits) {
    ossl::evp_pkey_ctx_ptr ctx(ossl::check_ptr(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr), "RSA context"));
    ossl::check(EVP_PKEY_keygen_init(ctx.get()), "RSA keygen init");
    ossl::check(EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), bits), fmt::format("RSA key size {}", bits));
    EVP_PKEY* raw = nullptr;
    ossl::check(EVP_PKEY_generate(ctx.get(), &raw), fmt::format("RSA-{} keygen", bits));
    return key(raw);
}

key key::make_ec(std::string curve) {
    ossl::evp_pkey_ctx_ptr ctx(ossl::check_ptr(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr), "EC context"));
    ossl::check(EVP_PKEY_keygen_init(ctx.get()), "EC keygen init");
    ossl::check(EVP_PKEY_CTX_set_group_name(ctx.get(), curve.c_str()), fmt::format("EC curve {}", curve));
    EVP_PKEY* raw = nullptr;
    ossl::check(EVP_PKEY_generate(ctx.get(), &raw), fmt::format("EC {} keygen", curve));
    return key(raw);
}

key key::make(key_kind kind) {
    switch (kind) {
    case key_kind::rsa_1024: return make_rsa(1024);
    case key_kind::rsa_2048: return make_rsa(2048);
    case key_kind::rsa_3072: return make_rsa(3072);
    case key_kind::rsa_4096: return make_rsa(4096);
    case key_kind::ec_p256: return make_ec("P-256");
    case key_kind::ec_p384: return make_ec("P-384");
    }
    throw std::invalid_argument("unknown key_kind");
}

key key::from_pem(std::string_view pem) {
    if (pem.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
        throw std::invalid_argument("PEM too large");
    }
    ossl::bio_ptr bio(ossl::check_ptr(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), "BIO_new_mem_buf"));
    EVP_PKEY* raw = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr);
    if (raw == nullptr) ossl::throw_failure("PEM_read_bio_PrivateKey");
    return key(raw);
}

std::string key::to_pem() const {
    if (!pkey_) throw std::logic_error("key::to_pem on an empty key");
    ossl::bio_ptr bio(ossl::check_ptr(BIO_new(BIO_s_mem()), "BIO_new"));
    ossl::check(PEM_write_bio_PKCS8PrivateKey(bio.get(), pkey_.get(), nullptr, nullptr, 0, nullptr, nullptr),
                "PEM_write_bio_PKCS8PrivateKey");
    char* data = nullptr;
    long len = BIO_get_mem_data(bio.get(), &data);
    if (len <= 0 || data == nullptr) ossl::throw_failure("BIO_get_mem_data");
    return std::string(data, static_cast<std::size_t>(len));
}

bytes key::public_der() const {
    if (!pkey_) throw std::logic_error("key::public_der on an empty key");
    int len = i2d_PUBKEY(pkey_.get(), nullptr);
    ossl::check(len, "i2d_PUBKEY");
    bytes out(static_cast<std::size_t>(len));
    unsigned char* p = out.data();
    ossl::check(i2d_PUBKEY(pkey_.get(), &p), "i2d_PUBKEY");
    return out;
}

int key::bits() const noexcept { return pkey_ ? EVP_PKEY_get_bits(pkey_.get()) : 0; }

namespace {

// One cache slot per (kind, index): a once_flag lets different slots generate in
// parallel while the map itself is only locked briefly.
struct key_slot {
    std::once_flag once;
    key k;
};

}  // namespace

key lab_key(key_kind kind, std::size_t index) {
    static std::mutex mutex;
    static std::map<std::pair<key_kind, std::size_t>, std::unique_ptr<key_slot>> slots;
    key_slot* slot = nullptr;
    {
        std::lock_guard lock(mutex);
        auto& entry = slots[{kind, index}];
        if (!entry) entry = std::make_unique<key_slot>();
        slot = entry.get();
    }
    std::call_once(slot->once, [&] { slot->k = key::make(kind); });
    return slot->k;
}

}  // namespace tlsaudit::lab
