#pragma once
// The DNS logic of the lab resolver, free of I/O: parse one query datagram and build
// the answer from a zone. Used by dns_server; testable with plain bytes.

#include <tlsaudit/model.hpp>

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tlsaudit::lab {

namespace dns_type {
inline constexpr std::uint16_t a = 1;
inline constexpr std::uint16_t aaaa = 28;
}  // namespace dns_type

namespace dns_rcode {
inline constexpr int no_error = 0;
inline constexpr int server_failure = 2;
inline constexpr int name_error = 3;  // NXDOMAIN
inline constexpr int not_implemented = 4;
inline constexpr int refused = 5;
}  // namespace dns_rcode

// How a name misbehaves instead of answering.
enum class dns_failure {
    none,
    servfail,  // RCODE 2
    refused,   // RCODE 5
    drop,      // no reply at all (resolver timeout)
};

struct dns_records {
    std::vector<std::array<unsigned char, 4>> a{};
    std::vector<std::array<unsigned char, 16>> aaaa{};
    dns_failure failure = dns_failure::none;
};

// Keys are normalised names (normalize_dns_name).
using dns_zone = std::map<std::string, dns_records, std::less<>>;

// ASCII lower case, one trailing dot removed.
std::string normalize_dns_name(std::string_view name);

// Appends A (IPv4) and AAAA (IPv6) records for `name`; with no address the name still
// exists (NOERROR, no answer). Throws std::invalid_argument for a bad address.
void add_records(dns_zone& zone, std::string_view name, const std::vector<std::string>& addresses);

struct dns_question {
    std::uint16_t id = 0;
    std::uint16_t flags = 0;
    std::string name{};  // normalised; "" for the root
    std::uint16_t qtype = 0;
    std::uint16_t qclass = 0;
    std::size_t end = 0;  // offset just past the question
};

// A query with exactly one question whose name has no compression pointer; trailing
// sections (EDNS OPT, ...) are ignored. nullopt for anything else (responses,
// truncated or malformed datagrams). Never throws for bad input.
std::optional<dns_question> parse_dns_query(std::span<const unsigned char> datagram);

// The response datagram, or nullopt when no reply must be sent (malformed query, or a
// name with dns_failure::drop). Header: same ID, QR, opcode and RD copied, AA and RA
// set. Question echoed byte for byte. Answers: every record of the asked type (A or
// AAAA) with owner name pointer 0xC00C, class IN, TTL 60; NOERROR without answers for
// a known name and another type; NXDOMAIN for an unknown name; NOTIMP for an opcode
// other than QUERY; REFUSED for a class other than IN. Kept within 512 bytes: TC is set
// when answers had to be left out. Never throws for bad input.
std::optional<bytes> answer_dns_query(std::span<const unsigned char> datagram, const dns_zone& zone);

}  // namespace tlsaudit::lab
