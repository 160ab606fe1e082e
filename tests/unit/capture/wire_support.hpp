#pragma once
// Byte helpers for the capture client's tests: hex text, and the framing a server uses
// (handshake messages, records), to build flights by hand.

#include <tlsaudit/model.hpp>

#include <cctype>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace tlsaudit::capture_engine::testing {

// "16 03 01" or "160301" (whitespace ignored) -> bytes. Throws on odd or non-hex text.
inline bytes from_hex(std::string_view text) {
    std::string digits;
    for (const char c : text)
        if (!std::isspace(static_cast<unsigned char>(c))) digits += c;
    if (digits.size() % 2 != 0) throw std::invalid_argument("odd hex");
    bytes out;
    for (std::size_t i = 0; i < digits.size(); i += 2)
        out.push_back(static_cast<unsigned char>(std::stoi(digits.substr(i, 2), nullptr, 16)));
    return out;
}

inline bytes concat(std::initializer_list<std::span<const unsigned char>> parts) {
    bytes out;
    for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
}

// A handshake message: type, 3-byte length, body.
inline bytes handshake(std::uint8_t type, std::span<const unsigned char> body) {
    bytes out{type, static_cast<unsigned char>(body.size() >> 16), static_cast<unsigned char>(body.size() >> 8),
              static_cast<unsigned char>(body.size())};
    out.insert(out.end(), body.begin(), body.end());
    return out;
}

// One record: type, version, 2-byte length, payload (any length: tests build bad ones too).
inline bytes record(std::uint8_t type, std::span<const unsigned char> payload, std::uint16_t version = 0x0303) {
    bytes out{type, static_cast<unsigned char>(version >> 8), static_cast<unsigned char>(version),
              static_cast<unsigned char>(payload.size() >> 8), static_cast<unsigned char>(payload.size())};
    out.insert(out.end(), payload.begin(), payload.end());
    return out;
}

inline void put16(bytes& out, std::size_t v) {
    out.push_back(static_cast<unsigned char>(v >> 8));
    out.push_back(static_cast<unsigned char>(v));
}
inline void put24(bytes& out, std::size_t v) {
    out.push_back(static_cast<unsigned char>(v >> 16));
    put16(out, v);
}
inline void append(bytes& out, std::span<const unsigned char> data) { out.insert(out.end(), data.begin(), data.end()); }

// A Certificate message body (TLS 1.2 layout, or TLS 1.3 with empty context; `ocsp`
// becomes the leaf entry's status_request extension).
inline bytes certificate_body(const std::vector<bytes>& chain, bool tls13, std::span<const unsigned char> ocsp = {}) {
    bytes list;
    for (std::size_t i = 0; i < chain.size(); ++i) {
        put24(list, chain[i].size());
        append(list, chain[i]);
        if (tls13) {
            bytes ext;
            if (i == 0 && !ocsp.empty()) {
                put16(ext, 5);
                put16(ext, 1 + 3 + ocsp.size());
                ext.push_back(1);
                put24(ext, ocsp.size());
                append(ext, ocsp);
            }
            put16(list, ext.size());
            append(list, ext);
        }
    }
    bytes body;
    if (tls13) body.push_back(0);
    put24(body, list.size());
    append(body, list);
    return body;
}

}  // namespace tlsaudit::capture_engine::testing
