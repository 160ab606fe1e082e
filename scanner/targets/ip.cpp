#include "ip.hpp"

#include <arpa/inet.h>
#include <sys/socket.h>

namespace tlsaudit::targets::detail {

namespace {

std::optional<ip_address> parse_family(std::string_view text, bool v6) {
    // inet_pton needs a terminated string; anything longer than the longest valid form
    // ("ffff:...:255.255.255.255", 45 characters) is not an address.
    if (text.empty() || text.size() > 45) return std::nullopt;
    const std::string terminated(text);
    ip_address address;
    address.v6 = v6;
    if (inet_pton(v6 ? AF_INET6 : AF_INET, terminated.c_str(), address.bytes.data()) != 1) {
        return std::nullopt;
    }
    return address;
}

}  // namespace

std::optional<ip_address> parse_ipv4(std::string_view text) { return parse_family(text, false); }

std::optional<ip_address> parse_ipv6(std::string_view text) { return parse_family(text, true); }

std::optional<ip_address> parse_ip(std::string_view text) {
    if (auto v4 = parse_ipv4(text)) return v4;
    return parse_ipv6(text);
}

std::string format_ip(const ip_address& address) {
    char buffer[INET6_ADDRSTRLEN] = {};
    const char* text = inet_ntop(address.v6 ? AF_INET6 : AF_INET, address.bytes.data(), buffer, sizeof buffer);
    return text ? std::string(text) : std::string();
}

}  // namespace tlsaudit::targets::detail
