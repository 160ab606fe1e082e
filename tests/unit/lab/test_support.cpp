#include "test_support.hpp"

#include "ossl/der.hpp"
#include "ossl/error.hpp"
#include "ossl/ssl_ptr.hpp"

#include <openssl/err.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <system_error>

namespace tlsaudit::lab::test {
namespace {

using ossl::ssl_ctx_ptr;
using ossl::ssl_ptr;

[[noreturn]] void throw_errno(const char* what) { throw std::system_error(errno, std::generic_category(), what); }

std::string openssl_errors() {
    std::string text = ossl::take_errors();
    return text.empty() ? "unknown error" : text;
}

ssl_ctx_ptr client_context(const client_options& options) {
    ssl_ctx_ptr ctx(SSL_CTX_new(TLS_client_method()));
    if (!ctx) throw std::runtime_error("SSL_CTX_new");
    SSL_CTX_set_security_level(ctx.get(), 0);
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);
    if (SSL_CTX_set_cipher_list(ctx.get(), "DEFAULT:@SECLEVEL=0") != 1) {
        throw std::runtime_error("cipher list");
    }
    if (options.min_version != 0 &&
        SSL_CTX_ctrl(ctx.get(), SSL_CTRL_SET_MIN_PROTO_VERSION, options.min_version, nullptr) != 1) {
        throw std::runtime_error("min version");
    }
    if (options.max_version != 0 &&
        SSL_CTX_ctrl(ctx.get(), SSL_CTRL_SET_MAX_PROTO_VERSION, options.max_version, nullptr) != 1) {
        throw std::runtime_error("max version");
    }
    if (options.max_cert_list > 0) {
        SSL_CTX_ctrl(ctx.get(), SSL_CTRL_SET_MAX_CERT_LIST, options.max_cert_list, nullptr);
    }
    return ctx;
}

void configure(SSL* ssl, const client_options& options) {
    if (!options.sni.empty() && SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                                         const_cast<char*>(options.sni.c_str())) != 1) {
        throw std::runtime_error("SNI");
    }
    if (options.request_status &&
        SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_STATUS_REQ_TYPE, TLSEXT_STATUSTYPE_ocsp, nullptr) != 1) {
        throw std::runtime_error("status_request");
    }
    if (!options.alpn.empty()) {
        bytes wire;
        for (const auto& p : options.alpn) {
            wire.push_back(static_cast<unsigned char>(p.size()));
            wire.insert(wire.end(), p.begin(), p.end());
        }
        // Unusually, 0 is success here.
        if (SSL_set_alpn_protos(ssl, wire.data(), static_cast<unsigned int>(wire.size())) != 0) {
            throw std::runtime_error("ALPN");
        }
    }
}

tls_result capture(SSL* ssl) {
    tls_result r;
    r.ok = true;
    r.protocol = SSL_get_version(ssl);
    if (STACK_OF(X509)* chain = SSL_get_peer_cert_chain(ssl)) {
        for (int i = 0; i < sk_X509_num(chain); ++i) {
            r.chain.push_back(ossl::encode_certificate(sk_X509_value(chain, i)));
        }
    }
    unsigned char* staple = nullptr;
    const long staple_len = SSL_ctrl(ssl, SSL_CTRL_GET_TLSEXT_STATUS_REQ_OCSP_RESP, 0, &staple);
    if (staple != nullptr && staple_len > 0) r.staple.assign(staple, staple + staple_len);
    const unsigned char* alpn = nullptr;
    unsigned int alpn_len = 0;
    SSL_get0_alpn_selected(ssl, &alpn, &alpn_len);
    if (alpn != nullptr) r.alpn.assign(reinterpret_cast<const char*>(alpn), alpn_len);
    return r;
}

}  // namespace

socket_fd::~socket_fd() {
    if (fd_ >= 0) ::close(fd_);
}

socket_fd& socket_fd::operator=(socket_fd&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = other.fd_;
        other.fd_ = -1;
    }
    return *this;
}

socket_fd connect_tcp(const std::string& address, std::uint16_t port) {
    sockaddr_storage storage{};
    socklen_t len = 0;
    int family = AF_INET;
    auto* v4 = reinterpret_cast<sockaddr_in*>(&storage);
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&storage);
    if (inet_pton(AF_INET, address.c_str(), &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(port);
        len = sizeof(sockaddr_in);
    } else if (inet_pton(AF_INET6, address.c_str(), &v6->sin6_addr) == 1) {
        family = AF_INET6;
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(port);
        len = sizeof(sockaddr_in6);
    } else {
        throw std::invalid_argument("bad address " + address);
    }
    socket_fd s(::socket(family, SOCK_STREAM, 0));
    if (s.get() < 0) throw_errno("socket");
    timeval tv{10, 0};
    if (::setsockopt(s.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) != 0 ||
        ::setsockopt(s.get(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) != 0) {
        throw_errno("setsockopt");
    }
    if (::connect(s.get(), reinterpret_cast<sockaddr*>(&storage), len) != 0) throw_errno("connect");
    return s;
}

void send_all(const socket_fd& s, std::span<const unsigned char> data) {
    std::size_t sent = 0;
    while (sent < data.size()) {
        const ssize_t n = ::send(s.get(), data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw_errno("send");
        }
        sent += static_cast<std::size_t>(n);
    }
}

read_result read_until(const socket_fd& s, std::size_t max, std::chrono::milliseconds timeout) {
    read_result r;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    unsigned char buf[8192];
    while (r.data.size() < max) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            r.timed_out = true;
            break;
        }
        pollfd p{s.get(), POLLIN, 0};
        const int ready = ::poll(&p, 1, static_cast<int>(left.count()));
        if (ready < 0 && errno == EINTR) continue;
        if (ready < 0) throw_errno("poll");
        if (ready == 0) {
            r.timed_out = true;
            break;
        }
        const ssize_t n = ::recv(s.get(), buf, std::min(sizeof buf, max - r.data.size()), 0);
        if (n == 0) {
            r.eof = true;
            break;
        }
        if (n < 0) {
            if (errno == EINTR) continue;
            r.error = errno;
            break;
        }
        r.data.insert(r.data.end(), buf, buf + n);
    }
    return r;
}

bytes client_hello() {
    ssl_ctx_ptr ctx = client_context({});
    ssl_ptr ssl(SSL_new(ctx.get()));
    if (!ssl) throw std::runtime_error("SSL_new");
    BIO* rbio = BIO_new(BIO_s_mem());
    BIO* wbio = BIO_new(BIO_s_mem());
    if (rbio == nullptr || wbio == nullptr) {
        BIO_free(rbio);
        BIO_free(wbio);
        throw std::runtime_error("BIO_new");
    }
    SSL_set_bio(ssl.get(), rbio, wbio);  // ssl owns both from here
    configure(ssl.get(), client_options{}.with_sni("localhost"));
    if (SSL_connect(ssl.get()) == 1) throw std::runtime_error("handshake cannot finish here");
    char* data = nullptr;
    const long len = BIO_get_mem_data(wbio, &data);
    if (len <= 0 || data == nullptr) throw std::runtime_error("no ClientHello written");
    ERR_clear_error();
    return bytes(data, data + len);
}

tls_result tls_handshake(const socket_fd& s, const client_options& options) {
    ssl_ctx_ptr ctx = client_context(options);
    ssl_ptr ssl(SSL_new(ctx.get()));
    if (!ssl) throw std::runtime_error("SSL_new");
    if (SSL_set_fd(ssl.get(), s.get()) != 1) throw std::runtime_error("SSL_set_fd");
    configure(ssl.get(), options);
    if (SSL_connect(ssl.get()) != 1) {
        tls_result failed;
        failed.error = openssl_errors();
        return failed;
    }
    tls_result r = capture(ssl.get());
    ERR_clear_error();
    return r;
}

tls_result tls_handshake(const std::string& address, std::uint16_t port, const client_options& options) {
    const socket_fd s = connect_tcp(address, port);
    return tls_handshake(s, options);
}

bytes name_der(const X509_NAME* name) {
    unsigned char* der = nullptr;
    const int len = i2d_X509_NAME(name, &der);
    if (len <= 0) throw std::runtime_error("i2d_X509_NAME");
    bytes out(der, der + len);
    OPENSSL_free(der);
    return out;
}

}  // namespace tlsaudit::lab::test
