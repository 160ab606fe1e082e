#pragma once
// Sans-I/O parsers for the replies of the STARTTLS exchanges (scanner/net/starttls.cpp):
// pure functions over the bytes received so far, tested with plain data. Each says
// whether its input holds a complete reply, needs more bytes, or cannot be one; none
// throws on bad input. Every server string they return is raw: callers pass it through
// printable_excerpt() before it goes into an error detail.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tlsaudit::net::detail::starttls {

inline constexpr std::size_t max_line_bytes = 4096;       // one reply line, without CRLF
inline constexpr std::size_t max_exchange_bytes = 65536;  // everything one exchange receives

enum class parse_status { incomplete, complete, malformed };

// The line at the start of `in` without its LF (and the CR before it). complete: `line`
// and `consumed` (the line and its LF) set; incomplete: no LF yet, at most max_line_bytes;
// malformed: longer than max_line_bytes without an LF.
struct line_result {
    parse_status status = parse_status::incomplete;
    std::string_view line;
    std::size_t consumed = 0;
};
line_result take_line(std::string_view in);

// An SMTP (RFC 5321) or FTP (RFC 959) reply, possibly multi-line ("250-a", "250 b").
// `every_line_coded`: SMTP, where each line starts with the same code; FTP allows any
// text between the first "ddd-" line and the last "ddd " line.
struct coded_reply {
    parse_status status = parse_status::incomplete;
    int code = 0;
    std::vector<std::string> lines;  // the text of each line after "ddd-" / "ddd "
    std::size_t consumed = 0;
    std::string problem;  // why it is malformed
};
coded_reply parse_coded_reply(std::string_view in, bool every_line_coded);

// Whether parse_coded_reply(in, every_line_coded) may be complete or malformed: a complete
// line that could end the reply ("ddd" or "ddd text"), one it refuses, or a line too long.
// Lines before `scanned` were looked at already and could not; it moves past the complete
// lines that cannot either, so a reply that arrives a byte at a time is scanned once, not
// once per byte.
bool coded_reply_may_end(std::string_view in, bool every_line_coded, std::size_t& scanned);

// True when a 250 reply to EHLO lists the STARTTLS keyword (any case) on a line after
// the first, which holds the server's name.
bool ehlo_offers_starttls(const coded_reply& reply);

// One IMAP response line (RFC 9051): "* OK ...", "a001 NO ...", "+ ...".
struct imap_line {
    parse_status status = parse_status::incomplete;
    std::string tag;        // "*", "+" or the command tag
    std::string condition;  // upper-cased second word: "OK", "NO", "BAD", "BYE", "PREAUTH", ...
    std::string text;       // the whole line
    std::size_t consumed = 0;
};
imap_line parse_imap_line(std::string_view in);

// One POP3 status line (RFC 1939): "+OK ..." or "-ERR ...". `ok` is meaningful only when
// complete; a line starting with neither is malformed.
struct pop3_line {
    parse_status status = parse_status::incomplete;
    bool ok = false;
    std::string text;
    std::size_t consumed = 0;
};
pop3_line parse_pop3_line(std::string_view in);

// XMPP (RFC 6120): the server's stream header and <stream:features>.
struct xmpp_features {
    parse_status status = parse_status::incomplete;
    bool offers_starttls = false;  // <starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'> present
    std::string stream_error;      // set when the server sent <stream:error> (or closed the stream)
    std::size_t consumed = 0;
    std::string problem;
};
xmpp_features parse_xmpp_features(std::string_view in);

// The answer to <starttls/>: <proceed/> or <failure/> in the xmpp-tls namespace.
struct xmpp_answer {
    parse_status status = parse_status::incomplete;
    bool proceed = false;
    std::size_t consumed = 0;
    std::string problem;
};
xmpp_answer parse_xmpp_answer(std::string_view in);

// The stream header a client sends to `domain` (XML-escaped here).
std::string xmpp_stream_header(std::string_view domain);

// PostgreSQL SSLRequest: length 8, code 80877103.
std::string postgres_ssl_request();

// LDAP (RFC 4511, 4513) StartTLS: an ExtendedRequest with OID 1.3.6.1.4.1.1466.20037
// as BER, message id 1, and the parsed ExtendedResponse.
std::string ldap_starttls_request();
struct ldap_response {
    parse_status status = parse_status::incomplete;
    std::int64_t message_id = 0;
    int result_code = -1;
    std::string diagnostic;  // diagnosticMessage
    std::size_t consumed = 0;
    std::string problem;
};
ldap_response parse_ldap_extended_response(std::string_view in);
std::string_view ldap_result_name(int code);  // "success", "protocolError", ... or ""

// `in` could still become `expected`: it is a prefix of it (or the other way round).
bool could_become(std::string_view in, std::string_view expected);

// Server text made safe for an error detail: printable ASCII kept, other bytes as \xNN,
// cut to `limit` bytes of output with "..." appended.
std::string printable_excerpt(std::string_view text, std::size_t limit = 200);

// The same of a line or document the server sent, without the line endings that close it
// (they are not what it said).
std::string line_excerpt(std::string_view text, std::size_t limit = 200);

}  // namespace tlsaudit::net::detail::starttls
