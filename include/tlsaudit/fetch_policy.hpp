#pragma once
// The destination policy for every fetch a certificate chooses (OCSP responders, CRL
// distribution points, AIA caIssuers): whoever made the certificate picks the URL, so
// by default such a fetch may not reach loopback, link-local (cloud metadata),
// private, shared or unique-local ranges, nor any port but the scheme's default and
// 80/443/8080. Implemented in scanner/ip (tlsaudit_ip); judged by the revocation HTTP
// client on each resolved address, right before connecting (docs/security.md).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tlsaudit::ip {

struct fetch_policy {
    // --fetch-allow entries: "CIDR", "IP", "HOST", each with an optional ":PORT"
    // ("[IPv6]:PORT", "[IPv6/len]:PORT"). An entry without a port lifts the address rules
    // for what it matches (the port rule still holds); with a port it lifts both, for that
    // port only. A HOST entry matches the URL's host name, whatever it resolves to.
    std::vector<std::string> allow;
    // --fetch-allow-private: RFC 1918, RFC 6598 and unique-local addresses are allowed
    // (loopback, link-local and the cloud metadata addresses still need --fetch-allow).
    bool allow_private = false;
    // Distinct destinations (host:port) one scan may fetch from; the rest are refused.
    std::size_t max_destinations = 256;
};

struct fetch_destination {
    std::string_view host;     // the URL's host (name or IP literal)
    std::string_view address;  // the resolved address about to be connected to
    std::uint16_t port = 80;
    std::string_view scheme = "http";
};

struct fetch_decision {
    bool allowed = false;
    // When refused: the rule that refused ("loopback", "internal (RFC 1918)",
    // "link-local (metadata)", "port 22 not allowed", ...) and the option that would lift
    // it ("--fetch-allow", "--fetch-allow-private or --fetch-allow").
    std::string rule;
    std::string lifted_by;
};

// Judges one destination. Pure and thread-safe; entries of `policy.allow` that do not
// parse (see check_fetch_allow) match nothing. An address that does not parse is
// refused ("not an IP address"). Throws only std::bad_alloc.
fetch_decision judge_fetch(const fetch_destination& destination, const fetch_policy& policy);

// "" when `entry` is a valid --fetch-allow value, otherwise why not.
std::string check_fetch_allow(std::string_view entry);

}  // namespace tlsaudit::ip
