#pragma once
// One target line -> what it asks to scan, before expansion over ports and addresses.
// Pure, thread-safe; never throws on bad input (input errors are returned).

#include "cidr.hpp"

#include <tlsaudit/model.hpp>
#include <tlsaudit/targets.hpp>

#include <cstdint>
#include <optional>
#include <string_view>
#include <variant>
#include <vector>

namespace tlsaudit::targets::detail {

// The targets of one line: `proto` with each port of `ports`, for each address of `cidr`
// when set (then proto.host is the network address).
struct line_plan {
    target proto;  // host, sni, host_is_ip, line_no, input filled in
    std::optional<cidr_block> cidr;
    std::vector<std::uint16_t> ports;  // the port written on the line, else options.ports
    bool starttls_by_port = false;     // --starttls auto: proto.starttls chosen per port
};

// Nothing (blank or comment-only line), a plan, or an error.
using parsed_line = std::variant<std::monostate, line_plan, input_error>;

// `line` is the line without its '\n'; `line_length` is the real length of the line
// without a trailing CR, which is larger than line.size() when a reader kept only a
// prefix of an over-long line. `opts` must have passed check_options().
parsed_line parse(std::string_view line, std::size_t line_length, std::uint64_t line_no, const parse_options& opts);

// Throws std::invalid_argument when `opts.ports` is empty or holds port 0, or
// `opts.starttls` is not "", "auto" or a protocol name: a caller's mistake, not an
// input error.
void check_options(const parse_options& opts);

}  // namespace tlsaudit::targets::detail
