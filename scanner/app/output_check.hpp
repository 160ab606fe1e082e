#pragma once
// Output paths checked before a scan makes its first connection: a report that cannot
// be written is found at the start, not after an hour of scanning.

#include <tlsaudit/report/output_file.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tlsaudit::app {

// Throws config_error ("--json out/r.json: cannot write: No such file or directory";
// exit code 2: the scan must stop before it starts) unless a file can be created beside `path` (the report is
// written to a temporary file there and renamed). "" and "-" (stdout) pass.
void check_output_file(std::string_view flag, const std::string& path);

// A file named by an option, as (flag, path). "", "-" (stdout) and existing files that are
// not regular (/dev/null, a FIFO: written in place) are left out of the checks below.
struct named_file {
    std::string_view flag;
    std::string path;
};

// True when `a` and `b` name one file: the same path once resolved (whether or not it
// exists yet), or the same existing file under two names (a link).
bool same_file(const std::string& a, const std::string& b);

// Throws config_error (exit 2) when two of `outputs` are one file (only the last one
// written would be left) or an output is one of `inputs` (it would overwrite what the run
// reads: the records, the target list; an input "-" is standard input, matched by the file
// it was redirected from), or when two outputs are "-" (standard output). One file:
// same_file.
void check_distinct_files(const std::vector<named_file>& outputs, const std::vector<named_file>& inputs);

// Same for a directory (--save-chains): an existing one must be a writable directory; a
// missing one is created later, so its nearest existing ancestor must be one.
void check_output_dir(std::string_view flag, const std::filesystem::path& dir);

// Locks the NDJSON file a run writes (report::output_lock) into `lock`: another process
// holding it (a scan still writing it) is a config_error naming `option`, found before any
// connection.
void lock_output(std::optional<report::output_lock>& lock, std::string_view option, const std::filesystem::path& path,
                 bool create);

// Standard input as the input `what` ("the target list", "the chain"): throws config_error
// (exit 2) when it is closed (`<&-`, which read as empty) or a directory (which reads as
// nothing).
void check_stdin_readable(std::string_view what);

}  // namespace tlsaudit::app
