#pragma once
// Reads NDJSON scan output back (report/): the input of every final report. Several
// files (shards of one scan, e.g. `--shard I/N` runs or a split target list) merge into
// one report_data: endpoints, names and input errors are pooled and sorted, scan
// metadata combined (earliest start, latest end). Reading one file of shards or many
// gives the same report.

#include <tlsaudit/report/report_data.hpp>

#include <filesystem>
#include <istream>
#include <string>
#include <vector>

namespace tlsaudit::report {

// Reads every file ("-": stdin) and merges them. Record types: "scan-start",
// "scan-end", "endpoint", "name", "input-error"; unknown types are skipped (newer
// writers). Blank lines are skipped. Throws std::runtime_error naming file and line for
// an unreadable file, a line that is not a JSON object, or a record of a newer
// schema_version.
report_data read_ndjson(const std::vector<std::filesystem::path>& files);

// Adds the records of one stream to `data` (`name` is used in error messages). Call
// finish_merge once after the last stream.
void read_ndjson_stream(std::istream& in, const std::string& name, report_data& data);

// Sorts endpoints, names and input errors into report order and removes duplicate
// endpoints (same host, port, SNI and address: the one read last wins).
void finish_merge(report_data& data);

}  // namespace tlsaudit::report
