#include "expansion.hpp"
#include "line_parser.hpp"

#include <tlsaudit/targets.hpp>

namespace tlsaudit::targets {

std::vector<item> parse_line(std::string_view line, std::uint64_t line_no, const parse_options& opts) {
    detail::check_options(opts);
    std::size_t length = line.size();
    if (!line.empty() && line.back() == '\r') --length;

    detail::parsed_line parsed = detail::parse(line, length, line_no, opts);
    if (auto* error = std::get_if<input_error>(&parsed)) return {std::move(*error)};
    std::vector<item> items;
    if (auto* plan = std::get_if<detail::line_plan>(&parsed)) {
        for (detail::expansion targets(std::move(*plan)); !targets.done();) items.emplace_back(targets.next());
    }
    return items;
}

}  // namespace tlsaudit::targets
