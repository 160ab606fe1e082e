#pragma once
// Target lines -> targets (scanner/targets). No Asio, no OpenSSL.
//
// Accepted line forms (after trimming; `#` starts a comment):
//   host                      example.com, bücher.example (IDNA A-label), 192.0.2.1, 2001:db8::1
//   host:port                 example.com:8443, 192.0.2.1:443
//   [v6addr] / [v6addr]:port  [2001:db8::1]:443
//   URL                       https://example.com[:port][/path]   (scheme https only)
//   CIDR                      192.0.2.0/28, 2001:db8::/124        (expanded lazily)
//   options                   any of the above followed by whitespace-separated key=value
//                             options: `sni=NAME` sends NAME in SNI instead of the host
// Lines without a port yield one target per port in options.ports (default 443).

#include <tlsaudit/model.hpp>

#include <cstdint>
#include <istream>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace tlsaudit::targets {

struct parse_options {
    std::vector<std::uint16_t> ports{443};
    bool allow_large_cidr = false;   // allow blocks larger than a /16 (IPv4) or 65536 addresses (IPv6)
};

// What a line, or the next step of a reader, yields.
struct end_of_input {};
using item = std::variant<target, input_error, end_of_input>;

// Reads targets lazily from a stream, one line at a time; CIDR blocks and port lists are
// expanded one target per call. Duplicate targets (same key()) are returned once.
// Not thread-safe: callers that share a reader serialise calls to next().
class reader {
public:
    reader(std::istream& in, parse_options opts);
    ~reader();
    reader(const reader&) = delete;
    reader& operator=(const reader&) = delete;

    // The next target or input error; end_of_input once the stream is exhausted.
    item next();

    std::uint64_t lines_read() const;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

// Parses one line into the targets it names (all of a CIDR block: for tests and small
// inputs only). Comments and blank lines yield nothing.
std::vector<item> parse_line(std::string_view line, std::uint64_t line_no, const parse_options& opts);

}  // namespace tlsaudit::targets
