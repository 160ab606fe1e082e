#pragma once
// Writing a report file atomically (report/): the content goes to a temporary file
// beside the target, is flushed, and is renamed over the target only when complete, so
// a reader never sees half a report and a failed run leaves the previous one in place.

#include <filesystem>
#include <functional>
#include <ostream>

namespace tlsaudit::report {

// Calls `write` with a stream to a temporary file in the same directory, then renames
// it to `path`. "-" writes to stdout instead. Throws std::runtime_error naming the path
// when the file cannot be created, written or renamed (the temporary file is removed).
void write_file_atomically(const std::filesystem::path& path, const std::function<void(std::ostream&)>& write);

}  // namespace tlsaudit::report
