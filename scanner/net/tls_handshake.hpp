#pragma once
// The client handshake driven straight on the TCP socket: OpenSSL reads and writes the
// descriptor through a small BIO of ours, and the coroutine waits for readiness between
// steps. Asio's ssl::stream keeps two 17 KB record buffers of its own plus a 2 x 17 KB BIO
// pair per connection, on top of OpenSSL's own record buffer; with thousands of
// handshakes in flight those copies were most of the scanner's memory (bench/RESULTS.md).

#include "asio_fwd.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/system/error_code.hpp>

#include <openssl/ssl.h>

namespace tlsaudit::net::detail {

// Binds `ssl` to `socket` (which stays the descriptor's owner and is made non-blocking).
// Throws std::runtime_error when OpenSSL cannot make the BIO.
void bind_to_socket(SSL* ssl, asio::ip::tcp::socket& socket);

// Runs SSL_connect on a bound `ssl` to its end. The error codes are those Asio's
// ssl::stream gives, which the classifier (error_classify.hpp) knows: the packed OpenSSL
// error in the SSL category, ECONNRESET/EPIPE in the system category, ssl::error::
// stream_truncated when the server closed the connection, asio::error::eof after its
// close_notify, operation_aborted when the wait was cancelled.
asio::awaitable<boost::system::error_code> client_handshake(SSL* ssl, asio::ip::tcp::socket& socket);

}  // namespace tlsaudit::net::detail
