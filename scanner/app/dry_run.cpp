#include "dry_run.hpp"

#include "diagnostics.hpp"
#include "text/utf8.hpp"

#include <tlsaudit/report/finding_groups.hpp>

#include <fmt/format.h>

#include <cstdio>
#include <istream>
#include <stdexcept>
#include <variant>

namespace tlsaudit::app {

dry_run_counts run_dry_run(std::istream& input, const targets::parse_options& parse, const targets::shard& shard,
                           std::FILE* out, std::FILE* errors) {
    targets::reader reader(input, parse);
    dry_run_counts counts;
    for (auto item = reader.next(); !std::holds_alternative<targets::end_of_input>(item); item = reader.next()) {
        if (const auto* t = std::get_if<target>(&item)) {
            if (!targets::in_shard(*t, shard)) continue;
            fmt::print(out, "{}\n", targets::target_line(*t, !parse.starttls.empty()));
            ++counts.targets;
        } else if (const auto* e = std::get_if<input_error>(&item)) {
            if (!targets::in_shard(*e, shard)) continue;
            // The parser wrote C0 controls and bad bytes as escapes already; what it left are
            // the visible-looking ones that reorder or break a terminal line.
            // A message, not the output: lost with stderr, never a failure.
            print_message(errors, "tlsaudit: line {}: {}: {}\n", e->line_no, text::show_invisible_controls(e->message),
                          text::show_invisible_controls(e->input));
            ++counts.input_errors;
        }
    }
    if (std::fflush(out) != 0 || std::ferror(out)) throw std::runtime_error("cannot write the dry-run targets");
    return counts;
}

int dry_run_scan(std::istream& input, const targets::parse_options& parse, const targets::shard& shard, bool quiet) {
    const auto counts = run_dry_run(input, parse, shard, stdout, stderr);
    if (!quiet) {
        const std::string which = shard.count > 1 ? " in shard " + targets::shard_text(shard) : std::string();
        print_stderr("tlsaudit: dry run: {}{}, {}; nothing was resolved or scanned\n",
                     report::plural(counts.targets, "target", "targets"), which,
                     report::plural(counts.input_errors, "input error", "input errors"));
    }
    return 0;
}

}  // namespace tlsaudit::app
