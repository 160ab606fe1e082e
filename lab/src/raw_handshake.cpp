#include <tlsaudit/lab/raw_handshake.hpp>

#include <algorithm>
#include <stdexcept>

namespace tlsaudit::lab {
namespace {

constexpr unsigned char handshake_record = 0x16;
constexpr unsigned char server_hello_type = 2;
constexpr unsigned char certificate_type = 11;
constexpr unsigned char server_hello_done_type = 14;
constexpr std::size_t max_fragment = 16384;

void put(bytes& out, std::size_t value, std::size_t width) {
    for (std::size_t i = width; i-- > 0;) out.push_back(static_cast<unsigned char>(value >> (8 * i)));
}

bytes message(unsigned char type, const bytes& body) {
    if (body.size() >= (std::size_t{1} << 24)) throw std::invalid_argument("handshake message too long");
    bytes out{type};
    put(out, body.size(), 3);
    out.insert(out.end(), body.begin(), body.end());
    return out;
}

// A DER element: tag, definite length, content.
bytes der(unsigned char tag, const bytes& content) {
    bytes out{tag};
    if (content.size() < 0x80) {
        out.push_back(static_cast<unsigned char>(content.size()));
    } else {
        const std::size_t width = content.size() < 0x100 ? 1 : content.size() < 0x10000 ? 2 : 3;
        out.push_back(static_cast<unsigned char>(0x80 | width));
        put(out, content.size(), width);
    }
    out.insert(out.end(), content.begin(), content.end());
    return out;
}

bytes concat(std::initializer_list<bytes> parts) {
    bytes out;
    for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
}

}  // namespace

bytes server_hello_message() {
    bytes body{0x03, 0x03};  // TLS 1.2
    for (unsigned char i = 0; i < 32; ++i) body.push_back(static_cast<unsigned char>(0xA0 + i));
    body.push_back(0x00);                                     // session id: empty
    body.insert(body.end(), {0xC0, 0x2F});                    // ECDHE-RSA-AES128-GCM-SHA256
    body.push_back(0x00);                                     // compression: null
    body.insert(body.end(), {0x00, 0x05,                      // extensions length
                             0xFF, 0x01, 0x00, 0x01, 0x00});  // renegotiation_info, empty
    return message(server_hello_type, body);
}

bytes certificate_message(const std::vector<bytes>& chain) {
    std::size_t list = 0;
    for (const auto& cert : chain) list += 3 + cert.size();
    bytes body;
    body.reserve(3 + list);
    put(body, list, 3);
    for (const auto& cert : chain) {
        put(body, cert.size(), 3);
        body.insert(body.end(), cert.begin(), cert.end());
    }
    return message(certificate_type, body);
}

bytes server_hello_done_message() { return message(server_hello_done_type, {}); }

bytes undecodable_certificate() {
    const bytes sha256_with_rsa{0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x0B};
    const bytes null{0x05, 0x00};
    const bytes misplaced = der(0x30, concat({der(0x04, sha256_with_rsa), null}));  // OCTET STRING, not OID
    const bytes algorithm = der(0x30, concat({der(0x06, sha256_with_rsa), null}));
    const bytes name = der(0x30, der(0x31, der(0x30, concat({der(0x06, {0x55, 0x04, 0x03}), der(0x0C, {'x'})}))));
    const bytes validity =
        der(0x30, concat({der(0x17, bytes{'2', '6', '0', '1', '0', '1', '0', '0', '0', '0', '0', '0', 'Z'}),
                          der(0x17, bytes{'3', '6', '0', '1', '0', '1', '0', '0', '0', '0', '0', '0', 'Z'})}));
    const bytes tbs = der(0x30, concat({der(0xA0, der(0x02, {0x02})), der(0x02, {0x01}), misplaced, name, validity,
                                        name, der(0x30, concat({algorithm, der(0x03, {0x00, 0x00})}))}));
    return der(0x30, concat({tbs, algorithm, der(0x03, bytes(65, 0x00))}));
}

bytes handshake_records(const bytes& messages) {
    bytes out;
    out.reserve(messages.size() + (messages.size() / max_fragment + 1) * 5);
    for (std::size_t at = 0; at < messages.size(); at += max_fragment) {
        const std::size_t n = std::min(max_fragment, messages.size() - at);
        out.insert(out.end(), {handshake_record, 0x03, 0x03});
        put(out, n, 2);
        out.insert(out.end(), messages.begin() + static_cast<std::ptrdiff_t>(at),
                   messages.begin() + static_cast<std::ptrdiff_t>(at + n));
    }
    return out;
}

bytes invalid_der_certificate() {
    // SEQUENCE, length 0x0400 claimed, then a TBSCertificate SEQUENCE that claims more
    // than is there and a version tag: 64 bytes where 1028 are promised.
    bytes out{0x30, 0x82, 0x04, 0x00, 0x30, 0x82, 0x03, 0xF0, 0xA0, 0x03, 0x02, 0x01, 0x02};
    while (out.size() < 64) out.push_back(static_cast<unsigned char>(0x5A ^ out.size()));
    return out;
}

bytes huge_certificate() {
    bytes out(huge_certificate_size, 0x00);
    const std::size_t content = huge_certificate_size - 6;  // SEQUENCE tag, 0x84, 4-byte length
    out[0] = 0x30;
    out[1] = 0x84;
    for (std::size_t i = 0; i < 4; ++i) out[2 + i] = static_cast<unsigned char>(content >> (8 * (3 - i)));
    return out;
}

}  // namespace tlsaudit::lab
