#pragma once
// Certificate parsing (scanner/x509, libcrypto only). Pure functions: no I/O
// except read_pem_file, which reads a file the user named.

#include <tlsaudit/model.hpp>

#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tlsaudit::x509 {

// Parses one DER certificate. Returns nullopt and sets `error` when `der` is not a
// certificate OpenSSL can read (garbage, truncated, trailing bytes). Never throws
// for bad input; thread-safe.
std::optional<cert_info> parse_certificate(std::span<const unsigned char> der, std::string& error);

// PEM "CERTIFICATE" blocks -> DER. Ignores text between blocks and returns the
// certificates in file order; throws std::runtime_error naming the block when a
// block is not a valid certificate. (Fingerprints, base64 and writing PEM are the
// build's private helpers: ossl/encoding.hpp.)
std::vector<bytes> pem_to_der(std::string_view pem);

// Reads a PEM file; throws std::runtime_error (with the path) when unreadable or when it
// holds no certificate (the message says what it holds instead).
std::vector<bytes> read_pem_file(const std::filesystem::path& path);

// The same for PEM text read elsewhere (standard input); `source` names it in messages.
std::vector<bytes> read_pem_certificates(std::string_view text, const std::string& source);

}  // namespace tlsaudit::x509
