#include <tlsaudit/lab/dns_message.hpp>

#include <arpa/inet.h>

#include <fmt/format.h>

#include <stdexcept>

namespace tlsaudit::lab {
namespace {

constexpr std::size_t header_size = 12;
constexpr std::size_t udp_limit = 512;
constexpr std::size_t max_name = 255;
constexpr std::uint16_t class_in = 1;
constexpr std::uint32_t ttl = 60;

constexpr std::uint16_t flag_qr = 0x8000;
constexpr std::uint16_t flag_aa = 0x0400;
constexpr std::uint16_t flag_tc = 0x0200;
constexpr std::uint16_t flag_rd = 0x0100;
constexpr std::uint16_t flag_ra = 0x0080;
constexpr std::uint16_t opcode_mask = 0x7800;

std::uint16_t read16(std::span<const unsigned char> d, std::size_t at) {
    return static_cast<std::uint16_t>(d[at] << 8 | d[at + 1]);
}

void put16(bytes& out, std::uint16_t v) {
    out.push_back(static_cast<unsigned char>(v >> 8));
    out.push_back(static_cast<unsigned char>(v & 0xFF));
}

void set16(bytes& out, std::size_t at, std::uint16_t v) {
    out[at] = static_cast<unsigned char>(v >> 8);
    out[at + 1] = static_cast<unsigned char>(v & 0xFF);
}

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// Appends one answer record unless it would pass the UDP limit.
template <std::size_t N>
bool append_answer(bytes& out, std::uint16_t type, const std::array<unsigned char, N>& rdata) {
    if (out.size() + 12 + N > udp_limit) return false;
    put16(out, 0xC00C);  // owner: the question name at offset 12
    put16(out, type);
    put16(out, class_in);
    put16(out, static_cast<std::uint16_t>(ttl >> 16));
    put16(out, static_cast<std::uint16_t>(ttl & 0xFFFF));
    put16(out, static_cast<std::uint16_t>(N));
    out.insert(out.end(), rdata.begin(), rdata.end());
    return true;
}

}  // namespace

std::string normalize_dns_name(std::string_view name) {
    if (!name.empty() && name.back() == '.') name.remove_suffix(1);
    std::string out(name);
    for (char& c : out) c = lower(c);
    return out;
}

void add_records(dns_zone& zone, std::string_view name, const std::vector<std::string>& addresses) {
    dns_records parsed;
    for (const auto& text : addresses) {
        std::array<unsigned char, 4> v4{};
        std::array<unsigned char, 16> v6{};
        if (inet_pton(AF_INET, text.c_str(), v4.data()) == 1) {
            parsed.a.push_back(v4);
        } else if (inet_pton(AF_INET6, text.c_str(), v6.data()) == 1) {
            parsed.aaaa.push_back(v6);
        } else {
            throw std::invalid_argument(fmt::format("not an IP address: '{}'", text));
        }
    }
    dns_records& records = zone[normalize_dns_name(name)];
    records.a.insert(records.a.end(), parsed.a.begin(), parsed.a.end());
    records.aaaa.insert(records.aaaa.end(), parsed.aaaa.begin(), parsed.aaaa.end());
}

std::optional<dns_question> parse_dns_query(std::span<const unsigned char> d) {
    if (d.size() < header_size) return std::nullopt;
    dns_question q;
    q.id = read16(d, 0);
    q.flags = read16(d, 2);
    if ((q.flags & flag_qr) != 0 || read16(d, 4) != 1) return std::nullopt;

    std::size_t at = header_size;
    std::size_t wire_length = 1;  // the final zero octet
    for (;;) {
        if (at >= d.size()) return std::nullopt;
        const std::size_t len = d[at++];
        if (len == 0) break;
        if (len > 63) return std::nullopt;  // compression pointers and reserved label types
        wire_length += 1 + len;
        if (wire_length > max_name || at + len > d.size()) return std::nullopt;
        if (!q.name.empty()) q.name += '.';
        for (std::size_t i = 0; i < len; ++i) q.name += lower(static_cast<char>(d[at + i]));
        at += len;
    }
    if (at + 4 > d.size()) return std::nullopt;
    q.qtype = read16(d, at);
    q.qclass = read16(d, at + 2);
    q.end = at + 4;
    return q;
}

std::optional<bytes> answer_dns_query(std::span<const unsigned char> datagram, const dns_zone& zone) {
    const std::optional<dns_question> q = parse_dns_query(datagram);
    if (!q) return std::nullopt;

    int rcode = dns_rcode::no_error;
    const dns_records* records = nullptr;
    if ((q->flags & opcode_mask) != 0) {
        rcode = dns_rcode::not_implemented;
    } else if (q->qclass != class_in) {
        rcode = dns_rcode::refused;
    } else if (const auto it = zone.find(q->name); it == zone.end()) {
        rcode = dns_rcode::name_error;
    } else {
        switch (it->second.failure) {
        case dns_failure::drop: return std::nullopt;
        case dns_failure::servfail: rcode = dns_rcode::server_failure; break;
        case dns_failure::refused: rcode = dns_rcode::refused; break;
        case dns_failure::none: records = &it->second; break;
        }
    }

    bytes out;
    out.reserve(udp_limit);
    put16(out, q->id);
    put16(out, 0);  // flags, set below
    put16(out, 1);  // QDCOUNT
    put16(out, 0);  // ANCOUNT, set below
    put16(out, 0);  // NSCOUNT
    put16(out, 0);  // ARCOUNT
    out.insert(out.end(), datagram.begin() + header_size, datagram.begin() + static_cast<std::ptrdiff_t>(q->end));
    if (out.size() > udp_limit) return std::nullopt;  // cannot happen: names are <= 255

    std::uint16_t answers = 0;
    bool truncated = false;
    if (records != nullptr) {
        if (q->qtype == dns_type::a) {
            for (const auto& a : records->a) {
                if (!append_answer(out, dns_type::a, a)) {
                    truncated = true;
                    break;
                }
                ++answers;
            }
        } else if (q->qtype == dns_type::aaaa) {
            for (const auto& aaaa : records->aaaa) {
                if (!append_answer(out, dns_type::aaaa, aaaa)) {
                    truncated = true;
                    break;
                }
                ++answers;
            }
        }
    }

    std::uint16_t flags =
        static_cast<std::uint16_t>(flag_qr | (q->flags & opcode_mask) | flag_aa | (q->flags & flag_rd) | flag_ra);
    if (truncated) flags = static_cast<std::uint16_t>(flags | flag_tc);
    flags = static_cast<std::uint16_t>(flags | static_cast<std::uint16_t>(rcode));
    set16(out, 2, flags);
    set16(out, 6, answers);
    return out;
}

}  // namespace tlsaudit::lab
