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

int base64_value(char c) {
    const std::size_t at = base64_alphabet.find(c);
    return at == std::string_view::npos ? -1 : static_cast<int>(at);
}

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
    std::string out;
    out.reserve((data.size() + 2) / 3 * 4);
    std::size_t pos = 0;
    for (; pos + 3 <= data.size(); pos += 3) {
        const std::uint32_t group = (std::uint32_t{data[pos]} << 16) | (std::uint32_t{data[pos + 1]} << 8) | data[pos + 2];
        out += base64_alphabet[(group >> 18) & 0x3F];
        out += base64_alphabet[(group >> 12) & 0x3F];
        out += base64_alphabet[(group >> 6) & 0x3F];
        out += base64_alphabet[group & 0x3F];
    }
    const std::size_t rest = data.size() - pos;
    if (rest > 0) {
        std::uint32_t group = std::uint32_t{data[pos]} << 16;
        if (rest == 2) {
            group |= std::uint32_t{data[pos + 1]} << 8;
        }
        out += base64_alphabet[(group >> 18) & 0x3F];
        out += base64_alphabet[(group >> 12) & 0x3F];
        out += rest == 2 ? base64_alphabet[(group >> 6) & 0x3F] : '=';
        out += '=';
    }
    return out;
}

// Strict: no whitespace, length a multiple of 4, '=' only as the last one or two
// characters, and the unused bits before padding zero (one text per byte string).
std::optional<bytes> base64_decode(std::string_view text) {
    if (text.size() % 4 != 0) {
        return std::nullopt;
    }
    bytes out;
    out.reserve(text.size() / 4 * 3);
    for (std::size_t pos = 0; pos < text.size(); pos += 4) {
        const bool last_group = pos + 4 == text.size();
        std::uint32_t group = 0;
        int padding = 0;
        for (std::size_t i = 0; i < 4; ++i) {
            const char c = text[pos + i];
            if (c == '=') {
                if (!last_group || i < 2) {
                    return std::nullopt;
                }
                ++padding;
                group <<= 6;
                continue;
            }
            const int value = base64_value(c);
            if (value < 0 || padding > 0) {
                return std::nullopt;
            }
            group = (group << 6) | static_cast<std::uint32_t>(value);
        }
        if ((padding == 1 && (group & 0xFF) != 0) || (padding == 2 && (group & 0xFFFF) != 0)) {
            return std::nullopt;
        }
        out.push_back(static_cast<unsigned char>(group >> 16));
        if (padding < 2) {
            out.push_back(static_cast<unsigned char>((group >> 8) & 0xFF));
        }
        if (padding < 1) {
            out.push_back(static_cast<unsigned char>(group & 0xFF));
        }
    }
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
