#include "answer_checks.hpp"

#include "tls_constants.hpp"

#include <algorithm>
#include <array>

namespace tlsaudit::capture_engine::detail {
namespace {

bool allowed(answered_in where, std::uint16_t type, bool sni_sent) noexcept {
    switch (type) {
    case extension::server_name:
        return sni_sent && (where == answered_in::tls12_server_hello || where == answered_in::encrypted_extensions);
    case extension::alpn: return where == answered_in::tls12_server_hello || where == answered_in::encrypted_extensions;
    case extension::status_request:
    case extension::signed_certificate_timestamp:
        return where == answered_in::tls12_server_hello || where == answered_in::certificate_entry;
    case extension::ec_point_formats:
    case extension::session_ticket:
    case extension::extended_master_secret:
    case extension::renegotiation_info: return where == answered_in::tls12_server_hello;
    case extension::supported_groups: return where == answered_in::encrypted_extensions;
    case extension::supported_versions:
    case extension::key_share:
        return where == answered_in::tls13_server_hello || where == answered_in::hello_retry_request;
    case extension::cookie: return where == answered_in::hello_retry_request;
    default: return false;  // never offered (padding, psk modes and signature_algorithms are never answered)
    }
}

}  // namespace

std::optional<std::uint16_t> unsolicited_extension(answered_in where, std::span<const std::uint16_t> types,
                                                   bool sni_sent) noexcept {
    for (const auto type : types)
        if (!allowed(where, type, sni_sent)) return type;
    return std::nullopt;
}

bool carries_downgrade_sentinel(std::span<const unsigned char> random, std::uint16_t chosen,
                                bool tls13_offered) noexcept {
    constexpr std::array<unsigned char, 7> downgrd{'D', 'O', 'W', 'N', 'G', 'R', 'D'};
    if (random.size() != 32 || !std::equal(downgrd.begin(), downgrd.end(), random.begin() + 24)) return false;
    const unsigned char last = random[31];
    if (chosen == version::tls12) return tls13_offered && last == 1;
    return chosen < version::tls12 && last == 0;  // every probe offers TLS 1.2
}

}  // namespace tlsaudit::capture_engine::detail
