#include "address.hpp"

#include <tlsaudit/geo.hpp>

#include <cstring>

#include <netinet/in.h>

namespace tlsaudit::geo::detail {

sockaddr_storage to_sockaddr(const ip_address& address) {
    sockaddr_storage storage{};
    if (address.v6) {
        sockaddr_in6 sa{};
        sa.sin6_family = AF_INET6;
        std::memcpy(&sa.sin6_addr, address.bytes.data(), 16);
        std::memcpy(&storage, &sa, sizeof sa);
    } else {
        sockaddr_in sa{};
        sa.sin_family = AF_INET;
        std::memcpy(&sa.sin_addr, address.bytes.data(), 4);
        std::memcpy(&storage, &sa, sizeof sa);
    }
    return storage;
}

}  // namespace tlsaudit::geo::detail

namespace tlsaudit::geo {

std::optional<std::string_view> special_purpose_class(std::string_view address) {
    const auto ip = detail::parse_ip(address);
    if (!ip) return std::nullopt;
    return detail::classify(*ip);
}

}  // namespace tlsaudit::geo
