// Fuzz target: target lines (scanner/targets) through the lazy reader and parse_line.
// The first byte picks the parse options; the rest is the input file. Checks the
// documented contract: nothing throws, targets are normalised and printable, errors
// carry a 1-based line number and an escaped, bounded copy of the line.

#include "fuzz_support.hpp"

#include "text/utf8.hpp"
#include <tlsaudit/targets.hpp>

#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <string_view>

namespace {

using namespace tlsaudit;
using tlsaudit::fuzz::printable;
using tlsaudit::fuzz::require;

// Bounds the expansion of CIDR blocks (up to 65536 addresses per line, more with
// allow_large_cidr): the contract under test is the same for the first few thousand.
constexpr int max_items = 4096;

void check(const targets::item& it) {
    if (const auto* t = std::get_if<target>(&it)) {
        require(!t->host.empty(), "target with an empty host");
        require(t->port != 0, "target with port 0");
        require(t->line_no >= 1, "target line_no is 1-based");
        require(printable(t->host) && printable(t->sni), "control character in host or sni");
        require(printable(t->input, true), "target input not escaped");
        require(text::find_invalid_utf8(t->input) == std::string_view::npos, "target input not valid UTF-8");
        require(t->host_is_ip || !t->sni.empty(), "host name target without SNI");
        require(t->host.size() <= 253 || t->host_is_ip, "host name longer than 253 bytes");
        for (const char c : t->host) require(!(c >= 'A' && c <= 'Z'), "host not lower-cased");
    } else if (const auto* e = std::get_if<input_error>(&it)) {
        require(e->line_no >= 1, "input_error line_no is 1-based");
        require(!e->message.empty(), "input_error without a message");
        require(printable(e->input, true), "input_error input not escaped");
        require(text::find_invalid_utf8(e->input) == std::string_view::npos, "input_error input not valid UTF-8");
        // 256 bytes of the line, each possibly escaped to 4 bytes.
        require(e->input.size() <= 4 * 256, "input_error input not cut");
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    targets::parse_options opts;
    if ((data[0] & 1) != 0) opts.ports = {443, 8443};
    opts.allow_large_cidr = (data[0] & 2) != 0;
    const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);

    std::istringstream in(text);
    targets::reader r(in, opts);
    int n = 0;
    for (; n < max_items; ++n) {
        auto it = r.next();
        if (std::holds_alternative<targets::end_of_input>(it)) break;
        check(it);
    }
    if (n < max_items) require(std::holds_alternative<targets::end_of_input>(r.next()), "end_of_input is sticky");

    // parse_line on the first line, unless it may name a block (expanded in full there;
    // the reader above covers URLs and blocks).
    const std::string_view first = std::string_view(text).substr(0, text.find('\n'));
    if (first.find('/') == std::string_view::npos) {
        const auto items = targets::parse_line(first, 1, opts);
        require(items.size() <= 2, "parse_line: more than one target per port without a block");
        for (const auto& it : items) check(it);
    }
    return 0;
}
