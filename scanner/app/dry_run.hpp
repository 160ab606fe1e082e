#pragma once
// `scan --dry-run`: the targets a run (or shard) would scan, without scanning them.

#include <tlsaudit/targets.hpp>

#include <cstdint>
#include <cstdio>
#include <iosfwd>

namespace tlsaudit::app {

struct dry_run_counts {
    std::uint64_t targets = 0;
    std::uint64_t input_errors = 0;
};

// Reads `input` with the scan's parser (same expansion, deduplication and shard filter
// as a scan: input errors only in shard 0) and writes each target as a target line
// (targets::target_line) to `out`, and each input error to `errors` as
// "tlsaudit: line N: MESSAGE: INPUT" (INPUT already escaped by the parser). Touches
// nothing else: no trust store, rules, GeoIP, revocation, DNS or socket.
dry_run_counts run_dry_run(std::istream& input, const targets::parse_options& parse, const targets::shard& shard,
                           std::FILE* out, std::FILE* errors);

// `scan --dry-run`: run_dry_run to stdout/stderr, then (unless `quiet`) a count line on
// stderr. Returns exit code 0.
int dry_run_scan(std::istream& input, const targets::parse_options& parse, const targets::shard& shard, bool quiet);

}  // namespace tlsaudit::app
