#include "handshake_observer.hpp"

#include "capture/messages.hpp"

#include <algorithm>
#include <span>

namespace tlsaudit::net::detail {
namespace {

constexpr unsigned char handshake_server_hello = 2;
constexpr unsigned char handshake_certificate = 11;

void on_message(int write_p, int version, int content_type, const void* buf, std::size_t len, SSL* /*ssl*/, void* arg) {
    if (write_p != 0 || arg == nullptr) return;  // only what the server sends
    auto& obs = *static_cast<handshake_observer*>(arg);
    std::span<const unsigned char> data(static_cast<const unsigned char*>(buf), len);
    switch (content_type) {
    case SSL3_RT_HEADER:
        if (!obs.header_seen && !data.empty()) {
            obs.header_seen = true;
            std::copy_n(data.begin(), std::min<std::size_t>(data.size(), sizeof obs.first_bytes), obs.first_bytes);
            // Record types 20-24: change_cipher_spec, alert, handshake, application_data, heartbeat.
            obs.not_tls = data[0] < 20 || data[0] > 24;
        }
        break;
    case SSL3_RT_ALERT:
        if (data.size() == 2) obs.saw_alert(data[0], data[1]);
        break;
    case SSL3_RT_HANDSHAKE:
        if (!data.empty() && data[0] == handshake_server_hello) obs.server_hello_seen = true;
        if (!obs.chain && !obs.chain_malformed && !data.empty() && data[0] == handshake_certificate) {
            auto list = capture_engine::detail::parse_certificate_message(data, version == TLS1_3_VERSION);
            if (list) obs.chain = std::move(list->chain);
            obs.chain_malformed = !list;
        }
        break;
    default: break;
    }
}

}  // namespace

void handshake_observer::saw_alert(int level, int description) {
    if (alert_description >= 0 && (alert_level == SSL3_AL_FATAL || level != SSL3_AL_FATAL)) return;
    alert_level = level;
    alert_description = description;
}

void handshake_observer::attach(SSL* ssl) {
    SSL_set_msg_callback(ssl, &on_message);
    SSL_set_msg_callback_arg(ssl, this);
}

}  // namespace tlsaudit::net::detail
