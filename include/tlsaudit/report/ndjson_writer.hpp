#pragma once
// NDJSON stream (report/): one JSON object per line, flushed after every record so a
// killed scan keeps everything written so far. Thread-safe: records from several scan
// threads never interleave.

#include <tlsaudit/result.hpp>

#include <boost/json/object.hpp>

#include <cstdio>
#include <filesystem>
#include <mutex>
#include <string>

namespace tlsaudit::report {

class ndjson_writer {
public:
    // Writes to `path`, or to stdout when path is "-"; with a non-empty `copy_path`,
    // every line also goes to that file (the reports read it back when the records go to
    // stdout). Throws std::runtime_error (naming the path) when a file cannot be opened.
    explicit ndjson_writer(const std::string& path, const std::string& copy_path = {});
    ~ndjson_writer();
    ndjson_writer(const ndjson_writer&) = delete;
    ndjson_writer& operator=(const ndjson_writer&) = delete;

    // Throw std::runtime_error when the write fails (disk full, closed pipe).
    void write(const endpoint_result& result);
    void write(const input_error& error);
    void write(const boost::json::object& record);  // e.g. the "scan-start" record

private:
    void write_line(const std::string& line);

    std::FILE* out_;
    std::FILE* copy_ = nullptr;
    bool owned_;
    std::string path_;
    std::mutex mutex_;
};

}  // namespace tlsaudit::report
