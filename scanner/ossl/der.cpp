#include "ossl/der.hpp"

#include "ossl/encoding.hpp"
#include "ossl/error.hpp"

#include <openssl/err.h>

#include <array>
#include <climits>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <string_view>
#include <unordered_map>

namespace tlsaudit::ossl {

x509_ptr decode_certificate(std::span<const unsigned char> der, std::string& error) {
    if (der.empty()) {
        error = "empty input: no certificate";
        return nullptr;
    }
    if (der.size() > static_cast<std::size_t>(LONG_MAX)) {
        error = "input too large for a certificate";
        return nullptr;
    }
    ERR_clear_error();  // whatever is queued belongs to someone else's failure
    const unsigned char* cursor = der.data();
    x509_ptr cert{d2i_X509(nullptr, &cursor, static_cast<long>(der.size()))};
    if (!cert) {
        error = describe_failure("not a DER certificate");
        return nullptr;
    }
    const auto consumed = static_cast<std::size_t>(cursor - der.data());
    if (consumed != der.size()) {
        error = "trailing data: " + std::to_string(der.size() - consumed) + " byte(s) after the " +
                std::to_string(consumed) + "-byte certificate";
        ERR_clear_error();
        return nullptr;
    }
    ERR_clear_error();
    return cert;
}

x509_ptr decode_certificate(std::span<const unsigned char> der) {
    std::string error;
    x509_ptr cert = decode_certificate(der, error);
    if (!cert) throw std::runtime_error("certificate DER: " + error);
    return cert;
}

namespace {

// Shards so that scan threads seldom wait for each other; a full shard is emptied, which
// costs the certificates still in use one more decode each.
class shared_certificates {
public:
    x509_ptr find_or_decode(std::span<const unsigned char> der, std::string& error) {
        std::string key = sha256_raw(der);
        std::size_t h = 0;
        std::memcpy(&h, key.data(), sizeof h);
        shard& s = shards_[h % shards_.size()];
        {
            const std::scoped_lock lock(s.mutex);
            if (auto it = s.certs.find(key); it != s.certs.end()) return up_ref(it->second.get());
        }
        x509_ptr cert = decode_certificate(der, error);  // outside the lock: it is the slow part
        if (!cert) return cert;
        const std::scoped_lock lock(s.mutex);
        if (s.certs.size() >= per_shard) s.certs.clear();
        s.certs.try_emplace(std::move(key), up_ref(cert.get()));
        return cert;
    }

private:
    static x509_ptr up_ref(X509* cert) {
        if (X509_up_ref(cert) != 1) throw_failure("X509_up_ref failed");
        return x509_ptr(cert);
    }

    static constexpr std::size_t per_shard = 64;
    struct shard {
        std::mutex mutex;
        std::unordered_map<std::string, x509_ptr> certs;
    };
    std::array<shard, 16> shards_;
};

}  // namespace

x509_ptr decode_shared_certificate(std::span<const unsigned char> der, std::string& error) {
    static shared_certificates memo;
    return memo.find_or_decode(der, error);
}

bytes encode_certificate(const X509* cert) {
    unsigned char* out = nullptr;
    const int len = i2d_X509(cert, &out);
    if (len <= 0) throw_failure("i2d_X509 failed");
    const openssl_memory_ptr owner(out);
    return bytes(out, out + len);
}

std::optional<der_element> take_der_element(std::span<const unsigned char>& in) noexcept {
    if (in.size() < 2) return std::nullopt;
    std::size_t length = in[1], header = 2;
    if (length & 0x80U) {
        const std::size_t n = length & 0x7FU;
        if (n == 0 || n > 4 || in.size() < 2 + n) return std::nullopt;
        length = 0;
        for (std::size_t i = 0; i < n; ++i) length = length << 8U | in[2 + i];
        header += n;
    }
    if (in.size() - header < length) return std::nullopt;
    der_element element{in[0], in.subspan(header, length)};
    in = in.subspan(header + length);
    return element;
}

}  // namespace tlsaudit::ossl
