#include "error_classify.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <fmt/format.h>

namespace tlsaudit::net::detail {
namespace {

namespace aerr = boost::asio::error;

bool is_not_tls_reason(int reason) {
    switch (reason) {
    case SSL_R_WRONG_VERSION_NUMBER:
    case SSL_R_PACKET_LENGTH_TOO_LONG:
    case SSL_R_UNKNOWN_PROTOCOL:
    case SSL_R_HTTP_REQUEST:
    case SSL_R_HTTPS_PROXY_REQUEST:
        return true;
    default:
        return false;
    }
}

std::string hex(const unsigned char* data, std::size_t n) {
    std::string out;
    for (std::size_t i = 0; i < n; ++i) out += fmt::format("{:02x}", data[i]);
    return out;
}

}  // namespace

scan_error timeout_error(const char* stage, std::chrono::milliseconds limit) {
    const bool connect = std::string_view(stage) == "connect";
    return scan_error{stage, connect ? error_codes::timeout_connect : error_codes::timeout_handshake,
                      fmt::format("no {} within {} ms", connect ? "connection" : "handshake", limit.count())};
}

scan_error classify_connect_error(const boost::system::error_code& ec) {
    if (ec == aerr::connection_refused) return {"connect", error_codes::refused, ec.message()};
    if (ec == aerr::timed_out) return {"connect", error_codes::timeout_connect, ec.message()};
    if (ec == aerr::connection_reset) return {"connect", error_codes::reset, ec.message()};
    return {"connect", error_codes::unreachable, ec.message()};
}

scan_error classify_handshake_error(const boost::system::error_code& ec, const handshake_observer& obs) {
    if (obs.alert_level == SSL3_AL_FATAL) {
        return {"handshake", error_codes::tls_alert,
                fmt::format("{} ({})", SSL_alert_desc_string_long(obs.alert_description),
                            obs.alert_description)};
    }
    if (obs.not_tls) {
        return {"handshake", error_codes::not_tls,
                "the server's first bytes are not a TLS record: " + hex(obs.first_bytes, sizeof obs.first_bytes)};
    }
    if (ec == aerr::connection_reset || ec == aerr::broken_pipe)
        return {"handshake", error_codes::reset, ec.message()};
    if (ec == aerr::eof || ec == boost::asio::ssl::error::stream_truncated)
        return {"handshake", error_codes::closed, "connection closed by the server during the handshake"};
    if (ec.category() == aerr::get_ssl_category()) {
        const auto reason = ERR_GET_REASON(static_cast<unsigned long>(ec.value()));
        if (is_not_tls_reason(reason)) return {"handshake", error_codes::not_tls, ec.message()};
        return {"handshake", error_codes::protocol_error, ec.message()};
    }
    return {"handshake", error_codes::protocol_error, ec.message()};
}

}  // namespace tlsaudit::net::detail
