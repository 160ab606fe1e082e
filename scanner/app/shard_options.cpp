#include "shard_options.hpp"

#include "exit_codes.hpp"
#include "help_groups.hpp"

#include "number_checks.hpp"

#include <CLI/CLI.hpp>

namespace tlsaudit::app {

void add_selection_options(CLI::App& cmd, selection_options& o) {
    auto* shard = cmd.add_option("--shard", o.shard,
                                 "Scan only shard I of N (0 <= I < N): targets whose key hashes to I mod N "
                                 "(input errors are reported by shard 0)")
                      ->type_name("I/N")
                      ->check([](const std::string& value) { return targets::parse_shard(value).error; })
                      ->group(help_group::sharding);
    cmd.add_option("--shards", o.shards, "Scan shard JOB_COMPLETION_INDEX of N (a Kubernetes Indexed Job's pod index)")
        ->type_name("N")
        ->check(whole_number_in(1, targets::max_shards))
        ->excludes(shard)
        ->group(help_group::sharding);
    cmd.add_flag("--dry-run", o.dry_run,
                 "Print the targets this run (or shard) would scan, one per line, and exit: "
                 "no resolution, no connection")
        ->group(help_group::targets);
}

targets::shard resolve_shard(const selection_options& o, const char* job_completion_index) {
    targets::shard_parse parsed;
    if (!o.shard.empty()) {
        parsed = targets::parse_shard(o.shard);
        if (!parsed.value) throw config_error("--shard " + o.shard + ": " + parsed.error);
    } else if (o.shards != 0) {
        parsed = targets::shard_from_index(o.shards, job_completion_index);
        if (!parsed.value) throw config_error(parsed.error);
    } else {
        return {};
    }
    return *parsed.value;
}

}  // namespace tlsaudit::app
