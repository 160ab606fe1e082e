#include "messages.hpp"

#include "tls_constants.hpp"
#include "wire.hpp"

#include <algorithm>
#include <array>

namespace tlsaudit::capture_engine::detail {
namespace {

// SHA-256("HelloRetryRequest"), RFC 8446 4.1.3.
constexpr std::array<unsigned char, 32> hello_retry_random{
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
};

// One ProtocolNameList holding exactly one non-empty name (RFC 7301 3.1).
std::optional<std::span<const unsigned char>> parse_alpn(std::span<const unsigned char> data) {
    reader list(data);
    reader names(list.vec16());
    const auto name = names.vec8();
    if (!list.done() || !names.done() || name.empty()) return std::nullopt;
    return name;
}

// CertificateStatus (RFC 6066 8): status_type ocsp, then a non-empty OCSPResponse.
std::optional<std::span<const unsigned char>> parse_status(std::span<const unsigned char> data) {
    reader in(data);
    const auto type = in.u8();
    const auto response = in.vec24();
    if (!in.done() || type != 1 || response.empty()) return std::nullopt;
    return response;
}

// Appends `type` unless `seen` holds it already (an extension type twice in one list is
// malformed: RFC 8446 4.2, RFC 5246 7.4.1.4).
bool add_once(std::vector<std::uint16_t>& seen, std::uint16_t type) {
    if (std::find(seen.begin(), seen.end(), type) != seen.end()) return false;
    seen.push_back(type);
    return true;
}

bool parse_server_hello_extension(std::uint16_t type, std::span<const unsigned char> data, server_hello& sh) {
    reader in(data);
    switch (type) {
    case extension::supported_versions: sh.selected_version = in.u16(); return in.done();
    case extension::key_share:
        sh.key_share_group = in.u16();
        if (!sh.hello_retry) sh.key_share = in.vec16();
        return in.done() && sh.key_share_group != 0;
    case extension::cookie: sh.cookie = in.vec16(); return in.done() && !sh.cookie.empty();
    case extension::status_request: sh.status_request = true; return data.empty();
    case extension::server_name: return data.empty();  // the server's acknowledgement
    case extension::renegotiation_info:
        sh.renegotiation_info_not_empty = data.size() != 1 || data[0] != 0;  // not one empty renegotiated_connection
        return true;
    case extension::alpn:
        if (const auto name = parse_alpn(data)) {
            sh.alpn = *name;
            return true;
        }
        return false;
    default: return true;  // whether it may be here: the engine judges (answer_checks.hpp)
    }
}

}  // namespace

std::optional<server_hello> parse_server_hello(std::span<const unsigned char> body) {
    reader in(body);
    server_hello sh;
    sh.legacy_version = in.u16();
    sh.random = in.take(32);
    sh.session_id = in.vec8();
    sh.cipher_suite = in.u16();
    sh.compression = in.u8();
    if (!in.ok() || sh.session_id.size() > 32) return std::nullopt;
    sh.hello_retry = std::equal(sh.random.begin(), sh.random.end(), hello_retry_random.begin());
    if (in.empty()) return sh;  // no extensions (older servers)
    reader extensions(in.vec16());
    if (!in.done()) return std::nullopt;
    while (extensions.ok() && !extensions.empty()) {
        const auto type = extensions.u16();
        const auto data = extensions.vec16();
        if (!extensions.ok() || !add_once(sh.extensions, type)) return std::nullopt;
        if (!parse_server_hello_extension(type, data, sh)) return std::nullopt;
    }
    if (!extensions.done()) return std::nullopt;
    return sh;
}

std::optional<encrypted_extensions> parse_encrypted_extensions(std::span<const unsigned char> body) {
    reader in(body);
    reader extensions(in.vec16());
    if (!in.done()) return std::nullopt;
    encrypted_extensions ee;
    while (extensions.ok() && !extensions.empty()) {
        const auto type = extensions.u16();
        const auto data = extensions.vec16();
        if (!extensions.ok() || !add_once(ee.extensions, type)) return std::nullopt;
        if (type == extension::server_name && !data.empty()) return std::nullopt;
        if (type != extension::alpn) continue;
        const auto name = parse_alpn(data);
        if (!name) return std::nullopt;
        ee.alpn = *name;
    }
    if (!extensions.done()) return std::nullopt;
    return ee;
}

std::optional<certificate_list> parse_certificate(std::span<const unsigned char> body, bool tls13) {
    reader in(body);
    // A server's certificate_request_context is empty (RFC 8446 4.4.2).
    if (tls13 && !in.vec8().empty()) return std::nullopt;
    reader entries(in.vec24());
    if (!in.done()) return std::nullopt;
    certificate_list out;
    while (entries.ok() && !entries.empty()) {
        const auto der = entries.vec24();
        if (!entries.ok() || der.empty()) return std::nullopt;
        if (tls13) {
            reader extensions(entries.vec16());
            std::vector<std::uint16_t> in_entry;
            while (extensions.ok() && !extensions.empty()) {
                const auto type = extensions.u16();
                const auto data = extensions.vec16();
                if (!extensions.ok() || !add_once(in_entry, type)) return std::nullopt;
                add_once(out.entry_extensions, type);  // across entries a type may repeat
                if (type != extension::status_request || !out.chain.empty()) continue;
                const auto response = parse_status(data);
                if (!response) return std::nullopt;
                out.ocsp.assign(response->begin(), response->end());
            }
            if (!extensions.done() || !entries.ok()) return std::nullopt;
        }
        out.chain.emplace_back(der.begin(), der.end());
    }
    if (!entries.done()) return std::nullopt;
    return out;
}

std::optional<certificate_list> parse_certificate_message(std::span<const unsigned char> message, bool tls13) {
    constexpr unsigned char certificate_type = 11;
    if (message.size() < 4 || message[0] != certificate_type) return std::nullopt;
    const std::size_t length = std::size_t{message[1]} << 16 | std::size_t{message[2]} << 8 | message[3];
    if (length != message.size() - 4) return std::nullopt;
    return parse_certificate(message.subspan(4), tls13);
}

std::optional<std::span<const unsigned char>> parse_certificate_status(std::span<const unsigned char> body) {
    return parse_status(body);
}

std::optional<certificate_verify> parse_certificate_verify(std::span<const unsigned char> body) {
    reader in(body);
    certificate_verify cv;
    cv.scheme = in.u16();
    cv.signature = in.vec16();
    if (!in.done() || cv.signature.empty()) return std::nullopt;
    return cv;
}

}  // namespace tlsaudit::capture_engine::detail
