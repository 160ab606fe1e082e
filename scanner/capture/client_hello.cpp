#include "client_hello.hpp"

#include "probes.hpp"
#include "tls_constants.hpp"
#include "wire.hpp"

#include <algorithm>
#include <stdexcept>

namespace tlsaudit::capture_engine::detail {
namespace {

void put_u16_list(bytes& out, std::span<const std::uint16_t> values, std::size_t prefix) {
    length_prefix list(out, prefix);
    for (const auto v : values) put_u16(out, v);
    list.close();
}

// An extension whose body is written by `body`.
template <typename Body>
void put_extension(bytes& out, std::uint16_t type, Body&& body) {
    put_u16(out, type);
    length_prefix ext(out, 2);
    body();
    ext.close();
}

bytes cipher_suites(const probe_profile& profile) {
    bytes out;
    length_prefix list(out, 2);
    for (const auto s : profile.cipher_suites) put_u16(out, s);
    put_u16(out, 0x00ff);  // TLS_EMPTY_RENEGOTIATION_INFO_SCSV
    list.close();
    return out;
}

bytes before_key_share(const probe_profile& profile, const std::vector<std::string>& alpn) {
    bytes out;
    put_extension(out, extension::extended_master_secret, [] {});
    put_extension(out, extension::supported_groups, [&] { put_u16_list(out, profile.groups, 2); });
    put_extension(out, extension::ec_point_formats, [&] {
        put_u8(out, 1);
        put_u8(out, 0);  // uncompressed
    });
    put_extension(out, extension::session_ticket, [] {});
    if (!alpn.empty()) {
        put_extension(out, extension::alpn, [&] {
            length_prefix list(out, 2);
            for (const auto& name : alpn) {
                put_u8(out, static_cast<unsigned>(name.size()));
                out.insert(out.end(), name.begin(), name.end());
            }
            list.close();
        });
    }
    put_extension(out, extension::status_request, [&] {
        put_u8(out, 1);   // ocsp
        put_u16(out, 0);  // no responder ids
        put_u16(out, 0);  // no request extensions
    });
    put_extension(out, extension::signature_algorithms, [&] { put_u16_list(out, profile.signature_algorithms, 2); });
    put_extension(out, extension::signed_certificate_timestamp, [] {});
    return out;
}

bytes after_key_share(const probe_profile& profile) {
    bytes out;
    if (profile.tls13) {
        put_extension(out, extension::psk_key_exchange_modes, [&] {
            put_u8(out, 1);
            put_u8(out, 1);  // psk_dhe_ke
        });
    }
    // Last on purpose: never empty (some servers fail on an empty last extension).
    put_extension(out, extension::supported_versions, [&] { put_u16_list(out, profile.versions, 1); });
    return out;
}

bool is_ip_literal(std::string_view name) noexcept {
    if (name.find_first_of(":[") != std::string_view::npos) return true;     // IPv6, bracketed or not
    return name.find_first_not_of("0123456789.") == std::string_view::npos;  // IPv4 forms
}

}  // namespace

std::string_view server_name_to_send(std::string_view requested) noexcept {
    if (!requested.empty() && requested.back() == '.') requested.remove_suffix(1);
    if (requested.empty() || requested.size() > max_server_name || is_ip_literal(requested)) return {};
    return requested;
}

bytes build_client_hello(const hello_template& hello, const hello_fields& fields) {
    const auto& parts = hello.serialised();
    bytes m;
    m.reserve(600 + fields.sni.size() + fields.cookie.size() + fields.key_share.size());
    put_u8(m, handshake_type::client_hello);
    length_prefix body(m, 3);
    put_u16(m, version::tls12);  // legacy_version
    put(m, fields.random);
    put_u8(m, static_cast<unsigned>(fields.session_id.size()));
    put(m, fields.session_id);
    put(m, parts.cipher_suites);
    put_u8(m, 1);
    put_u8(m, 0);  // null compression only
    length_prefix extensions(m, 2);
    if (!fields.sni.empty()) {
        put_extension(m, extension::server_name, [&] {
            length_prefix list(m, 2);
            put_u8(m, 0);  // host_name
            length_prefix name(m, 2);
            m.insert(m.end(), fields.sni.begin(), fields.sni.end());
            name.close();
            list.close();
        });
    }
    put(m, parts.before_key_share);
    if (fields.key_share_group != 0) {
        put_extension(m, extension::key_share, [&] {
            length_prefix shares(m, 2);
            put_u16(m, fields.key_share_group);
            length_prefix key(m, 2);
            put(m, fields.key_share);
            key.close();
            shares.close();
        });
    }
    if (!fields.cookie.empty()) {
        put_extension(m, extension::cookie, [&] {
            length_prefix cookie(m, 2);
            put(m, fields.cookie);
            cookie.close();
        });
    }
    put(m, parts.after_key_share);
    // Neither the message nor its record (5 bytes more) may be 256-511 bytes long: pad to
    // 512 or more, with at least one byte of padding so the last extension is not empty.
    if (const std::size_t n = m.size(); n >= 256 - record_header_size && n <= 511) {
        const std::size_t target = std::max<std::size_t>(512, n + 5);
        put_extension(m, extension::padding, [&] { m.resize(target); });
    }
    extensions.close();
    body.close();
    return m;
}

void append_records(bytes& out, std::uint8_t type, std::uint16_t record_version,
                    std::span<const unsigned char> payload) {
    do {
        const auto n = std::min(payload.size(), max_plaintext);
        put_u8(out, type);
        put_u16(out, record_version);
        put_u16(out, static_cast<unsigned>(n));
        put(out, payload.first(n));
        payload = payload.subspan(n);
    } while (!payload.empty());
}

}  // namespace tlsaudit::capture_engine::detail

namespace tlsaudit::capture_engine {

hello_template hello_template::make(probe p, const std::vector<std::string>& alpn) {
    for (const auto& name : alpn)
        if (name.empty() || name.size() > 255)
            throw std::invalid_argument("an ALPN protocol name must be 1-255 bytes long");
    const auto& profile = detail::profile_of(p);
    hello_template t;
    t.probe_ = p;
    t.parts_.cipher_suites = detail::cipher_suites(profile);
    t.parts_.before_key_share = detail::before_key_share(profile, alpn);
    t.parts_.after_key_share = detail::after_key_share(profile);
    t.alpn_ = alpn;
    return t;
}

bool hello_template::offers_tls13() const noexcept { return detail::profile_of(probe_).tls13; }

bool hello_template::offers_alpn(std::span<const unsigned char> name) const noexcept {
    return std::any_of(alpn_.begin(), alpn_.end(), [&](const std::string& offered) {
        return std::equal(offered.begin(), offered.end(), name.begin(), name.end(),
                          [](char a, unsigned char b) { return static_cast<unsigned char>(a) == b; });
    });
}

}  // namespace tlsaudit::capture_engine
