#pragma once
// Maps socket and OpenSSL failures to the stable error codes of model.hpp.

#include "handshake_observer.hpp"

#include <tlsaudit/model.hpp>

#include <boost/system/error_code.hpp>

#include <chrono>

namespace tlsaudit::net::detail {

scan_error timeout_error(const char* stage, std::chrono::milliseconds limit);
scan_error classify_connect_error(const boost::system::error_code& ec);
scan_error classify_handshake_error(const boost::system::error_code& ec, const handshake_observer& obs);

}  // namespace tlsaudit::net::detail
