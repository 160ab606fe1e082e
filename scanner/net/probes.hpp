#pragma once
// The probe profiles a scan makes (net.hpp, scan_config::probes) and the clients behind
// them: one capture-engine ClientHello template per probe, built once per scan, and the
// shared OpenSSL context for the fallback engine.

#include "asio_fwd.hpp"
#include "capture/client.hpp"

#include <boost/asio/ssl/context.hpp>

#include <openssl/ssl.h>

#include <string>
#include <vector>

namespace tlsaudit::net::detail {

struct probe_client {
    capture_engine::probe kind;
    std::string name;                      // as in reports: "modern", "rsa", ...
    capture_engine::hello_template hello;  // the capture engine's ClientHello for this probe
    // The same without ALPN, for the handshake after a STARTTLS exchange: the HTTP names
    // would be wrong there, and a server that checks ALPN (PostgreSQL 17) refuses them.
    capture_engine::hello_template hello_without_alpn;
};

struct client_set {
    asio::ssl::context tls;            // the openssl engine's context
    std::vector<probe_client> probes;  // in the order the scan makes them
    bool capture_engine = true;        // false: --tls-engine openssl
    bool verify_handshake = false;
};

// Builds the probe clients for `names` (already validated by parse_probe_list).
// Throws std::runtime_error when libcrypto fails.
std::vector<probe_client> make_probe_clients(const std::vector<std::string>& names,
                                             const std::vector<std::string>& alpn);

// Makes the openssl engine send what probe `kind` sends, as far as libssl allows:
// versions, signature algorithms and cipher suites (the extensions are libssl's own).
// Returns false when OpenSSL refuses a setting.
bool apply_probe(SSL* ssl, capture_engine::probe kind);

}  // namespace tlsaudit::net::detail
