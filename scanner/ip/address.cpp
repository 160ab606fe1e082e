#include "ip/address.hpp"

#include <algorithm>
#include <cstring>
#include <string>

#include <arpa/inet.h>
#include <netinet/in.h>

namespace tlsaudit::ip {
namespace {

struct block {
    std::array<std::uint8_t, 16> prefix;
    unsigned length;  // prefix length in bits
    std::string_view name;
};

bool in_block(const std::array<std::uint8_t, 16>& bytes, const std::array<std::uint8_t, 16>& prefix, unsigned length) {
    const auto whole = static_cast<std::ptrdiff_t>(length / 8);
    if (!std::equal(bytes.begin(), bytes.begin() + whole, prefix.begin())) return false;
    const unsigned rest = length % 8;
    if (rest == 0) return true;
    const auto mask = static_cast<std::uint8_t>(0xFF << (8 - rest));
    return (bytes[static_cast<std::size_t>(whole)] & mask) == (prefix[static_cast<std::size_t>(whole)] & mask);
}

// Most specific first: the first match wins.
constexpr block v4_blocks[] = {
    {{255, 255, 255, 255}, 32, "broadcast"},
    {{192, 0, 2}, 24, "documentation"},
    {{198, 51, 100}, 24, "documentation"},
    {{203, 0, 113}, 24, "documentation"},
    {{192, 88, 99}, 24, "6to4-relay"},
    {{192, 0, 0}, 24, "ietf-protocol"},
    {{169, 254}, 16, "link-local"},
    {{192, 168}, 16, "private"},
    {{198, 18}, 15, "benchmarking"},
    {{172, 16}, 12, "private"},
    {{100, 64}, 10, "cgnat"},
    {{0}, 8, "this-network"},
    {{10}, 8, "private"},
    {{127}, 8, "loopback"},
    {{224}, 4, "multicast"},
    {{240}, 4, "reserved"},
};

constexpr block v6_blocks[] = {
    {{}, 128, "unspecified"},
    {{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 128, "loopback"},
    {{}, 96, "ipv4-compatible"},
    {{0x00, 0x64, 0xff, 0x9b}, 96, "nat64"},
    {{0x01, 0x00}, 64, "discard"},
    {{0x00, 0x64, 0xff, 0x9b, 0x00, 0x01}, 48, "nat64"},
    {{0x20, 0x01, 0x00, 0x02, 0x00, 0x00}, 48, "benchmarking"},
    {{0x20, 0x01, 0x0d, 0xb8}, 32, "documentation"},
    {{0x20, 0x01, 0x00, 0x00}, 32, "teredo"},
    {{0x20, 0x01, 0x00, 0x20}, 28, "orchid"},
    {{0x20, 0x01}, 23, "ietf-protocol"},
    {{0x3f, 0xff}, 20, "documentation"},
    {{0x20, 0x02}, 16, "6to4"},
    {{0xfe, 0x80}, 10, "link-local"},
    {{0xff}, 8, "multicast"},
    {{0xfc}, 7, "unique-local"},
};

std::optional<ip_address> parse_family(std::string_view text, bool v6) {
    // inet_pton needs a terminated string; anything longer than the longest valid form
    // ("ffff:...:255.255.255.255", 45 characters) is not an address.
    if (text.empty() || text.size() >= INET6_ADDRSTRLEN) return std::nullopt;
    const std::string terminated(text);
    ip_address address;
    address.v6 = v6;
    if (inet_pton(v6 ? AF_INET6 : AF_INET, terminated.c_str(), address.bytes.data()) != 1) return std::nullopt;
    return address;
}

}  // namespace

std::optional<ip_address> parse_ipv4(std::string_view text) { return parse_family(text, false); }

std::optional<ip_address> parse_ipv6(std::string_view text) { return parse_family(text, true); }

std::optional<ip_address> parse_ip(std::string_view text) {
    if (const auto zone = text.find('%'); zone != std::string_view::npos) text = text.substr(0, zone);
    if (text.find(':') == std::string_view::npos) return parse_ipv4(text);
    auto a = parse_ipv6(text);
    static constexpr std::uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (a && std::memcmp(a->bytes.data(), mapped, sizeof mapped) == 0) {
        std::memmove(a->bytes.data(), a->bytes.data() + 12, 4);
        std::fill(a->bytes.begin() + 4, a->bytes.end(), std::uint8_t{0});
        a->v6 = false;
    }
    return a;
}

std::string format_ip(const ip_address& address) {
    char buffer[INET6_ADDRSTRLEN] = {};
    const char* text = inet_ntop(address.v6 ? AF_INET6 : AF_INET, address.bytes.data(), buffer, sizeof buffer);
    return text ? std::string(text) : std::string();
}

std::string_view classify(const ip_address& address) {
    const auto* first = address.v6 ? std::begin(v6_blocks) : std::begin(v4_blocks);
    const auto* last = address.v6 ? std::end(v6_blocks) : std::end(v4_blocks);
    for (const auto* b = first; b != last; ++b)
        if (in_block(address.bytes, b->prefix, b->length)) return b->name;
    return {};
}

bool in_network(const ip_address& address, const ip_address& network, unsigned prefix) {
    if (address.v6 != network.v6 || prefix > (address.v6 ? 128u : 32u)) return false;
    return in_block(address.bytes, network.bytes, prefix);
}

std::size_t ip_address_hash::operator()(const ip_address& a) const noexcept {
    // FNV-1a over the family and the bytes.
    std::size_t h = 1469598103934665603ull ^ (a.v6 ? 6u : 4u);
    for (auto byte : a.bytes) h = (h ^ byte) * 1099511628211ull;
    return h;
}

}  // namespace tlsaudit::ip
