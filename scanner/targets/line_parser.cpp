#include "line_parser.hpp"

#include "text/utf8.hpp"

#include "hostname.hpp"
#include "target_token.hpp"
#include "text.hpp"

#include <tlsaudit/starttls.hpp>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <utility>

namespace tlsaudit::targets::detail {

namespace {

std::vector<std::string_view> split_words(std::string_view text) {
    std::vector<std::string_view> words;
    std::size_t pos = 0;
    while (pos < text.size()) {
        while (pos < text.size() && is_space(text[pos])) ++pos;
        const std::size_t start = pos;
        while (pos < text.size() && !is_space(text[pos])) ++pos;
        if (pos > start) words.push_back(text.substr(start, pos - start));
    }
    return words;
}

// A line ends at LF (its CR dropped): a CR left inside before more text is a file with
// CR-only line ends (old Mac exports), which reads as one line holding every target, or as
// one comment when it starts with one.
std::optional<std::string> carriage_return_inside(std::string_view line) {
    if (const auto cr = line.find('\r');
        cr != std::string_view::npos && line.find_first_not_of(" \t\r", cr) != line.npos)
        return "line contains a carriage return at offset " + std::to_string(cr) +
               " before more text: lines end with LF or CRLF (a file with CR-only line ends reads as one line)";
    return std::nullopt;
}

// Unicode spaces pasted from web pages and documents (no-break U+00A0, U+2000-U+200A,
// narrow no-break U+202F, U+205F, ideographic U+3000) separate words as a space does: a
// no-break space after a target made it an unknown character or a misplaced option.
std::string with_ascii_spaces(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto at = [&](std::size_t k) {
            return i + k < text.size() ? static_cast<unsigned char>(text[i + k]) : 0;
        };
        std::size_t width = 0;
        if (at(0) == 0xC2 && at(1) == 0xA0) width = 2;
        else if (at(0) == 0xE2 && at(1) == 0x80 && (at(2) <= 0x8A || at(2) == 0xAF) && at(2) >= 0x80) width = 3;
        else if (at(0) == 0xE2 && at(1) == 0x81 && at(2) == 0x9F) width = 3;
        else if (at(0) == 0xE3 && at(1) == 0x80 && at(2) == 0x80) width = 3;
        if (width == 0) {
            out += text[i];
            continue;
        }
        out += ' ';
        i += width - 1;
    }
    return out;
}

// Checks that make a line unreadable as text, before any parsing. A trailing comment is
// ignored as a comment line is: it may run past the length limit (only the first
// max_line_bytes + 1 bytes were kept) and hold bytes that are not UTF-8.
std::optional<std::string> unreadable(std::string_view line, std::size_t line_length) {
    const std::string_view uncommented = strip_comment(line);
    if (line_length > max_line_bytes && uncommented.size() == line.size()) {
        return "line is " + std::to_string(line_length) + " bytes long; the limit is " +
               std::to_string(max_line_bytes) + " bytes";
    }
    if (const std::size_t nul = line.find('\0'); nul != std::string_view::npos) {
        return "line contains a NUL byte at offset " + std::to_string(nul) + " (binary input?)";
    }
    if (const std::size_t bad = text::find_invalid_utf8(uncommented); bad != std::string_view::npos) {
        return "line is not valid UTF-8 (byte " + printable(line.substr(bad, 1), 8) + " at offset " +
               std::to_string(bad) + ")";
    }
    return std::nullopt;
}

struct line_options {
    std::optional<std::string> sni;
};

outcome<line_options> parse_options_words(const std::vector<std::string_view>& words) {
    line_options result;
    for (std::size_t i = 1; i < words.size(); ++i) {
        const std::string_view word = words[i];
        const std::size_t eq = word.find('=');
        if (eq == std::string_view::npos) {
            return failure{"unexpected " + quote(word) + " after the target; options are key=value (sni=NAME)"};
        }
        const std::string_view key = word.substr(0, eq);
        const std::string_view value = word.substr(eq + 1);
        if (key != "sni") return failure{"unknown option " + quote(key) + " (supported: sni)"};
        if (result.sni) return failure{"option 'sni' given more than once"};
        if (value.empty()) return failure{"sni= needs a host name"};
        if (value.front() == '[' || parse_ip(value)) {
            // RFC 6066 3: "Literal IPv4 and IPv6 addresses are not permitted in HostName".
            return failure{"sni= takes a host name, not an IP address: " + quote(value)};
        }
        auto name = normalise_hostname(value);
        if (auto* f = std::get_if<failure>(&name)) return failure{"invalid sni= name: " + f->message};
        result.sni = std::move(std::get<std::string>(name));
    }
    return result;
}

input_error make_error(std::uint64_t line_no, std::string_view trimmed, std::string message) {
    return input_error{line_no, printable(trimmed, max_echo_bytes), std::move(message)};
}

}  // namespace

void check_options(const parse_options& opts) {
    if (opts.ports.empty()) throw std::invalid_argument("parse_options::ports is empty");
    if (std::find(opts.ports.begin(), opts.ports.end(), std::uint16_t{0}) != opts.ports.end()) {
        throw std::invalid_argument("parse_options::ports holds port 0");
    }
    if (!opts.starttls.empty() && opts.starttls != "auto" && !starttls::find_protocol(opts.starttls)) {
        throw std::invalid_argument("parse_options::starttls: unknown protocol '" + opts.starttls + "'");
    }
}

parsed_line parse(std::string_view line, std::size_t line_length, std::uint64_t line_no, const parse_options& opts) {
    const std::string_view unmarked = without_bom(line);
    line_length -= line.size() - unmarked.size();
    line = unmarked;
    // Only a line with non-ASCII bytes can hold a Unicode space, and then before anything
    // else: one before a `#` starts a comment as a space does. The others are not copied.
    std::string spaced;
    if (!is_ascii(line)) {
        spaced = with_ascii_spaces(line);
        line = spaced;
    }
    const std::string_view trimmed = trim(line);
    if (auto why = carriage_return_inside(trimmed)) return make_error(line_no, trimmed, std::move(*why));
    // A comment line is ignored whatever else it holds and however long it is (only its
    // first max_line_bytes + 1 bytes were kept).
    if (trimmed.starts_with('#')) return std::monostate{};
    if (auto why = unreadable(line, line_length)) return make_error(line_no, trimmed, std::move(*why));

    const std::string_view content = content_of(trimmed);
    if (content.empty()) return std::monostate{};

    const std::vector<std::string_view> words = split_words(content);
    if (words.front().find('=') != std::string_view::npos && words.front().find('/') == std::string_view::npos) {
        return make_error(line_no, trimmed,
                          "line starts with option " + quote(words.front()) + "; the target comes first");
    }
    auto spec = parse_target_token(words.front(), opts.allow_large_cidr);
    if (auto* f = std::get_if<failure>(&spec)) return make_error(line_no, trimmed, std::move(f->message));
    auto options = parse_options_words(words);
    if (auto* f = std::get_if<failure>(&options)) return make_error(line_no, trimmed, std::move(f->message));

    target_spec& s = std::get<target_spec>(spec);
    line_plan plan;
    plan.proto.host = std::move(s.host);
    plan.proto.host_is_ip = s.host_is_ip;
    plan.proto.line_no = line_no;
    plan.proto.input = printable(trimmed, 4 * max_line_bytes);
    if (auto& sni = std::get<line_options>(options).sni) {
        plan.proto.sni = std::move(*sni);
    } else if (!s.host_is_ip) {
        plan.proto.sni = plan.proto.host;
    }
    plan.cidr = s.cidr;
    plan.ports = s.port ? std::vector<std::uint16_t>{*s.port} : opts.ports;
    plan.proto.port = plan.ports.front();
    if (s.starttls) {
        plan.proto.starttls = std::move(*s.starttls);  // the URL's scheme decides
    } else if (opts.starttls == "auto") {
        plan.starttls_by_port = true;
    } else if (const auto p = starttls::find_protocol(opts.starttls)) {
        plan.proto.starttls = p->name;
    }
    return plan;
}

}  // namespace tlsaudit::targets::detail
