#pragma once
// In-process TLS servers (and deliberately broken ones) on loopback, for tests, the
// demo and benchmarks. A server_pool runs one io_context on its own thread(s); each
// start() binds a listening socket and returns its port once it is listening, so a
// client may connect as soon as start() returns (readiness by the bound port).
//
// Plain structs give every member a default initializer, so C++20 designated
// initializers compile cleanly under g++ 12's -Wmissing-field-initializers.
//
// Network rule: every bind address must be loopback (127.0.0.0/8 or ::1); anything
// else is refused with std::invalid_argument. Nothing here connects anywhere.

#include <tlsaudit/lab/key.hpp>
#include <tlsaudit/lab/starttls_server.hpp>
#include <tlsaudit/model.hpp>

#include <openssl/prov_ssl.h>  // TLS1_VERSION ... TLS1_3_VERSION

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace tlsaudit::lab {

// What an endpoint does with each accepted connection. "Reads the ClientHello" means
// one TLS record (header + body) when the first byte is 0x16, otherwise whatever
// arrives first.
enum class behaviour {
    tls,                // normal TLS server: serves `chain` exactly, then reads until the peer closes
    silent,             // reads and discards everything, never writes (stall before ServerHello)
    accept_no_read,     // accepts and never reads nor writes, until stop()
    reset_after_hello,  // reads the ClientHello, then closes with SO_LINGER 0 (TCP RST)
    close_after_hello,  // reads the ClientHello, then a clean close (FIN)
    http,               // answers the first bytes received with "HTTP/1.1 400 Bad Request", closes
    alert,              // reads the ClientHello, sends 15 03 03 00 02 02 28 (fatal
                        // handshake_failure), closes
    garbage,            // reads the ClientHello, sends 4096 pseudo-random bytes (first byte
                        // never a TLS content type), closes
    drip,               // reads the ClientHello, sends the record header 16 03 03 40 00, then
                        // one byte every drip_interval until stop() or the peer goes away
                        // (16 KiB at drip_interval: far past any handshake deadline)
    // Hand-built TLS 1.2 flights (raw_handshake.hpp), never completed:
    bad_der,                  // reads the ClientHello, sends ServerHello + a Certificate message
                              // holding invalid_der_certificate(), waits for the peer to close
    huge_certificate,         // same with huge_certificate() (1 MiB): a Certificate message just
                              // over 1 MiB
    undecodable_certificate,  // reads the ClientHello, sends ServerHello, a Certificate message
                              // holding a lab leaf and undecodable_certificate(), and
                              // ServerHelloDone; waits for the peer to close
    reset_mid_handshake,      // reads the ClientHello, sends ServerHello and the first half of a
                              // Certificate message, waits until the peer has it all (send queue
                              // empty), then resets (TCP RST)
    record,                   // reads and keeps everything received (the first 64 KiB), never
                              // writes, until the peer closes; see endpoint_stats::received
};

std::string_view to_string(behaviour b) noexcept;

struct server_config {
    // DER certificates served in exactly this order, leaf first; no chain building.
    // Required (with leaf_key) for behaviour::tls, ignored otherwise.
    std::vector<bytes> chain{};
    key leaf_key{};  // must match chain.front()
    // Further certificates, each with its own chain and key of another key type (an RSA and
    // an ECDSA certificate on one server, as nginx's two ssl_certificate lines): OpenSSL
    // serves the one whose key type the client's signature algorithms and suites accept.
    struct extra_chain {
        std::vector<bytes> chain{};
        key leaf_key{};
    };
    std::vector<extra_chain> extra_chains{};
    int min_version = TLS1_VERSION;
    int max_version = TLS1_3_VERSION;
    // Sent (TLS 1.2 CertificateStatus or TLS 1.3 Certificate extension) when the client
    // asks with status_request; nothing is stapled when empty.
    bytes stapled_ocsp{};
    // Server preference order; the first one the client also offers is selected. Empty:
    // no ALPN.
    std::vector<std::string> alpn{};
    // A client that offers ALPN but none of `alpn` gets a fatal no_application_protocol
    // alert (as PostgreSQL 17 answers); false: the handshake goes on without ALPN.
    bool alpn_required = false;
    behaviour b = behaviour::tls;
    std::string bind_address = "127.0.0.1";
    std::uint16_t port = 0;  // 0: ephemeral
    // TLS <= 1.2 cipher string (security level 0 so weak keys, SHA-1 and TLS 1.0/1.1
    // work); TLS 1.3 suites (empty: OpenSSL default).
    std::string cipher_list = "DEFAULT:@SECLEVEL=0";
    std::string ciphersuites{};
    bool server_order = false;  // choose the suite by the server's order, not the client's
    std::chrono::milliseconds drip_interval{1000};
    // behaviour::tls: wait this long after the ClientHello arrives before answering it
    // (benchmarks emulate a round-trip time this way where tc netem is unavailable).
    std::chrono::milliseconds response_delay{0};
    // behaviour::tls: speak this STARTTLS protocol before the handshake (starttls_server.hpp).
    starttls_config starttls{};
    // behaviour::tls: written before the server's first flight, as they are (an empty
    // handshake record 16 03 03 00 00, which libssl's clients skip).
    bytes first_bytes{};
};

// Counters of one endpoint (or the sum over the addresses of a port).
struct endpoint_stats {
    std::uint64_t accepted = 0;  // TCP connections accepted
    // TLS handshakes in which the server sent its certificate (behaviour::tls only): completed
    // ones, and those a certificates-only client ended after the server's flight.
    std::uint64_t handshakes = 0;
    std::uint64_t failed = 0;  // connections that ended in an error (failed handshake, ...)
    std::uint64_t active = 0;  // connections open right now
    std::string last_sni{};    // SNI of the latest handshake counted in `handshakes` ("" if none)
    // behaviour::record: the bytes the latest connection that has ended received (at
    // most 64 KiB); empty otherwise. For a port, the last non-empty one of its addresses.
    bytes received{};
};

// Owns the io_context, its threads and every endpoint. Not copyable or movable.
// start(), start_fleet(), stats() and wait_for() may be called from any thread.
// Each connection runs in its own coroutine: an exception ends that connection only
// (counted as failed). stop() (or the destructor) closes every listener and every
// connection, including silent/drip/accept_no_read ones, and joins the threads.
class server_pool {
public:
    explicit server_pool(unsigned threads = 1);
    ~server_pool();
    server_pool(const server_pool&) = delete;
    server_pool& operator=(const server_pool&) = delete;

    // Binds config.bind_address:config.port, listens (backlog SOMAXCONN) and returns
    // the bound port. Throws std::invalid_argument (non-loopback address, tls without
    // chain/key), std::runtime_error (OpenSSL refused the chain, key or versions),
    // std::system_error (bind failed; code() holds the errno, e.g. EADDRINUSE),
    // std::logic_error after stop().
    std::uint16_t start(server_config config);

    // Starts the same endpoint on every address in `addresses` (all loopback) on one
    // common port, and returns it. With config.port == 0 the port is chosen by binding
    // addresses[0] to port 0; if another address has that port taken, everything is
    // closed and retried with a new port (up to 20 times). On Linux every 127.x.y.z
    // address is usable without configuration. Same exceptions as start().
    std::uint16_t start_fleet(server_config config, const std::vector<std::string>& addresses);

    // Counters of the endpoint on `port`, summed over all its addresses / of one
    // address. Unknown port or address: all zero.
    endpoint_stats stats(std::uint16_t port) const;
    endpoint_stats stats(std::uint16_t port, std::string_view address) const;

    // Blocks until pred(stats(port)) is true (re-checked whenever a counter of any
    // endpoint changes) or the timeout passes; returns the last value of pred.
    bool wait_for(std::uint16_t port, const std::function<bool(const endpoint_stats&)>& pred,
                  std::chrono::milliseconds timeout) const;

    // Closes everything and joins; idempotent. The pool cannot be restarted.
    void stop();

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

// A loopback TCP port that refuses every connection for as long as this object lives:
// a socket bound to it (so no other process can take it) that never listens, which the
// kernel answers with a reset. Throws std::invalid_argument for a non-loopback address
// and std::system_error when the socket cannot be bound. Move-only.
class closed_port {
public:
    explicit closed_port(const std::string& address = "127.0.0.1");
    closed_port(closed_port&& other) noexcept;
    closed_port& operator=(closed_port&& other) noexcept;
    closed_port(const closed_port&) = delete;
    closed_port& operator=(const closed_port&) = delete;
    ~closed_port();

    std::uint16_t port() const { return port_; }

private:
    int fd_ = -1;
    std::uint16_t port_ = 0;
};

}  // namespace tlsaudit::lab
