#include "error_classify.hpp"

#include "tls_client.hpp"

#include "capture/errors.hpp"
#include "ossl/der.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <fmt/format.h>

#include <memory>

namespace tlsaudit::net::detail {
namespace {

namespace aerr = boost::asio::error;

bool is_not_tls_reason(int reason) {
    switch (reason) {
    case SSL_R_WRONG_VERSION_NUMBER:
    case SSL_R_PACKET_LENGTH_TOO_LONG:
    case SSL_R_UNKNOWN_PROTOCOL:
    case SSL_R_HTTP_REQUEST:
    case SSL_R_HTTPS_PROXY_REQUEST: return true;
    default: return false;
    }
}

// Position of the first served certificate OpenSSL cannot decode, or -1. Only run
// after a failed handshake, so the hot path parses nothing twice. Leaves the error
// queue empty: d2i_X509's complaints are not this connection's.
int first_invalid_certificate(const std::vector<bytes>& chain) {
    for (std::size_t i = 0; i < chain.size(); ++i) {
        std::string ignored;
        if (!ossl::decode_certificate(chain[i], ignored)) return static_cast<int>(i);
    }
    return -1;
}

// A certificate's outer header: SEQUENCE, then a DER length that covers exactly the rest.
bool outer_header_fits(const bytes& der) {
    std::span<const unsigned char> rest(der);
    const auto element = ossl::take_der_element(rest);
    return element && element->tag == 0x30 && rest.empty();
}

}  // namespace

std::optional<scan_error> invalid_certificate_error(const std::vector<bytes>& chain, bool full) {
    int bad = -1;
    for (std::size_t i = 0; i < chain.size() && bad < 0; ++i)
        if (!outer_header_fits(chain[i])) bad = static_cast<int>(i);
    if (bad < 0 && full) {
        bad = first_invalid_certificate(chain);
        ERR_clear_error();  // d2i_X509's complaints are not this connection's error queue
    }
    if (bad < 0) return std::nullopt;
    return scan_error{
        "handshake", error_codes::bad_certificate,
        fmt::format("certificate [{}] of the {} served is not valid DER (kept as sent)", bad, chain.size())};
}

scan_error timeout_error(const char* stage, std::chrono::milliseconds limit) {
    const bool connect = std::string_view(stage) == "connect";
    return scan_error{stage, connect ? error_codes::timeout_connect : error_codes::timeout_handshake,
                      fmt::format("no {} within {} ms", connect ? "connection" : "handshake", limit.count())};
}

scan_error classify_connect_error(const boost::system::error_code& ec) {
    if (ec == aerr::connection_refused) return {"connect", error_codes::refused, ec.message()};
    if (ec == aerr::timed_out) return {"connect", error_codes::timeout_connect, ec.message()};
    if (ec == aerr::connection_reset) return {"connect", error_codes::reset, ec.message()};
    // Out of descriptors or buffers: this machine's limit, not the target's fault.
    if (ec == aerr::no_descriptors || ec == boost::system::errc::too_many_files_open_in_system ||
        ec == aerr::no_buffer_space)
        return {"connect", error_codes::internal, ec.message() + " (a limit of the scanning machine, not the target)"};
    return {"connect", error_codes::unreachable, ec.message()};
}

scan_error classify_handshake_error(const boost::system::error_code& ec, const handshake_observer& obs) {
    const auto packed = ec.category() == aerr::get_ssl_category() ? static_cast<unsigned long>(ec.value()) : 0UL;
    // Reason numbers are per library: ASN1_R_TOO_LONG equals SSL_R_HTTPS_PROXY_REQUEST.
    const auto reason = ERR_GET_LIB(packed) == ERR_LIB_SSL ? ERR_GET_REASON(packed) : 0;
    // A fatal alert, or a warning libssl failed on: TLS 1.3 takes every alert but
    // user_canceled as fatal (RFC 8446 6), as the capture engine does.
    const bool failed_on_alert = obs.alert_description >= 0 && reason == SSL_AD_REASON_OFFSET + obs.alert_description;
    if (obs.alert_level == SSL3_AL_FATAL || failed_on_alert) {
        return {"handshake", error_codes::tls_alert,
                fmt::format("{} ({})", SSL_alert_desc_string_long(obs.alert_description), obs.alert_description)};
    }
    if (obs.not_tls) {
        return {"handshake", error_codes::not_tls, capture_engine::detail::not_tls_detail(obs.first_bytes)};
    }
    if (obs.chain) {
        if (auto bad = invalid_certificate_error(*obs.chain, true)) return std::move(*bad);
    }
    if (ec == aerr::connection_reset || ec == aerr::broken_pipe) return {"handshake", error_codes::reset, ec.message()};
    if (ec == aerr::eof || ec == boost::asio::ssl::error::stream_truncated)
        return {"handshake", error_codes::closed, "connection closed by the server during the handshake"};
    if (ec.category() == aerr::get_ssl_category()) {
        if (is_not_tls_reason(reason)) return {"handshake", error_codes::not_tls, ec.message()};
        // Oversized message after the ServerHello and before any certificate arrived: the
        // Certificate message (or a TLS 1.3 CertificateRequest, under the same limit). Its
        // length was refused from the header, before OpenSSL buffered the body.
        if (reason == SSL_R_EXCESSIVE_MESSAGE_SIZE && obs.server_hello_seen && !obs.chain)
            return {"handshake", error_codes::chain_too_large,
                    fmt::format("the server's certificate message exceeds the {} KiB limit",
                                max_certificate_message / 1024)};
        return {"handshake", error_codes::protocol_error, ec.message()};
    }
    return {"handshake", error_codes::protocol_error, ec.message()};
}

}  // namespace tlsaudit::net::detail
