// Reading PEM certificate files (tlsaudit/x509.hpp).

#include <tlsaudit/x509.hpp>

#include "ossl/der.hpp"
#include "ossl/encoding.hpp"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

namespace tlsaudit::x509 {

namespace {

using ossl::pem_certificate_begin;
using ossl::pem_certificate_end;

bool is_pem_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'; }

// The line of each offset asked, in increasing order: counted on from the last one (counting
// from the start for each block made a file of thousands of blocks quadratic).
class line_counter {
public:
    explicit line_counter(std::string_view text) : text_(text) {}
    std::size_t line_of(std::size_t offset) {
        line_ += static_cast<std::size_t>(std::count(text_.begin() + static_cast<std::ptrdiff_t>(counted_),
                                                     text_.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
        counted_ = offset;
        return line_;
    }

private:
    std::string_view text_;
    std::size_t counted_ = 0;
    std::size_t line_ = 1;
};

std::string block_label(std::size_t index, std::size_t line) {
    return "PEM certificate block " + std::to_string(index) + " (line " + std::to_string(line) + ")";
}

// Why a file holds no certificate, and how to make one of it: the other PEM blocks it holds
// (a key, OpenSSL's TRUSTED CERTIFICATE), or none at all (DER, or not a certificate).
std::string no_certificate_reason(std::string_view text) {
    constexpr std::string_view begin = "-----BEGIN ";
    std::vector<std::string> labels;
    for (std::size_t at = text.find(begin); at != std::string_view::npos && labels.size() < 4;
         at = text.find(begin, at + begin.size())) {
        const auto start = at + begin.size();
        const auto end = text.find("-----", start);
        if (end == std::string_view::npos || end - start > 40) continue;
        std::string label(text.substr(start, end - start));
        if (!std::all_of(label.begin(), label.end(), [](char c) { return (c >= 'A' && c <= 'Z') || c == ' '; }))
            continue;
        if (std::find(labels.begin(), labels.end(), label) == labels.end()) labels.push_back(std::move(label));
    }
    if (labels.empty())
        return "no PEM block at all (DER is not read: convert it with `openssl x509 -inform der -in FILE`)";
    std::string held;
    for (const auto& l : labels) held += (held.empty() ? "" : ", ") + l;
    const bool trusted = std::find(labels.begin(), labels.end(), "TRUSTED CERTIFICATE") != labels.end();
    return "only " + held + " blocks" +
           (trusted ? " (OpenSSL's trust format: `openssl x509 -in FILE` writes the plain certificate)" : "");
}

}  // namespace

std::vector<bytes> pem_to_der(std::string_view pem) {
    std::vector<bytes> certificates;
    std::size_t pos = 0;
    line_counter lines(pem);
    for (std::size_t begin = pem.find(pem_certificate_begin); begin != std::string_view::npos;
         begin = pem.find(pem_certificate_begin, pos)) {
        const std::string label = block_label(certificates.size() + 1, lines.line_of(begin));
        const std::size_t body = begin + pem_certificate_begin.size();
        const std::size_t end = pem.find(pem_certificate_end, body);
        if (end == std::string_view::npos) {
            throw std::runtime_error(label + ": no \"" + std::string(pem_certificate_end) + "\" line");
        }
        std::string base64;
        // RFC 7468 lax parsing: whitespace (line breaks included) may appear anywhere.
        std::copy_if(pem.begin() + static_cast<std::ptrdiff_t>(body), pem.begin() + static_cast<std::ptrdiff_t>(end),
                     std::back_inserter(base64), [](char c) { return !is_pem_space(c); });
        std::optional<bytes> der = ossl::base64_decode(base64);
        if (!der) {
            throw std::runtime_error(label + ": invalid base64");
        }
        std::string error;
        if (!ossl::decode_certificate(*der, error)) {
            throw std::runtime_error(label + ": not a valid certificate: " + error);
        }
        certificates.push_back(std::move(*der));
        pos = end + pem_certificate_end.size();
    }
    return certificates;
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
    return read_pem_certificates(text, path.string());
}

std::vector<bytes> read_pem_certificates(std::string_view text, const std::string& source) {
    std::vector<bytes> certificates;
    try {
        certificates = pem_to_der(text);
    } catch (const std::runtime_error& e) {
        throw std::runtime_error(source + ": " + e.what());
    }
    if (certificates.empty())
        throw std::runtime_error(source + ": no \"" + std::string(pem_certificate_begin) +
                                 "\" block: " + no_certificate_reason(text));
    // Beside certificates, a block in OpenSSL's trust format would be left out unread: the
    // chain would start at another certificate, a CA file would lack that anchor.
    if (text.find("-----BEGIN TRUSTED CERTIFICATE-----") != std::string_view::npos)
        throw std::runtime_error(source +
                                 ": holds a TRUSTED CERTIFICATE block (OpenSSL's trust format), which is not read; "
                                 "write it as a CERTIFICATE block with `openssl x509 -in FILE -out FILE.pem`");
    return certificates;
}

}  // namespace tlsaudit::x509
