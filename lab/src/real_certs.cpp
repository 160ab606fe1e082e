#include <tlsaudit/lab/real_certs.hpp>

#include "ossl/der.hpp"
#include "ossl/error.hpp"
#include "ossl/ptr.hpp"
#include "real_certs_data.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace tlsaudit::lab {

std::string_view real_cert_pem(std::string_view file_stem) {
    for (std::size_t i = 0; i < detail::embedded_real_certs_count; ++i) {
        if (file_stem == detail::embedded_real_certs[i].stem) return detail::embedded_real_certs[i].pem;
    }
    throw std::invalid_argument(fmt::format("no real certificate named '{}'", file_stem));
}

std::vector<bytes> real_cert(std::string_view file_stem) {
    const std::string_view pem = real_cert_pem(file_stem);
    if (pem.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
        throw std::length_error("embedded PEM too large");
    }
    ossl::bio_ptr bio(ossl::check_ptr(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), "BIO_new_mem_buf"));
    std::vector<bytes> certs;
    while (X509* raw = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
        ossl::x509_ptr cert(raw);
        certs.push_back(ossl::encode_certificate(cert.get()));
    }
    // The loop ends on "no start line" at the end of the text: expected, not an error.
    const unsigned long err = ERR_peek_last_error();
    if (ERR_GET_LIB(err) == ERR_LIB_PEM && ERR_GET_REASON(err) == PEM_R_NO_START_LINE) {
        ERR_clear_error();
    } else if (err != 0) {
        ossl::throw_failure(fmt::format("PEM in {}.pem", file_stem));
    }
    if (certs.empty()) throw std::runtime_error(fmt::format("{}.pem holds no certificate", file_stem));
    return certs;
}

std::vector<std::string> real_cert_names() {
    std::vector<std::string> names;
    for (std::size_t i = 0; i < detail::embedded_real_certs_count; ++i) {
        names.emplace_back(detail::embedded_real_certs[i].stem);
    }
    std::sort(names.begin(), names.end());
    return names;
}

credential leaf_under_real(std::string_view file_stem, const std::string& name, std::size_t key_index,
                           key_kind leaf_kind) {
    return issue_under_name(real_cert(file_stem).front(), lab_key(key_kind::rsa_2048, key_index), leaf_spec(name),
                            lab_key(leaf_kind, key_index));
}

}  // namespace tlsaudit::lab
