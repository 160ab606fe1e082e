#pragma once
// Helpers for the tlsaudit_lab tests: a small blocking OpenSSL client over a POSIX
// socket to loopback, raw socket reads with a poll() deadline, and X.509 helpers.

#include <tlsaudit/model.hpp>

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace tlsaudit::lab::test {

// An owned file descriptor.
class socket_fd {
public:
    explicit socket_fd(int fd = -1) noexcept : fd_(fd) {}
    ~socket_fd();
    socket_fd(socket_fd&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
    socket_fd& operator=(socket_fd&& other) noexcept;
    int get() const noexcept { return fd_; }

private:
    int fd_;
};

// Blocking TCP connect; throws std::system_error (errno) on failure. Reads and
// writes time out after 10 s so that a broken server fails a test instead of hanging.
socket_fd connect_tcp(const std::string& address, std::uint16_t port);

// Writes everything; throws std::system_error.
void send_all(const socket_fd& s, std::span<const unsigned char> data);

struct read_result {
    bytes data;
    bool eof = false;        // orderly close seen
    int error = 0;           // errno of a failed read (ECONNRESET, ...)
    bool timed_out = false;  // deadline passed with the connection still open
};

// Reads until `max` bytes, EOF, an error, or the deadline.
read_result read_until(const socket_fd& s, std::size_t max, std::chrono::milliseconds timeout);

// A real ClientHello record (OpenSSL client with SNI "localhost").
bytes client_hello();

struct client_options {
    std::string sni;
    int min_version = 0;  // 0: OpenSSL default
    int max_version = 0;
    bool request_status = false;
    std::vector<std::string> alpn;
    long max_cert_list = 0;  // 0: OpenSSL default (100 KiB)

    // Fluent setters (g++ 12 warns on designated initializers that skip fields).
    client_options& with_sni(std::string v) {
        sni = std::move(v);
        return *this;
    }
    client_options& with_min(int v) {
        min_version = v;
        return *this;
    }
    client_options& with_max(int v) {
        max_version = v;
        return *this;
    }
    client_options& with_status() {
        request_status = true;
        return *this;
    }
    client_options& with_alpn(std::vector<std::string> v) {
        alpn = std::move(v);
        return *this;
    }
    client_options& with_max_cert_list(long v) {
        max_cert_list = v;
        return *this;
    }
};

struct tls_result {
    bool ok = false;
    std::string error;
    std::vector<bytes> chain;  // served chain, leaf first (SSL_get_peer_cert_chain)
    bytes staple;
    std::string protocol;
    std::string alpn;
};

// Connects, handshakes with verification off and security level 0, captures, closes.
tls_result tls_handshake(const std::string& address, std::uint16_t port, const client_options& options = {});

// Same, over an already connected socket (left open).
tls_result tls_handshake(const socket_fd& s, const client_options& options = {});

bytes name_der(const X509_NAME* name);

}  // namespace tlsaudit::lab::test
