#pragma once
// http:// URLs of OCSP responders and CRL distribution points. Private to
// scanner/revocation; no I/O.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tlsaudit::revocation::detail {

struct http_url {
    std::string host;  // name or IP literal, without brackets
    std::uint16_t port = 80;
    std::string host_header;  // "host[:port]", IPv6 literals in brackets
    std::string target;       // path and query, "/" when empty; the fragment is dropped
    std::string text;         // the whole URL as given (normalised by the parser)

    // Identity for per-host limits and the destination budget, and how reasons name the
    // destination: "host:port", an IPv6 host in brackets ("[::1]:8080").
    std::string host_key() const {
        return (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + std::to_string(port);
    }
};

// Parses an absolute URL. Only the http scheme is accepted: https (the responder's
// own certificate would need a revocation check), ldap, file and anything else are
// refused with a reason in `error`, as are URLs with user info or without a host.
// Throws only std::bad_alloc.
std::optional<http_url> parse_http_url(std::string_view text, std::string& error);

// Resolves a Location header value against `base` (absolute or relative reference)
// and parses the result with parse_http_url's rules.
std::optional<http_url> resolve_location(const http_url& base, std::string_view location, std::string& error);

// RFC 5019 GET URL: `base` with "/" (unless its path already ends with one) and the
// percent-encoded base64 of the DER request appended.
std::string ocsp_get_target(const http_url& base, std::string_view base64_request);

}  // namespace tlsaudit::revocation::detail
