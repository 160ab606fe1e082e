#pragma once
// Maps socket and OpenSSL failures to the stable error codes of model.hpp.

#include "handshake_observer.hpp"

#include <tlsaudit/model.hpp>

#include <boost/system/error_code.hpp>

#include <chrono>
#include <optional>
#include <vector>

namespace tlsaudit::net::detail {

scan_error timeout_error(const char* stage, std::chrono::milliseconds limit);
scan_error classify_connect_error(const boost::system::error_code& ec);
scan_error classify_handshake_error(const boost::system::error_code& ec, const handshake_observer& obs);

// bad-certificate when a certificate of `chain` is not valid DER, else nullopt. `full`:
// decode each one (only after a failed handshake: OpenSSL 3.0's decoder is costly);
// otherwise check only each certificate's outer DER header against its length, which
// catches truncated and garbage entries on the hot path.
std::optional<scan_error> invalid_certificate_error(const std::vector<bytes>& chain, bool full);

}  // namespace tlsaudit::net::detail
