#pragma once
// Which files of one `history import` are one scan (history/). Shards of one run (`scan
// --shard I/N` or `--shards N`, each writing its own NDJSON) are one scan, as `report
// shard-*.ndjson` merges them; separate runs are separate scans, imported in time order.
//
// A run is known by its scan-start record: the same target file ("input"), tool
// version, trust store and options (but evaluated_at and threads, which differ between
// the machines and seconds shards start on), and times that overlap (a file's run lasts from its
// earliest scan-start to its latest scan-end, or only its start when it has no
// scan-end). Only the scan-start and scan-end lines are parsed here: the rest of a file
// is checked when it is imported.

#include <filesystem>
#include <string>
#include <vector>

namespace tlsaudit::history {

struct planned_scan {
    std::vector<std::filesystem::path> files;  // in command-line order
    std::string started_at;                    // the earliest scan-start; "" without one
};

struct refused_file {
    std::filesystem::path file;
    std::string error;  // names the file (and the line)
};

struct import_plan {
    // Oldest first; then files without a scan-start record, each its own scan, and stdin
    // ("-", which cannot be read twice: its own scan, last).
    std::vector<planned_scan> scans;
    // Unreadable, or a scan-start/scan-end line that is not a record; and the other shards
    // of such a file's run (a scan is imported whole or not at all).
    std::vector<refused_file> refused;
};

// Reads the scan-start and scan-end records of each file and groups the files into
// scans. A file listed twice, under any of its names (./a.ndjson, a link to it), is read
// once; a single file is one scan, planned without reading it (its started_at ""), and
// any fault in it is the import's to report. Never throws for a file's content (it goes
// to `refused`); std::bad_alloc only.
import_plan plan_import(const std::vector<std::filesystem::path>& files);

}  // namespace tlsaudit::history
