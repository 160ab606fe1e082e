#include "starttls_replies.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>

namespace tlsaudit::net::detail::starttls {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string upper(std::string_view s) {
    std::string out(s);
    for (auto& c : out)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    return out;
}

bool iequals(std::string_view a, std::string_view b) { return upper(a) == upper(b); }

std::string_view trim_left(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n'))
        s.remove_prefix(1);
    return s;
}

// "ddd" then '-', ' ' or end of line: the code and whether the reply goes on.
bool line_code(std::string_view line, int& code, bool& more) {
    if (line.size() < 3 || !is_digit(line[0]) || !is_digit(line[1]) || !is_digit(line[2])) return false;
    if (line.size() > 3 && line[3] != '-' && line[3] != ' ') return false;
    code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
    more = line.size() > 3 && line[3] == '-';
    return true;
}

// `in` could still become `expected` (it is a prefix of it).
bool could_become(std::string_view in, std::string_view expected) {
    return expected.substr(0, std::min(in.size(), expected.size())) == in.substr(0, std::min(in.size(), expected.size()));
}

constexpr std::string_view tls_ns = "urn:ietf:params:xml:ns:xmpp-tls";

// The element starting at `open` ("<name ...>" or "<name .../>") ends at the returned
// index (one past its '>'), or npos when the '>' has not arrived.
std::size_t tag_end(std::string_view in, std::size_t open) {
    const std::size_t close = in.find('>', open);
    return close == std::string_view::npos ? close : close + 1;
}

bool has_tls_namespace(std::string_view tag) {
    return tag.find(std::string("'") + std::string(tls_ns) + "'") != std::string_view::npos ||
           tag.find(std::string("\"") + std::string(tls_ns) + "\"") != std::string_view::npos;
}

// The first child element's name inside <stream:error>, e.g. "host-unknown".
std::string stream_error_name(std::string_view in, std::size_t at) {
    const std::size_t end = tag_end(in, at);
    if (end == std::string_view::npos) return "stream error";
    const std::size_t child = in.find('<', end);
    if (child == std::string_view::npos || child + 1 >= in.size() || in[child + 1] == '/') return "stream error";
    const std::size_t name_end = in.find_first_of(" />\t\r\n", child + 1);
    return std::string(in.substr(child + 1, name_end == std::string_view::npos ? 64 : name_end - child - 1));
}

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

line_result take_line(std::string_view in) {
    line_result r;
    const std::size_t lf = in.find('\n');
    if (lf == std::string_view::npos) {
        if (in.size() > max_line_bytes) r.status = parse_status::malformed;
        return r;
    }
    std::string_view line = in.substr(0, lf);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.size() > max_line_bytes) {
        r.status = parse_status::malformed;
        return r;
    }
    r.status = parse_status::complete;
    r.line = line;
    r.consumed = lf + 1;
    return r;
}

coded_reply parse_coded_reply(std::string_view in, bool every_line_coded) {
    coded_reply reply;
    std::size_t pos = 0;
    for (bool first = true;; first = false) {
        const line_result l = take_line(in.substr(pos));
        if (l.status == parse_status::incomplete) return reply;
        if (l.status == parse_status::malformed) {
            reply.status = parse_status::malformed;
            reply.problem = fmt::format("a reply line is longer than {} bytes", max_line_bytes);
            return reply;
        }
        pos += l.consumed;
        int code = 0;
        bool more = false;
        const bool coded = line_code(l.line, code, more);
        if (first && !coded) {
            reply.status = parse_status::malformed;
            reply.problem = "expected a reply starting with a 3-digit code, got '" + printable_excerpt(l.line, 80) + "'";
            return reply;
        }
        if (first) reply.code = code;
        if (coded && code == reply.code) {
            reply.lines.emplace_back(l.line.size() > 4 ? l.line.substr(4) : std::string_view{});
            if (!more) break;
        } else if (every_line_coded) {
            reply.status = parse_status::malformed;
            reply.problem = "a continuation line does not carry the reply's code: '" + printable_excerpt(l.line, 80) + "'";
            return reply;
        } else {
            reply.lines.emplace_back(l.line);  // FTP: free text inside a multi-line reply
        }
    }
    reply.status = parse_status::complete;
    reply.consumed = pos;
    return reply;
}

bool ehlo_offers_starttls(const coded_reply& reply) {
    if (reply.status != parse_status::complete || reply.code != 250) return false;
    for (std::size_t i = 1; i < reply.lines.size(); ++i) {
        const std::string_view line = reply.lines[i];
        const std::string_view keyword = line.substr(0, line.find(' '));
        if (iequals(keyword, "STARTTLS")) return true;
    }
    return false;
}

imap_line parse_imap_line(std::string_view in) {
    imap_line r;
    const line_result l = take_line(in);
    r.status = l.status;
    if (l.status != parse_status::complete) return r;
    r.consumed = l.consumed;
    r.text = std::string(l.line);
    const std::size_t space = l.line.find(' ');
    r.tag = std::string(l.line.substr(0, space));
    if (space != std::string_view::npos) {
        const std::string_view rest = l.line.substr(space + 1);
        r.condition = upper(rest.substr(0, rest.find(' ')));
    }
    if (r.tag.empty()) r.status = parse_status::malformed;
    return r;
}

pop3_line parse_pop3_line(std::string_view in) {
    pop3_line r;
    const line_result l = take_line(in);
    r.status = l.status;
    if (l.status == parse_status::incomplete) {
        // Decide early when the first bytes cannot start a status line.
        if (!in.empty() && !could_become(in, "+OK") && !could_become(in, "-ERR")) r.status = parse_status::malformed;
        return r;
    }
    if (l.status != parse_status::complete) return r;
    r.consumed = l.consumed;
    r.text = std::string(l.line);
    const auto starts = [&](std::string_view word) {
        return l.line.substr(0, word.size()) == word && (l.line.size() == word.size() || l.line[word.size()] == ' ');
    };
    if (starts("+OK")) {
        r.ok = true;
    } else if (!starts("-ERR")) {
        r.status = parse_status::malformed;
    }
    return r;
}

xmpp_features parse_xmpp_features(std::string_view in) {
    xmpp_features r;
    const std::string_view body = trim_left(in);
    if (body.empty()) return r;
    if (!could_become(body, "<?xml") && !could_become(body, "<stream:stream")) {
        r.status = parse_status::malformed;
        r.problem = "the server's first bytes are not an XMPP stream header: '" + printable_excerpt(body, 40) + "'";
        return r;
    }
    if (const std::size_t err = in.find("<stream:error"); err != std::string_view::npos) {
        r.status = parse_status::complete;
        r.stream_error = stream_error_name(in, err);
        r.consumed = in.size();
        return r;
    }
    if (in.find("</stream:stream>") != std::string_view::npos) {
        r.status = parse_status::complete;
        r.stream_error = "the server closed the stream";
        r.consumed = in.size();
        return r;
    }
    const std::size_t open = in.find("<stream:features");
    if (open == std::string_view::npos) return r;
    const std::size_t open_end = tag_end(in, open);
    if (open_end == std::string_view::npos) return r;
    std::size_t end = open_end;
    if (in[open_end - 2] != '/') {
        constexpr std::string_view closing = "</stream:features>";
        const std::size_t close = in.find(closing, open_end);
        if (close == std::string_view::npos) return r;
        end = close + closing.size();
        const std::string_view features = in.substr(open_end, close - open_end);
        for (std::size_t at = features.find("<starttls"); at != std::string_view::npos;
             at = features.find("<starttls", at + 1)) {
            const std::size_t e = tag_end(features, at);
            if (e != std::string_view::npos && has_tls_namespace(features.substr(at, e - at))) r.offers_starttls = true;
        }
    }
    r.status = parse_status::complete;
    r.consumed = end;
    return r;
}

xmpp_answer parse_xmpp_answer(std::string_view in) {
    xmpp_answer r;
    const std::string_view body = trim_left(in);
    if (body.empty()) return r;
    for (const std::string_view name : {std::string_view("<proceed"), std::string_view("<failure")}) {
        if (body.size() < name.size()) {
            if (could_become(body, name)) return r;
            continue;
        }
        if (body.substr(0, name.size()) != name) continue;
        const std::size_t end = tag_end(body, 0);
        if (end == std::string_view::npos) return r;
        if (!has_tls_namespace(body.substr(0, end))) {
            r.status = parse_status::malformed;
            r.problem = "the answer to <starttls/> is not in the xmpp-tls namespace";
            return r;
        }
        r.status = parse_status::complete;
        r.proceed = name == "<proceed";
        std::size_t consumed = in.size() - body.size() + end;
        if (!r.proceed) consumed = in.size();  // the rest is the stream's end, ignored
        r.consumed = consumed;
        return r;
    }
    r.status = parse_status::malformed;
    r.problem = "expected <proceed/> or <failure/>, got '" + printable_excerpt(body, 60) + "'";
    return r;
}

std::string xmpp_stream_header(std::string_view domain) {
    std::string escaped;
    for (const char c : domain) {
        switch (c) {
        case '&': escaped += "&amp;"; break;
        case '<': escaped += "&lt;"; break;
        case '>': escaped += "&gt;"; break;
        case '\'': escaped += "&apos;"; break;
        case '"': escaped += "&quot;"; break;
        default: escaped += c;
        }
    }
    return "<?xml version='1.0'?><stream:stream to='" + escaped +
           "' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>";
}

std::string postgres_ssl_request() {
    // Int32 length 8, Int32 80877103 (0x04D2162F), big-endian.
    return std::string("\x00\x00\x00\x08\x04\xd2\x16\x2f", 8);
}

std::string ldap_starttls_request() {
    constexpr std::string_view oid = "1.3.6.1.4.1.1466.20037";
    std::string name;  // requestName [0] LDAPOID
    name += '\x80';
    name += static_cast<char>(oid.size());
    name += oid;
    std::string op;    // [APPLICATION 23] ExtendedRequest, constructed
    op += '\x77';
    op += static_cast<char>(name.size());
    op += name;
    std::string body = std::string("\x02\x01\x01", 3) + op;  // messageID 1
    return std::string(1, '\x30') + static_cast<char>(body.size()) + body;
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

std::string printable_excerpt(std::string_view text, std::size_t limit) {
    std::string out;
    for (const char c : text) {
        if (out.size() >= limit) {
            out += "...";
            break;
        }
        const auto u = static_cast<unsigned char>(c);
        if (u >= 0x20 && u < 0x7f && c != '\\') {
            out += c;
        } else {
            out += fmt::format("\\x{:02x}", u);
        }
    }
    return out;
}

}  // namespace tlsaudit::net::detail::starttls
