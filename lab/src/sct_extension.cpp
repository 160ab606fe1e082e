// The embedded SCT list (RFC 6962 3.3) written byte by byte: what Chrome's SCT-based
// distrust reads is the timestamps, so the lab chooses them; the log ids and signatures
// are filler that nothing verifies.

#include <tlsaudit/lab/pki.hpp>

#include <stdexcept>

namespace tlsaudit::lab {
namespace {

void put_u16(bytes& out, std::size_t n) {
    if (n > 0xFFFF) throw std::invalid_argument("SCT list too long");
    out.push_back(static_cast<unsigned char>(n >> 8));
    out.push_back(static_cast<unsigned char>(n & 0xFF));
}

// One SignedCertificateTimestamp (v1) for `when`, its log id derived from `index`.
bytes sct(std::chrono::sys_time<std::chrono::milliseconds> when, std::size_t index) {
    bytes out{0};  // version v1
    for (int i = 0; i < 32; ++i) out.push_back(static_cast<unsigned char>(index * 31 + static_cast<std::size_t>(i)));
    const auto ms = static_cast<std::uint64_t>(when.time_since_epoch().count());
    for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<unsigned char>((ms >> shift) & 0xFF));
    put_u16(out, 0);   // no extensions
    out.push_back(4);  // sha256
    out.push_back(3);  // ecdsa
    const bytes signature{0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01};
    put_u16(out, signature.size());
    out.insert(out.end(), signature.begin(), signature.end());
    return out;
}

}  // namespace

raw_extension sct_list_extension(std::span<const std::chrono::sys_time<std::chrono::milliseconds>> timestamps) {
    if (timestamps.empty()) throw std::invalid_argument("an SCT list needs at least one timestamp");
    bytes list;
    for (std::size_t i = 0; i < timestamps.size(); ++i) {
        const bytes one = sct(timestamps[i], i);
        put_u16(list, one.size());
        list.insert(list.end(), one.begin(), one.end());
    }
    bytes tls;
    put_u16(tls, list.size());
    tls.insert(tls.end(), list.begin(), list.end());
    // extnValue holds an OCTET STRING that holds the TLS-encoded list.
    bytes der{0x04};
    if (tls.size() < 0x80) {
        der.push_back(static_cast<unsigned char>(tls.size()));
    } else {
        der.push_back(0x82);
        der.push_back(static_cast<unsigned char>(tls.size() >> 8));
        der.push_back(static_cast<unsigned char>(tls.size() & 0xFF));
    }
    der.insert(der.end(), tls.begin(), tls.end());
    return raw_extension{"1.3.6.1.4.1.11129.2.4.2", std::move(der), false};
}

}  // namespace tlsaudit::lab
