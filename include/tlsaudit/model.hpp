#pragma once
// Plain data passed between the stages of a scan (see docs/architecture.md).
// No stage includes another stage's headers: they share only these types.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tlsaudit {

using bytes = std::vector<unsigned char>;
using time_point = std::chrono::sys_seconds;

// One scan target as read from a line of input, already normalised:
// `host` is an IDNA A-label in lower case, or an IP literal without brackets.
struct target {
    std::string host;
    std::uint16_t port = 443;
    std::string sni;  // name sent in the SNI extension; empty: none (IP literals)
    bool host_is_ip = false;
    std::uint64_t line_no = 0;  // 1-based line of the input this target came from
    std::string input;          // the input line, trimmed (for reports)
    // STARTTLS protocol spoken before the handshake ("smtp", "imap", "pop3", "ftp",
    // "xmpp", "postgres", "ldap"; see starttls.hpp); empty: TLS from the first byte.
    std::string starttls;

    // Identity used to scan each target once: host, port, SNI and STARTTLS protocol (the
    // same port scanned directly and via STARTTLS is two targets).
    std::string key() const { return host + '|' + std::to_string(port) + '|' + sni + '|' + starttls; }
};

// A line of input that could not be understood. The scan goes on.
struct input_error {
    std::uint64_t line_no = 0;
    std::string input;
    std::string message;
};

// Why a target or endpoint produced no chain. `code` is one of the stable strings
// listed in error_codes below; `detail` is free text (may hold server-controlled text).
struct scan_error {
    std::string stage;  // "dns", "connect", "starttls", "handshake"
    std::string code;
    std::string detail;
};

// The most certificates one chain may hold (a server sending a whole CA bundle holds about
// 150): 1 MiB of two-byte certificates would be half a million entries to parse, audit and
// write. More fail with error_codes::chain_too_large, whichever engine read them, and a
// saved chain of more is refused by `tlsaudit check`.
inline constexpr std::size_t max_chain_certificates = 256;

namespace error_codes {
inline constexpr const char* dns = "dns";
inline constexpr const char* refused = "refused";
inline constexpr const char* unreachable = "unreachable";
inline constexpr const char* timeout_connect = "timeout-connect";
inline constexpr const char* timeout_handshake = "timeout-handshake";
inline constexpr const char* timeout_starttls = "timeout-starttls";
// The server answered the STARTTLS exchange but declined, or does not offer STARTTLS.
inline constexpr const char* starttls_refused = "starttls-refused";
// The server's STARTTLS replies were not understood (not that protocol, or malformed).
inline constexpr const char* starttls_protocol = "starttls-protocol";
inline constexpr const char* tls_alert = "tls-alert";
inline constexpr const char* protocol_error = "protocol-error";
inline constexpr const char* reset = "reset";
inline constexpr const char* closed = "closed";
inline constexpr const char* not_tls = "not-tls";
// The server's certificate list exceeded the client's limit (net::max_certificate_message,
// max_chain_certificates).
inline constexpr const char* chain_too_large = "chain-too-large";
// A served certificate is not valid DER; the chain is still kept on the capture.
inline constexpr const char* bad_certificate = "bad-certificate";
inline constexpr const char* excluded = "excluded";  // address family filtered out, or 0.0.0.0/:: answered
inline constexpr const char* internal = "internal";  // a bug or resource exhaustion in the scanner
}  // namespace error_codes

struct phase_timings {
    std::optional<double> dns_ms;
    std::optional<double> connect_ms;
    std::optional<double> handshake_ms;
    std::optional<double> starttls_ms;  // the STARTTLS exchange, when there was one
};

// One probe's handshake with an endpoint (see net.hpp, scan_config::probes).
struct probe_outcome {
    std::string probe;                // "modern", "rsa", "ecdsa", "tls12", "no-sni"
    int chain = -1;                   // what it received: 0 the capture's chain, k its other_chains[k-1]; -1 none
    std::string engine;               // "capture" or "openssl": which client captured it
    std::string fallback;             // why the openssl engine took over from the capture engine; "" if it did not
    std::optional<scan_error> error;  // why this probe received no chain
};

// A further distinct chain the endpoint served to some probes but not to the first one.
struct served_chain {
    std::vector<bytes> chain;
    bytes stapled_ocsp;
    std::string protocol;
    std::string cipher;
    std::string alpn;
};

// What one TLS endpoint served, byte for byte, or why it served nothing.
struct capture {
    std::vector<bytes> chain;  // DER certificates in served order, leaf first
    bytes stapled_ocsp;        // empty when nothing was stapled
    std::string protocol;      // "TLSv1.3", ...
    std::string cipher;
    std::string alpn;
    // Every probe made, in order. `chain` is what the first successful probe received;
    // other probes that received a different chain add it to other_chains.
    std::vector<probe_outcome> probes;
    std::vector<served_chain> other_chains;
    phase_timings timings;
    int attempts = 0;         // connection attempts made (retries included)
    time_point scanned_at{};  // when the scan of this endpoint started (UTC)
    std::optional<scan_error> error;
};

// One address behind a target.
struct endpoint {
    target tgt;
    std::string address;  // textual IP; empty when resolution failed
    // How many endpoints the target produced in all (its resolved addresses; 1 when it
    // failed before any address). Every endpoint of a target carries the same count, so a
    // consumer knows when it has seen all of them.
    std::size_t address_count = 1;
};

struct scan_result {
    endpoint ep;
    capture cap;
};

// Parsed basics of one certificate (scanner/x509). Never trusted: every string
// here comes from the server.
struct cert_info {
    std::string subject;  // RFC 2253 one-line form
    std::string issuer;
    std::string subject_cn;
    std::string issuer_cn;
    std::string serial_hex;  // lower-case hex, no leading zeros beyond one byte
    time_point not_before{};
    time_point not_after{};
    std::string sha256;       // lower-case hex, of the DER
    std::string spki_sha256;  // lower-case hex, of the DER SubjectPublicKeyInfo
    std::vector<std::string> dns_names;
    std::vector<std::string> ip_addresses;
    std::string key_type;  // "RSA", "EC", "Ed25519", ...
    int key_bits = 0;
    std::string curve;                // EC only
    std::string signature_algorithm;  // e.g. "sha256WithRSAEncryption"
    bool is_ca = false;
    bool self_issued = false;    // subject == issuer
    std::string subject_key_id;  // lower-case hex
    std::string authority_key_id;
    std::vector<std::string> ocsp_urls;
    std::vector<std::string> ca_issuer_urls;
    std::vector<std::string> crl_urls;
    // Earliest embedded SCT timestamp, to the millisecond as logs write it (RFC 6962): an SCT
    // at 23:59:59.500 is after a cut-off of 23:59:59.
    std::optional<std::chrono::sys_time<std::chrono::milliseconds>> earliest_sct;
    // What the certificate-profile checks of the browser profile judge (scanner/audit).
    int version = 3;               // X.509 version: 1, 2 or 3
    int serial_octets = 0;         // length of the serial number's DER content (RFC 5280: at most 20)
    std::string signature_key;     // the signing key's type the signature names: "RSA", "RSA-PSS", "EC", "DSA", ...
    std::string signature_digest;  // its hash: "SHA256", "SHA1", ...; empty when none or unknown (Ed25519)
    bool aia_malformed = false;    // authorityInfoAccess present but undecodable or without an entry
    bool san_critical = false;     // subjectAltName marked critical
    bool has_san = false;          // a subjectAltName decodes (it may hold no DNS name or IP address)
};

// One certificate of a served chain after parsing: `info` is empty when the DER could
// not be parsed, and `error` says why.
struct parsed_cert {
    std::optional<cert_info> info;
    std::string error;
};

}  // namespace tlsaudit
