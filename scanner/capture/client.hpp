#pragma once
// The capture client: a certificates-only TLS client written on libcrypto, sans-I/O.
// It sends one ClientHello, reads the server's flight until the certificate chain (and
// its stapled OCSP response) is in, and stops: no client Finished, no key exchange in
// TLS 1.2, no application data. The caller moves the bytes (see docs/engines.md): write
// pending_output(), feed what the socket reads to receive(), call receive_eof() when the
// peer closes, and stop when the status is no longer want_io.
//
// What the client cannot read (a compressed certificate, an unexpected message, a group
// or suite it cannot compute, SSLv3 or SSLv2) ends in status::fallback with a reason:
// the caller then captures through libssl. Everything the server does wrong ends in
// status::failed with a scan_error (stage "handshake", codes of tlsaudit/model.hpp).
//
// Threads: a hello_template is immutable and may be shared by any number of threads;
// a client is one connection and belongs to one thread at a time.

#include <tlsaudit/model.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

// The namespace is capture_engine because tlsaudit::capture is the model's capture struct
// (tlsaudit/model.hpp).
namespace tlsaudit::capture_engine {

// What each probe sends. Every probe offers status_request, signed_certificate_timestamp,
// extended_master_secret, supported_groups (x25519, secp256r1, secp384r1, secp521r1, x448;
// the TLS 1.2-only probes then ffdhe2048 to ffdhe8192, as they compute nothing),
// ec_point_formats, an empty session_ticket, ALPN (when the template has a list), a
// 32-byte legacy_session_id, the renegotiation SCSV, and a padding extension whenever the
// hello would otherwise be 251-511 bytes long (some servers hang on 256-511). It never
// offers compress_certificate, pre_shared_key, early_data or a group it would have to
// compute and cannot.
//  modern: TLS 1.3 to 1.0 (supported_versions 0304, 0303, 0302, 0301; key_share x25519);
//          signature_algorithms in a browser's order, ECDSA and RSA first, then Ed25519,
//          Ed448, RSA-PSS with PSS keys, SHA-1 last; TLS 1.3 suites 1301, 1302, 1303, then
//          TLS 1.2 ECDHE-ECDSA and ECDHE-RSA with AES-GCM, ChaCha20 and AES-CBC, then RSA key
//          exchange with AES-GCM and AES-CBC.
//  rsa:    TLS 1.2 and older only (supported_versions 0303, 0302, 0301); signature_algorithms
//          RSA-PSS and PKCS#1 only; suites ECDHE_RSA, DHE_RSA *and* RSA key exchange, so a
//          server whose only RSA suites are ECDHE_RSA still answers with its RSA chain.
//          Nothing is decrypted: no public-key work at all.
//  ecdsa:  TLS 1.2 and older only; ECDSA signature algorithms and ECDHE_ECDSA suites.
//  tls12:  TLS 1.2 and older only, with the modern probe's signature algorithms and its
//          TLS 1.2 suites.
//  no_sni: the modern hello without server_name (a server's default certificate).
enum class probe : std::uint8_t { modern, rsa, ecdsa, tls12, no_sni };

// "modern", "rsa", "ecdsa", "tls12", "no-sni".
std::string_view probe_name(probe p) noexcept;
// The inverse of probe_name; nullopt for any other text.
std::optional<probe> parse_probe(std::string_view name) noexcept;

// The fixed part of one probe's ClientHello, built once and patched per connection
// (random, session id, key share, SNI, padding).
class hello_template {
public:
    // Throws std::invalid_argument when an ALPN name is empty or longer than 255 bytes.
    static hello_template make(probe p, const std::vector<std::string>& alpn);

    probe kind() const noexcept { return probe_; }
    bool offers_tls13() const noexcept;
    // True when `name` is one of the ALPN protocols the hello offers.
    bool offers_alpn(std::span<const unsigned char> name) const noexcept;

    // The serialised pieces; read by the hello builder (client_hello.cpp) only.
    struct parts {
        bytes cipher_suites;     // with its 2-byte length
        bytes before_key_share;  // extensions after server_name, up to the key share
        bytes after_key_share;   // extensions after key_share (and cookie), before padding
    };
    const parts& serialised() const noexcept { return parts_; }

private:
    probe probe_ = probe::modern;
    parts parts_;
    std::vector<std::string> alpn_;
};

struct options {
    // Host name for server_name; empty: none (IP literals, the no_sni probe). An IP
    // literal given here anyway is not sent; nor is a name longer than 1024 bytes.
    std::string sni;
    // TLS 1.3: check CertificateVerify's signature over the transcript with the leaf's key
    // (a TLS 1.2 flight carries no signature before the key exchange: nothing to check).
    bool verify_handshake = false;
};

// What the server sent.
struct flight {
    std::vector<bytes> chain;  // DER certificates as served, byte for byte, leaf first
    bytes stapled_ocsp;        // TLS 1.3 leaf entry's status_request, or TLS 1.2 CertificateStatus
    std::string protocol;      // OpenSSL's names: "TLSv1.3", "TLSv1.2", "TLSv1.1", "TLSv1"
    std::string cipher;        // OpenSSL's name of the suite ("TLS_AES_128_GCM_SHA256", ...)
    std::string alpn;
    std::uint16_t signature_scheme = 0;  // TLS 1.3 CertificateVerify's algorithm; 0 if none
    bool hello_retry = false;
};

enum class status { want_io, done, failed, fallback };

namespace detail {
class engine;
class entropy_source;
}  // namespace detail

class client {
public:
    // Builds the ClientHello (pending_output() holds it at once). `hello` must outlive the
    // client (a HelloRetryRequest rebuilds the hello from it). Throws std::runtime_error
    // only when libcrypto fails (random bytes, key generation): the environment, not the peer.
    client(const hello_template& hello, const options& opts);
    // Test hook (capture/testing.hpp): randomness and key shares from `entropy`, which must
    // outlive the client. The shipped path uses the constructor above.
    client(const hello_template& hello, const options& opts, detail::entropy_source& entropy);
    ~client();
    // A moved-from client may only be destroyed or assigned to.
    client(client&&) noexcept;
    client& operator=(client&&) noexcept;
    client(const client&) = delete;
    client& operator=(const client&) = delete;

    // Bytes to send now: the ClientHello; after a HelloRetryRequest the second ClientHello
    // (no ChangeCipherSpec: OpenSSL's stateless servers refuse one there); once done, the closing alerts (a user_canceled warning, then
    // close_notify, in plaintext: the client holds no write keys, and both versions'
    // servers read plaintext alerts at this point). Empty when there is nothing to send.
    // The span is valid until the next call of a non-const member. After failed or
    // fallback there is nothing worth sending: close the connection.
    std::span<const unsigned char> pending_output() const noexcept;
    // Marks the first n bytes of pending_output() as sent (n <= its size).
    void consumed_output(std::size_t n) noexcept;

    // Feeds bytes read from the socket, split anywhere. Bytes after the end of the
    // server's flight are ignored. Never throws for anything the peer sends; throws
    // std::runtime_error only when libcrypto fails, or std::bad_alloc.
    status receive(std::span<const unsigned char> data);
    // The peer closed its side: a handshake still in progress fails with "closed".
    status receive_eof();
    status current() const noexcept;

    // What was captured; partial when the handshake failed (e.g. a chain, then an alert).
    const flight& result() const noexcept;
    // Moves what was captured out of the client (for the caller that keeps it: no copy of
    // the chain per connection); result() is empty afterwards.
    flight take_result() noexcept;
    // Why it failed (status::failed only): stage "handshake", codes of error_codes.
    const std::optional<scan_error>& error() const noexcept;
    // Why libssl must take over (status::fallback only).
    const std::string& fallback_reason() const noexcept;

private:
    std::unique_ptr<detail::engine> engine_;
};

}  // namespace tlsaudit::capture_engine
