#pragma once
// Output paths checked before a scan makes its first connection: a report that cannot
// be written is found at the start, not after an hour of scanning.

#include <filesystem>
#include <string>
#include <string_view>

namespace tlsaudit::app {

// Throws config_error ("--json out/r.json: cannot write: No such file or directory";
// exit code 2: the scan must stop before it starts) unless a file can be created beside `path` (the report is
// written to a temporary file there and renamed). "" and "-" (stdout) pass.
void check_output_file(std::string_view flag, const std::string& path);

// Same for a directory (--save-chains): an existing one must be a writable directory; a
// missing one is created later, so its nearest existing ancestor must be one.
void check_output_dir(std::string_view flag, const std::filesystem::path& dir);

}  // namespace tlsaudit::app
