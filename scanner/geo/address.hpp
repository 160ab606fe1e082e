#pragma once
// Addresses as geo uses them (internal): parsing and classes come from the ip library,
// shared with the revocation module's fetch policy; the sockaddr form is geo's own.

#include "ip/address.hpp"

#include <sys/socket.h>

namespace tlsaudit::geo::detail {

using ip::classify;
using ip::ip_address;
using ip::ip_address_hash;
using ip::parse_ip;

// The address as a sockaddr for MMDB_lookup_sockaddr.
sockaddr_storage to_sockaddr(const ip_address& address);

}  // namespace tlsaudit::geo::detail
