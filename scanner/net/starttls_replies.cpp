#include "starttls_replies.hpp"

#include <fmt/format.h>

#include <algorithm>
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

// "ddd" then '-', ' ' or end of line: the code and whether the reply goes on.
bool line_code(std::string_view line, int& code, bool& more) {
    if (line.size() < 3 || !is_digit(line[0]) || !is_digit(line[1]) || !is_digit(line[2])) return false;
    if (line.size() > 3 && line[3] != '-' && line[3] != ' ') return false;
    code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
    more = line.size() > 3 && line[3] == '-';
    return true;
}

}  // namespace

bool could_become(std::string_view in, std::string_view expected) {
    return expected.substr(0, std::min(in.size(), expected.size())) ==
           in.substr(0, std::min(in.size(), expected.size()));
}

line_result take_line(std::string_view in) {
    line_result r;
    const std::size_t lf = in.find('\n');
    if (lf == std::string_view::npos) {
        // A CR may be the end of a whole line whose LF is still on its way.
        if (in.size() > max_line_bytes + (in.ends_with('\r') ? 1 : 0)) r.status = parse_status::malformed;
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

bool coded_reply_may_end(std::string_view in, bool every_line_coded, std::size_t& scanned) {
    for (;;) {
        const line_result l = take_line(in.substr(scanned));
        if (l.status == parse_status::incomplete) return false;
        if (l.status == parse_status::malformed) return true;
        int code = 0;
        bool more = false;
        const bool coded = line_code(l.line, code, more);
        // A last line, or one parse_coded_reply refuses: a first line without a code, an
        // SMTP line without the reply's.
        if (coded ? !more || (every_line_coded && in.substr(0, 3) != l.line.substr(0, 3))
                  : scanned == 0 || every_line_coded)
            return true;
        scanned += l.consumed;
    }
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
            reply.problem =
                "expected a reply starting with a 3-digit code, got '" + printable_excerpt(l.line, 80) + "'";
            return reply;
        }
        if (first) reply.code = code;
        if (coded && code == reply.code) {
            reply.lines.emplace_back(l.line.size() > 4 ? l.line.substr(4) : std::string_view{});
            if (!more) break;
        } else if (every_line_coded) {
            reply.status = parse_status::malformed;
            reply.problem =
                "a continuation line does not carry the reply's code: '" + printable_excerpt(l.line, 80) + "'";
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

std::string postgres_ssl_request() {
    // Int32 length 8, Int32 80877103 (0x04D2162F), big-endian.
    return std::string("\x00\x00\x00\x08\x04\xd2\x16\x2f", 8);
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

std::string line_excerpt(std::string_view text, std::size_t limit) {
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
    return printable_excerpt(text, limit);
}

}  // namespace tlsaudit::net::detail::starttls
