// LDAP (RFC 4511, 4513) StartTLS: the ExtendedRequest and the ExtendedResponse, in BER.

#include "starttls_replies.hpp"

#include <fmt/format.h>

#include <cstdint>

namespace tlsaudit::net::detail::starttls {
namespace {

// BER TLV at the start of `in` (definite lengths only, as LDAP requires).
struct tlv {
    parse_status status = parse_status::incomplete;
    unsigned char tag = 0;
    std::string_view value;
    std::size_t size = 0;  // header and value
};

tlv read_tlv(std::string_view in) {
    tlv t;
    if (in.size() < 2) return t;
    t.tag = static_cast<unsigned char>(in[0]);
    const auto first = static_cast<unsigned char>(in[1]);
    std::size_t header = 2;
    std::size_t length = first;
    if (first & 0x80) {
        const std::size_t n = first & 0x7f;
        if (n == 0 || n > 4) {
            t.status = parse_status::malformed;
            return t;
        }
        if (in.size() < 2 + n) return t;
        length = 0;
        for (std::size_t i = 0; i < n; ++i) length = length << 8 | static_cast<unsigned char>(in[2 + i]);
        header += n;
    }
    if (length > max_exchange_bytes) {
        t.status = parse_status::malformed;
        return t;
    }
    if (in.size() < header + length) return t;
    t.status = parse_status::complete;
    t.value = in.substr(header, length);
    t.size = header + length;
    return t;
}

std::int64_t ber_integer(std::string_view v) {
    std::int64_t value = (!v.empty() && (static_cast<unsigned char>(v[0]) & 0x80)) ? -1 : 0;
    for (const char c : v) value = value * 256 + static_cast<unsigned char>(c);
    return value;
}

}  // namespace

std::string ldap_starttls_request() {
    constexpr std::string_view oid = "1.3.6.1.4.1.1466.20037";
    std::string name;  // requestName [0] LDAPOID
    name += '\x80';
    name += static_cast<char>(oid.size());
    name += oid;
    std::string op;  // [APPLICATION 23] ExtendedRequest, constructed
    op += '\x77';
    op += static_cast<char>(name.size());
    op += name;
    std::string message("\x30\x00\x02\x01\x01", 5);  // SEQUENCE (length below), messageID 1
    message += op;
    message[1] = static_cast<char>(message.size() - 2);
    return message;
}

ldap_response parse_ldap_extended_response(std::string_view in) {
    ldap_response r;
    if (in.empty()) return r;
    auto fail = [&](std::string problem) {
        r.status = parse_status::malformed;
        r.problem = std::move(problem);
        return r;
    };
    if (static_cast<unsigned char>(in[0]) != 0x30)
        return fail("the answer is not an LDAP message (first byte " + printable_excerpt(in.substr(0, 1)) + ")");
    const tlv message = read_tlv(in);
    if (message.status == parse_status::malformed) return fail("the LDAP message's length is invalid");
    if (message.status == parse_status::incomplete) return r;
    const tlv id = read_tlv(message.value);
    if (id.status != parse_status::complete || id.tag != 0x02 || id.value.empty() || id.value.size() > 4)
        return fail("the LDAP message has no valid messageID");
    const tlv op = read_tlv(message.value.substr(id.size));
    if (op.status != parse_status::complete) return fail("the LDAP message has no valid protocolOp");
    if (op.tag != 0x78) return fail(fmt::format("expected an ExtendedResponse, got protocolOp tag 0x{:02x}", op.tag));
    const tlv code = read_tlv(op.value);
    if (code.status != parse_status::complete || code.tag != 0x0a || code.value.empty() || code.value.size() > 4)
        return fail("the ExtendedResponse has no valid resultCode");
    const tlv matched = read_tlv(op.value.substr(code.size));
    if (matched.status != parse_status::complete || matched.tag != 0x04)
        return fail("the ExtendedResponse has no valid matchedDN");
    const tlv diagnostic = read_tlv(op.value.substr(code.size + matched.size));
    if (diagnostic.status != parse_status::complete || diagnostic.tag != 0x04)
        return fail("the ExtendedResponse has no valid diagnosticMessage");
    r.status = parse_status::complete;
    r.message_id = ber_integer(id.value);
    r.result_code = static_cast<int>(ber_integer(code.value));
    r.diagnostic = std::string(diagnostic.value);
    r.consumed = message.size;
    return r;
}

std::string_view ldap_result_name(int code) {
    switch (code) {
    case 0: return "success";
    case 1: return "operationsError";
    case 2: return "protocolError";
    case 7: return "authMethodNotSupported";
    case 8: return "strongerAuthRequired";
    case 12: return "unavailableCriticalExtension";
    case 51: return "busy";
    case 52: return "unavailable";
    case 53: return "unwillingToPerform";
    case 80: return "other";
    default: return "";
    }
}

}  // namespace tlsaudit::net::detail::starttls
