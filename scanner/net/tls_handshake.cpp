#include "tls_handshake.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <openssl/bio.h>
#include <openssl/err.h>

#include <sys/socket.h>

#include <cerrno>
#include <climits>
#include <stdexcept>

namespace tlsaudit::net::detail {
namespace {

// What the BIO saw last on its descriptor, for the error mapping after SSL_connect fails.
struct socket_state {
    int fd = -1;
    int error = 0;     // errno of the last failed send/recv (not EAGAIN)
    bool eof = false;  // recv returned 0
};

socket_state* state_of(BIO* bio) { return static_cast<socket_state*>(BIO_get_data(bio)); }

int clamp(std::size_t n) { return static_cast<int>(std::min<std::size_t>(n, INT_MAX)); }

bool would_block(int e) { return e == EAGAIN || e == EWOULDBLOCK || e == EINTR; }

int socket_write(BIO* bio, const char* data, int length) {
    socket_state* s = state_of(bio);
    BIO_clear_retry_flags(bio);
    // MSG_NOSIGNAL: a peer that reset the connection gives EPIPE, not SIGPIPE.
    const ssize_t n = ::send(s->fd, data, static_cast<std::size_t>(length), MSG_NOSIGNAL);
    if (n >= 0) return clamp(static_cast<std::size_t>(n));
    if (would_block(errno)) BIO_set_retry_write(bio);
    else s->error = errno;
    return -1;
}

int socket_read(BIO* bio, char* data, int length) {
    socket_state* s = state_of(bio);
    BIO_clear_retry_flags(bio);
    const ssize_t n = ::recv(s->fd, data, static_cast<std::size_t>(length), 0);
    if (n > 0) return clamp(static_cast<std::size_t>(n));
    if (n == 0) {
        s->eof = true;
        return 0;
    }
    if (would_block(errno)) BIO_set_retry_read(bio);
    else s->error = errno;
    return -1;
}

long socket_ctrl(BIO*, int command, long, void*) {
    // Writes go straight to the socket, so a flush has nothing to do. BIO_CTRL_EOF stays
    // 0: the end of the stream is reported by the mapping below, as Asio reports it.
    return command == BIO_CTRL_FLUSH ? 1 : 0;
}

int socket_create(BIO* bio) {
    BIO_set_data(bio, new (std::nothrow) socket_state);
    BIO_set_init(bio, BIO_get_data(bio) != nullptr ? 1 : 0);
    return BIO_get_data(bio) != nullptr ? 1 : 0;
}

int socket_destroy(BIO* bio) {
    delete state_of(bio);
    BIO_set_data(bio, nullptr);
    return 1;
}

const BIO_METHOD* socket_method() {
    static BIO_METHOD* const method = [] {
        BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "tlsaudit socket");
        if (m == nullptr || BIO_meth_set_write(m, socket_write) != 1 || BIO_meth_set_read(m, socket_read) != 1 ||
            BIO_meth_set_ctrl(m, socket_ctrl) != 1 || BIO_meth_set_create(m, socket_create) != 1 ||
            BIO_meth_set_destroy(m, socket_destroy) != 1)
            throw std::runtime_error("OpenSSL cannot make the socket BIO method");
        return m;
    }();
    return method;
}

// `kind` is SSL_get_error's answer for the failed step.
boost::system::error_code failure(SSL* ssl, int kind) {
    const unsigned long queued = ERR_get_error();
    const socket_state* s = state_of(SSL_get_rbio(ssl));
    if (kind == SSL_ERROR_SSL) return {static_cast<int>(queued), asio::error::get_ssl_category()};
    if (kind == SSL_ERROR_ZERO_RETURN) return asio::error::eof;
    if (s->error != 0) return {s->error, boost::system::system_category()};
    if (s->eof) return asio::ssl::error::stream_truncated;
    if (kind == SSL_ERROR_SYSCALL && queued != 0) return {static_cast<int>(queued), asio::error::get_ssl_category()};
    return asio::ssl::error::unspecified_system_error;
}

}  // namespace

void bind_to_socket(SSL* ssl, asio::ip::tcp::socket& socket) {
    socket.non_blocking(true);
    BIO* bio = BIO_new(socket_method());
    if (bio == nullptr) throw std::runtime_error("OpenSSL cannot make a socket BIO");
    state_of(bio)->fd = socket.native_handle();
    SSL_set_bio(ssl, bio, bio);  // one reference, owned by `ssl` from here
}

asio::awaitable<boost::system::error_code> client_handshake(SSL* ssl, asio::ip::tcp::socket& socket) {
    constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
    SSL_set_connect_state(ssl);
    for (;;) {
        ERR_clear_error();
        const int rc = SSL_do_handshake(ssl);
        if (rc == 1) co_return boost::system::error_code{};
        const int kind = SSL_get_error(ssl, rc);
        if (kind != SSL_ERROR_WANT_READ && kind != SSL_ERROR_WANT_WRITE) co_return failure(ssl, kind);
        const auto wait =
            kind == SSL_ERROR_WANT_READ ? asio::ip::tcp::socket::wait_read : asio::ip::tcp::socket::wait_write;
        if (auto [ec] = co_await socket.async_wait(wait, use_tuple); ec) co_return ec;
    }
}

}  // namespace tlsaudit::net::detail
