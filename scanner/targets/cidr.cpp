#include "cidr.hpp"

#include "text.hpp"

#include <charconv>
#include <cstdint>
#include <string>

namespace tlsaudit::targets::detail {

namespace {

// Applies `fn(byte, host_mask_of_byte)` to every byte of the address.
template <class Fn>
void for_each_byte(ip_address& address, unsigned prefix, Fn fn) {
    for (std::size_t i = 0; i < address.size(); ++i) {
        const std::size_t bit0 = i * 8;
        unsigned host_mask = 0xFFu;
        if (bit0 + 8 <= prefix) {
            host_mask = 0;
        } else if (bit0 < prefix) {
            host_mask = 0xFFu >> (prefix - bit0);
        }
        fn(address.bytes[i], static_cast<unsigned char>(host_mask));
    }
}

std::string describe_count(unsigned host_bits) {
    if (host_bits < 64) return std::to_string(std::uint64_t{1} << host_bits);
    return "2^" + std::to_string(host_bits);
}

}  // namespace

ip_address cidr_block::last() const {
    ip_address address = network;
    for_each_byte(address, prefix, [](unsigned char& byte, unsigned char host_mask) { byte |= host_mask; });
    return address;
}

outcome<cidr_block> make_cidr(const ip_address& network, std::string_view prefix_text, bool allow_large) {
    const unsigned family_bits = network.v6 ? 128 : 32;
    if (prefix_text.empty()) return failure{"missing prefix length after '/'"};
    unsigned prefix = 0;
    const auto* end = prefix_text.data() + prefix_text.size();
    const auto [ptr, ec] = std::from_chars(prefix_text.data(), end, prefix);
    if (ec != std::errc{} || ptr != end || prefix > family_bits || prefix_text.size() > 3) {
        return failure{"prefix length " + quote(prefix_text) + " is not a number from 0 to " +
                       std::to_string(family_bits)};
    }

    cidr_block block{network, prefix};
    ip_address masked = network;
    for_each_byte(masked, prefix, [](unsigned char& byte, unsigned char host_mask) {
        byte = static_cast<unsigned char>(byte & ~host_mask);
    });
    if (masked != network) {
        return failure{format_ip(network) + "/" + std::to_string(prefix) + " has host bits set; the network is " +
                       format_ip(masked) + "/" + std::to_string(prefix)};
    }

    const unsigned host_bits = family_bits - prefix;
    if (host_bits > max_small_block_host_bits && !allow_large) {
        return failure{"CIDR block " + format_ip(network) + "/" + std::to_string(prefix) + " holds " +
                       describe_count(host_bits) + " addresses; blocks of more than 65536 addresses (" +
                       (network.v6 ? "/112" : "/16") +
                       ") are refused unless large blocks are allowed (--allow-large-cidr)"};
    }
    return block;
}

bool increment(ip_address& address) {
    for (std::size_t i = address.size(); i-- > 0;) {
        if (++address.bytes[i] != 0) return true;
    }
    return false;
}

}  // namespace tlsaudit::targets::detail
