// The TLS 1.2 (and 1.0, 1.1) part of the capture client: the plaintext flight from
// Certificate to ServerHelloDone. No key exchange is computed.

#include "engine.hpp"
#include "errors.hpp"
#include "probes.hpp"

#include "ossl/der.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <span>

namespace tlsaudit::capture_engine::detail {
namespace {

const char* protocol_name(std::uint16_t v) noexcept {
    switch (v) {
    case version::tls12: return "TLSv1.2";
    case version::tls11: return "TLSv1.1";
    default: return "TLSv1";
    }
}

// The order of the messages after Certificate (RFC 5246 7.3, RFC 6066 8); 0 for any
// other message.
int rank_after_certificate(std::uint8_t type) noexcept {
    switch (type) {
    case handshake_type::certificate_status: return 1;
    case handshake_type::server_key_exchange: return 2;
    case handshake_type::certificate_request: return 3;
    case handshake_type::server_hello_done: return 4;
    default: return 0;
    }
}

bool is_tls13_suite(std::uint16_t suite) noexcept { return (suite >> 8) == 0x13; }

enum class key_family { unknown, rsa, ec };

// The family of the leaf's key, from its SubjectPublicKeyInfo's algorithm: a walk of the
// TBSCertificate's first fields, no decoding of the certificate (the probe stays cheap).
key_family leaf_key_family(std::span<const unsigned char> der) {
    // Certificate, TBSCertificate, then [0] version (optional), serialNumber, signature,
    // issuer, validity, subject, and SubjectPublicKeyInfo's algorithm OID.
    const auto inside = [](std::span<const unsigned char>& in, unsigned char tag) {
        const auto e = ossl::take_der_element(in);
        return e && e->tag == tag ? e->content : std::span<const unsigned char>();
    };
    auto certificate = inside(der, 0x30);
    auto tbs = inside(certificate, 0x30);
    const auto first = ossl::take_der_element(tbs);
    if (!first) return key_family::unknown;
    for (int i = first->tag == 0xA0 ? 0 : 1; i < 5; ++i)
        if (!ossl::take_der_element(tbs)) return key_family::unknown;
    auto spki = inside(tbs, 0x30);
    auto algorithm = inside(spki, 0x30);
    const auto oid = inside(algorithm, 0x06);
    if (oid.empty()) return key_family::unknown;
    static constexpr unsigned char rsa[] = {0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01};
    static constexpr unsigned char rsa_pss[] = {0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x0A};
    static constexpr unsigned char ec[] = {0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01};
    static constexpr unsigned char ed25519[] = {0x2B, 0x65, 0x70};
    static constexpr unsigned char ed448[] = {0x2B, 0x65, 0x71};
    const auto is = [&oid](std::span<const unsigned char> want) {
        return std::equal(oid.begin(), oid.end(), want.begin(), want.end());
    };
    if (is(rsa) || is(rsa_pss)) return key_family::rsa;
    if (is(ec) || is(ed25519) || is(ed448)) return key_family::ec;  // ECDHE_ECDSA suites carry EdDSA too
    return key_family::unknown;
}

}  // namespace

void engine::start_tls12(const server_hello& sh, std::uint16_t version) {
    const auto name = cipher_name(sh.cipher_suite);
    if (name.empty() || is_tls13_suite(sh.cipher_suite) || !offers_suite(profile_of(hello_->kind()), sh.cipher_suite)) {
        fail(protocol_error(
            fmt::format("the server chose cipher suite 0x{:04x}, which the hello did not offer", sh.cipher_suite)));
        return;
    }
    if (version < version::tls12 && tls12_only_suite(sh.cipher_suite)) {
        fall_back(fmt::format("the server chose cipher suite 0x{:04x}, defined for TLS 1.2 only, with {}",
                              sh.cipher_suite, protocol_name(version)));
        return;
    }
    version_ = version;
    server_key_exchange_expected_ = ephemeral_key_exchange(sh.cipher_suite);
    flight_.protocol = protocol_name(version);
    flight_.cipher = name;
    flight_.alpn.assign(sh.alpn.begin(), sh.alpn.end());
    status_expected_ = sh.status_request;
    client_hello_ = {};
    share_.reset();
    stage_ = stage::tls12_certificate;
}

void engine::on_tls12_message(const handshake_message& m) {
    if (stage_ == stage::tls12_certificate) {
        if (m.type != handshake_type::certificate) {
            unexpected(m);
            return;
        }
        auto list = parse_certificate(m.body, false);
        if (!list) fail(protocol_error("a malformed Certificate message"));
        else if (list->chain.empty()) fail(protocol_error("the server sent an empty certificate list"));
        else {
            flight_.chain = std::move(list->chain);
            // A leaf whose key cannot do what the chosen suite asks of it (an ECDSA key under
            // RSA key exchange) breaks the handshake for every client: libssl records that.
            const auto family = leaf_key_family(flight_.chain.front());
            const bool ecdsa_suite = flight_.cipher.find("ECDSA") != std::string::npos;
            if (family != key_family::unknown && (family == key_family::ec) != ecdsa_suite) {
                fall_back(fmt::format("the server's {} certificate does not fit the suite it chose ({})",
                                      family == key_family::ec ? "EC" : "RSA", flight_.cipher));
                return;
            }
            stage_ = stage::tls12_after_certificate;
        }
        return;
    }
    const int rank = rank_after_certificate(m.type);
    const bool status_allowed = m.type != handshake_type::certificate_status || status_expected_;
    if (rank <= last_tls12_rank_ || !status_allowed) {
        unexpected(m);
        return;
    }
    last_tls12_rank_ = rank;
    // RFC 5246 7.4.3: (EC)DHE suites send a ServerKeyExchange, RSA key exchange none.
    if (m.type == handshake_type::server_key_exchange) {
        if (!server_key_exchange_expected_) {
            fall_back("a ServerKeyExchange under RSA key exchange");
            return;
        }
        server_key_exchange_seen_ = true;
    }
    if (m.type == handshake_type::server_hello_done && server_key_exchange_expected_ && !server_key_exchange_seen_) {
        fall_back("ServerHelloDone without the ServerKeyExchange its (EC)DHE suite needs");
        return;
    }
    if (m.type == handshake_type::certificate_status) {
        const auto response = parse_certificate_status(m.body);
        if (!response) fail(protocol_error("a malformed CertificateStatus message"));
        else flight_.stapled_ocsp.assign(response->begin(), response->end());
    } else if (m.type == handshake_type::server_hello_done) {
        if (!m.body.empty()) fail(protocol_error("a malformed ServerHelloDone"));
        else finish();
    }
}

}  // namespace tlsaudit::capture_engine::detail
