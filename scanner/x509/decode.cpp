#include "x509/decode.hpp"

#include "x509/openssl_error.hpp"

#include <openssl/err.h>

#include <climits>
#include <string_view>

namespace tlsaudit::x509 {

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
        error = describe_openssl_failure("not a DER certificate");
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

}  // namespace tlsaudit::x509
