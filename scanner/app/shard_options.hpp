#pragma once
// `scan --shard I/N`, `--shards N` (index from JOB_COMPLETION_INDEX) and `--dry-run`.

#include <tlsaudit/targets.hpp>

#include <CLI/App.hpp>

#include <cstdint>
#include <string>

namespace tlsaudit::app {

struct selection_options {
    std::string shard;         // "I/N" as given ("" when not)
    std::uint64_t shards = 0;  // --shards N (0 when not given)
    bool dry_run = false;
};

// Adds --shard (checked at parse time), --shards and --dry-run to `cmd`.
void add_selection_options(CLI::App& cmd, selection_options& options);

// The shard this run scans: --shard, or --shards with the index read from
// `job_completion_index` (the value of JOB_COMPLETION_INDEX, nullptr when unset), or the
// whole input. Throws config_error (exit 2) naming what is wrong.
targets::shard resolve_shard(const selection_options& options, const char* job_completion_index);

}  // namespace tlsaudit::app
