#pragma once
// Target lines -> targets (scanner/targets). No Asio, no OpenSSL.
//
// Accepted line forms (after trimming; `#` starts a comment):
//   host                      example.com, bücher.example (IDNA A-label), 192.0.2.1, 2001:db8::1
//   host:port                 example.com:8443, 192.0.2.1:443
//   [v6addr] / [v6addr]:port  [2001:db8::1]:443
//   URL                       https://example.com[:port][/path][?query][#fragment]
//                             STARTTLS URL: smtp:// imap:// pop3:// ftp:// xmpp:// postgres://
//                             (postgresql://) ldap://, e.g. smtp://mail.example.com:587
//   CIDR                      192.0.2.0/28, 2001:db8::/124        (expanded lazily)
//   CIDR with a port          192.0.2.0/28:8443, 2001:db8::/124:8443, [2001:db8::]/124:8443
//   options                   any of the above followed by whitespace-separated key=value
//                             options: `sni=NAME` sends NAME in SNI instead of the host
// Lines without a port yield one target per port in options.ports (default 443).
//
// Lines:
//  - Leading/trailing ASCII whitespace (CR included, so CRLF files work) is trimmed; a
//    UTF-8 byte order mark at the start of a line is ignored. `#` at the start of the
//    line or after whitespace starts a comment; a `#` glued to other text is not one
//    (so a URL fragment stays part of the URL). Blank and comment lines yield nothing.
//  - Words are separated by spaces or tabs: the target first, then options.
//  - A line longer than 4096 bytes (without its line break), or holding a NUL byte, or
//    not valid UTF-8 is an input_error; a trailing comment that starts within the first
//    4096 bytes may run past them and hold bytes that are not UTF-8 (not a NUL).
//
// Targets:
//  - Host names: lower-cased, one trailing dot removed, labels with non-ASCII characters
//    converted to IDNA A-labels (UTS #46 non-transitional, as browsers do: "faß.de" ->
//    "xn--fa-hia.de"; no transitional fallback, which would name a different host),
//    ASCII labels kept as written; then checked: at most 253 bytes, labels of 1-63
//    bytes of letters, digits, '-' and '_' not starting or ending with '-', last label
//    not all digits. sni = host.
//  - IP literals: host_is_ip, canonical text (dotted quad; RFC 5952 compressed lower-case
//    IPv6), sni empty. A bare literal with two or more ':' is always an IPv6 address
//    ("2001:db8::1" never means host "2001:db8:" port 1): a port needs brackets. IPv4
//    accepts exactly four decimal parts without leading zeros; zone ids are refused.
//  - Ports: decimal 1..65535; "host:" / 0 / 65536 / non-numeric are input errors.
//  - URLs: scheme "https" or a STARTTLS scheme, in any case; other schemes and "user@"
//    are input errors; the path, query and fragment are ignored; IPv6 hosts need
//    brackets. A STARTTLS scheme sets target::starttls and, without a port, means that
//    protocol's well-known port (smtp 25, imap 143, pop3 110, ftp 21, xmpp 5222,
//    postgres 5432, ldap 389); an https:// URL is direct TLS whatever options.starttls.
//  - STARTTLS (options.starttls) for lines without a scheme: "" direct TLS; a protocol
//    name (see starttls.hpp) for every such target; "auto" by each target's port (25
//    and 587 smtp, 143 imap, 110 pop3, 21 ftp, 5222 xmpp, 5432 postgres, 389 ldap, any
//    other port direct TLS). A protocol name does not change options.ports: the CLI
//    passes the protocol's port there when --port is not given.
//  - CIDR ADDR/LEN[:PORT]: every address of the block in ascending order, the IPv4
//    network and broadcast addresses included (a service may listen on any address;
//    filtering is the caller's choice); for each address, each port in order. A block
//    with host bits set (192.0.2.5/24) is refused, the message naming the network: it is
//    more often a typo for one host than a request for 256. Blocks of more than 65536
//    addresses (larger than an IPv4 /16 or an IPv6 /112) are refused unless
//    allow_large_cidr.
//  - sni=NAME: NAME is normalised like a host name; an IP literal, an empty value or a
//    second sni= is an input error (RFC 6066 forbids IP literals in SNI). With a CIDR
//    block, every address gets the same SNI.
//  - Any other key=value is an input error naming the option; so is a bare word.
//
// Errors: input_error{line_no (1-based), input, message}; `input` is the trimmed line cut
// to 256 bytes at a character boundary, and in both input_error::input and
// target::input control characters and invalid bytes are escaped as \xNN (safe to print
// and to embed in reports). Nothing here throws on bad input; an invalid parse_options
// (empty ports, port 0 in it, or an unknown starttls name) throws std::invalid_argument.

#include <tlsaudit/model.hpp>
#include <tlsaudit/shard.hpp>  // --shard: membership, hash, target_line

#include <cstdint>
#include <istream>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace tlsaudit::targets {

struct parse_options {
    std::vector<std::uint16_t> ports{443};  // non-empty, no 0 (else std::invalid_argument)
    bool allow_large_cidr = false;          // allow blocks larger than a /16 (IPv4) or 65536 addresses (IPv6)
    bool dedupe = true;                     // false: every target as listed, and no memory per target
    std::string starttls;                   // "", "auto" or a protocol name (see "STARTTLS" above)
};

// What a line, or the next step of a reader, yields.
struct end_of_input {};
using item = std::variant<target, input_error, end_of_input>;

// Reads targets lazily from a stream, one line at a time; CIDR blocks and port lists are
// expanded one target per call. Duplicate targets (same key()) are returned once, at
// their first occurrence; input errors are never deduplicated.
// Memory: at most 4097 bytes of a line are kept (the rest of an over-long line is
// skipped, not stored), and duplicates are detected with a flat table of 64-bit hashes
// of the keys, 11-23 bytes per distinct target whatever the name lengths (~16 MB for a
// million). Two distinct keys sharing a hash would make the second be skipped as a
// duplicate; the probability is about n^2/2^65 (3e-8 for a million targets), negligible.
// With dedupe off nothing is remembered and memory is flat in the input length.
// The stream's end ends the input; a read error of its buffer (EIO; a directory opened as
// a file) throws std::runtime_error ("cannot read the target list: ..."), so that an
// unreadable list is never taken for a short one. The stream must outlive the reader.
// Not thread-safe: callers that share a reader serialise calls to next().
class reader {
public:
    reader(std::istream& in, parse_options opts);
    ~reader();
    reader(const reader&) = delete;
    reader& operator=(const reader&) = delete;

    // The next target or input error; end_of_input once the stream is exhausted (and on
    // every call after that).
    item next();

    // Lines consumed so far, blank and comment lines included.
    std::uint64_t lines_read() const;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

// True when `line` can name a target: it is neither blank nor a comment (the rules
// under "Lines" above; an unreadable line counts, it is an input error). Thread-safe.
bool holds_target(std::string_view line);

// The lines of `in`, read to its end, that can hold a target (holds_target): an estimate
// of a file's targets for a progress line (ports and CIDR blocks multiply it; repeats and
// input errors count). Keeps at most 4097 bytes of a line in memory, as reader does.
std::uint64_t count_target_lines(std::istream& in);

// Parses one line into the targets it names (all of a CIDR block: for tests and small
// inputs only), or one input_error. Comments and blank lines yield nothing. No
// deduplication. Thread-safe (pure).
std::vector<item> parse_line(std::string_view line, std::uint64_t line_no, const parse_options& opts);

}  // namespace tlsaudit::targets
