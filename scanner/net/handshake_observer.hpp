#pragma once
// What the client's OpenSSL message callback sees during one handshake: the server's
// Certificate message byte for byte, alerts, and whether the peer speaks TLS at all.

#include <tlsaudit/model.hpp>

#include <openssl/ssl.h>

#include <optional>
#include <vector>

namespace tlsaudit::net::detail {

struct handshake_observer {
    std::optional<std::vector<bytes>> chain;  // from the first Certificate message received
    bool chain_malformed = false;
    bool server_hello_seen = false;  // a ServerHello message arrived whole
    int alert_level = 0;             // of the alert kept by saw_alert (2: fatal)
    int alert_description = -1;
    bool header_seen = false;
    bool not_tls = false;  // the first record received was no TLS record
    unsigned char first_bytes[5] = {};

    // Installs the callback on `ssl`; the observer must outlive the handshake.
    void attach(SSL* ssl);
    // Keeps the alert that ends a handshake: the first fatal one, else the first warning
    // (an SNI server's warning unrecognized_name before its fatal handshake_failure).
    void saw_alert(int level, int description);
};

}  // namespace tlsaudit::net::detail
