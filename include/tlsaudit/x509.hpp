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

// Lower/upper-case hex of SHA-256 over `data`. Throws std::runtime_error only when
// libcrypto itself fails (an environment failure, not bad input).
std::string sha256_hex(std::span<const unsigned char> data, bool upper = true);

// Base64 (RFC 4648, with padding, no line breaks) and its inverse; decode returns
// nullopt on invalid input.
std::string base64_encode(std::span<const unsigned char> data);
std::optional<bytes> base64_decode(std::string_view text);

// PEM "CERTIFICATE" blocks <-> DER. pem_to_der ignores text between blocks and
// returns the certificates in file order; throws std::runtime_error naming the
// block when a block is not a valid certificate.
std::vector<bytes> pem_to_der(std::string_view pem);
std::string der_to_pem(std::span<const unsigned char> der);

// Reads a PEM file; throws std::runtime_error (with the path) when unreadable.
std::vector<bytes> read_pem_file(const std::filesystem::path& path);

}  // namespace tlsaudit::x509
