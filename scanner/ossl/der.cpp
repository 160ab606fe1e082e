#include "ossl/der.hpp"

#include "ossl/error.hpp"

#include <openssl/err.h>

#include <climits>
#include <stdexcept>
#include <string_view>

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

bytes encode_certificate(const X509* cert) {
    unsigned char* out = nullptr;
    const int len = i2d_X509(cert, &out);
    if (len <= 0) throw_failure("i2d_X509 failed");
    const openssl_memory_ptr owner(out);
    return bytes(out, out + len);
}

}  // namespace tlsaudit::ossl
