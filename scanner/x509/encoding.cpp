// sha256_hex, base64 and PEM framing (tlsaudit/x509.hpp).

#include <tlsaudit/x509.hpp>

#include "x509/decode.hpp"
#include "x509/openssl_error.hpp"
#include "x509/text.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <system_error>

namespace tlsaudit::x509 {

namespace {

constexpr std::string_view base64_alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view pem_begin = "-----BEGIN CERTIFICATE-----";
constexpr std::string_view pem_end = "-----END CERTIFICATE-----";
constexpr std::size_t pem_line_length = 64;

bool is_pem_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'; }

std::size_t line_of(std::string_view text, std::size_t offset) {
    return 1 + static_cast<std::size_t>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
}

std::string block_label(std::size_t index, std::size_t line) {
    return "PEM certificate block " + std::to_string(index) + " (line " + std::to_string(line) + ")";
}

}  // namespace

std::string sha256_hex(std::span<const unsigned char> data, bool upper) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int length = 0;
    if (EVP_Digest(data.data(), data.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1) {
        throw std::runtime_error(describe_openssl_failure("SHA-256 failed"));
    }
    return detail::to_hex(std::span(digest.data(), length), upper);
}

std::string base64_encode(std::span<const unsigned char> data) {
    if (data.empty()) return {};
    std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');  // EVP_EncodeBlock adds a NUL
    const int length = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data.data(),
                                       static_cast<int>(data.size()));
    out.resize(static_cast<std::size_t>(length));
    return out;
}

// Strict: no whitespace, length a multiple of 4, '=' only as the last one or two
// characters, and the canonical encoding of its bytes (unused bits zero), so each byte
// string has exactly one text. EVP_DecodeBlock is lax about all of these: check first.
std::optional<bytes> base64_decode(std::string_view text) {
    if (text.size() % 4 != 0) return std::nullopt;
    if (text.empty()) return bytes{};
    const std::size_t padding = text.ends_with("==") ? 2 : text.ends_with('=') ? 1 : 0;
    if (text.find_first_not_of(base64_alphabet) < text.size() - padding) return std::nullopt;
    bytes out(text.size() / 4 * 3);
    const int length = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(text.data()),
                                       static_cast<int>(text.size()));
    if (length < 0 || static_cast<std::size_t>(length) < padding) return std::nullopt;
    out.resize(static_cast<std::size_t>(length) - padding);
    if (base64_encode(out) != text) return std::nullopt;
    return out;
}

std::vector<bytes> pem_to_der(std::string_view pem) {
    std::vector<bytes> certificates;
    std::size_t pos = 0;
    for (std::size_t begin = pem.find(pem_begin); begin != std::string_view::npos;
         begin = pem.find(pem_begin, pos)) {
        const std::string label = block_label(certificates.size() + 1, line_of(pem, begin));
        const std::size_t body = begin + pem_begin.size();
        const std::size_t end = pem.find(pem_end, body);
        if (end == std::string_view::npos) {
            throw std::runtime_error(label + ": no \"" + std::string(pem_end) + "\" line");
        }
        std::string base64;
        // RFC 7468 lax parsing: whitespace (line breaks included) may appear anywhere.
        std::copy_if(pem.begin() + static_cast<std::ptrdiff_t>(body), pem.begin() + static_cast<std::ptrdiff_t>(end),
                     std::back_inserter(base64), [](char c) { return !is_pem_space(c); });
        std::optional<bytes> der = base64_decode(base64);
        if (!der) {
            throw std::runtime_error(label + ": invalid base64");
        }
        std::string error;
        if (!decode_certificate(*der, error)) {
            throw std::runtime_error(label + ": not a valid certificate: " + error);
        }
        certificates.push_back(std::move(*der));
        pos = end + pem_end.size();
    }
    return certificates;
}

std::string der_to_pem(std::span<const unsigned char> der) {
    const std::string base64 = base64_encode(der);
    std::string out{pem_begin};
    out += '\n';
    for (std::size_t pos = 0; pos < base64.size(); pos += pem_line_length) {
        out.append(base64, pos, pem_line_length);
        out += '\n';
    }
    out += pem_end;
    out += '\n';
    return out;
}

std::vector<bytes> read_pem_file(const std::filesystem::path& path) {
    std::error_code status;
    if (std::filesystem::is_directory(path, status)) {
        throw std::runtime_error("cannot read PEM file " + path.string() + ": is a directory");
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw std::runtime_error("cannot open PEM file " + path.string());
    }
    const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    if (in.bad()) {
        throw std::runtime_error("cannot read PEM file " + path.string());
    }
    try {
        return pem_to_der(text);
    } catch (const std::runtime_error& e) {
        throw std::runtime_error(path.string() + ": " + e.what());
    }
}

}  // namespace tlsaudit::x509
