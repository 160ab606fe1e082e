#pragma once
// What each probe offers (client.hpp documents it for users): one table per probe, the
// single source the ClientHello builder and the ServerHello checks read.

#include "client.hpp"

#include <cstdint>
#include <span>
#include <string_view>

namespace tlsaudit::capture_engine::detail {

struct probe_profile {
    bool tls13;                                    // offers TLS 1.3 (key_share, psk modes)
    bool server_name;                              // sends SNI when the caller gives a name
    std::span<const std::uint16_t> cipher_suites;  // in preference order, without the SCSV
    std::span<const std::uint16_t> signature_algorithms;
    std::span<const std::uint16_t> versions;  // supported_versions
    std::span<const std::uint16_t> groups;    // supported_groups, in order
};

const probe_profile& profile_of(probe p) noexcept;

// True when the probe offered `suite` (a server choosing anything else breaks the protocol).
bool offers_suite(const probe_profile& profile, std::uint16_t suite) noexcept;

// OpenSSL's name of a suite any probe offers ("ECDHE-RSA-AES128-GCM-SHA256"), so captures
// read the same as the libssl engine's; empty for any other suite.
std::string_view cipher_name(std::uint16_t suite) noexcept;

// A TLS 1.2 suite defined for TLS 1.2 only (AEAD, or CBC with a SHA-256/384 MAC): a server
// choosing it with TLS 1.0 or 1.1 breaks the protocol. False for other suites.
bool tls12_only_suite(std::uint16_t suite) noexcept;

// An ECDHE or DHE suite, whose ServerKeyExchange follows the certificate (RFC 5246 7.4.3);
// false for RSA key exchange, which has none.
bool ephemeral_key_exchange(std::uint16_t suite) noexcept;

}  // namespace tlsaudit::capture_engine::detail
