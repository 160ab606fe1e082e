#pragma once
// NDJSON stream (report/): one JSON object per line, flushed after every record so a
// killed scan keeps everything written so far, and synced to disk (fdatasync) by a
// background thread at most once a second and when the writer closes, so a machine
// crash loses about the last second and no scan thread waits for the disk. Thread-safe:
// records from several scan threads never interleave.

#include <tlsaudit/result.hpp>

#include <boost/json/object.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

namespace tlsaudit::report {

class ndjson_writer {
public:
    // Sees each record once it is written, in file order, under the writer's lock (e.g.
    // summary_accumulator::add); what it throws, write() throws. The record, and any
    // boost::json copy of its parts (copies share its storage), lives only during the call.
    using record_observer = std::function<void(const boost::json::object&)>;

    // Writes to `path`, or to stdout when path is "-"; with a non-empty `copy_path`,
    // every line also goes to that file (the reports read it back when the records go to
    // stdout). `append`: add to the end of an existing file (--resume) instead of
    // truncating it. Throws std::runtime_error (naming the path) when a file cannot be
    // opened.
    explicit ndjson_writer(const std::string& path, const std::string& copy_path = {}, bool append = false,
                           record_observer observer = {});
    ~ndjson_writer();
    ndjson_writer(const ndjson_writer&) = delete;
    ndjson_writer& operator=(const ndjson_writer&) = delete;

    // Throw std::runtime_error when the write fails (disk full, closed pipe).
    void write(const endpoint_result& result);
    void write(const input_error& error);
    void write(const boost::json::object& record);  // e.g. the "scan-start" record

    static constexpr std::chrono::milliseconds sync_interval{1000};

private:
    void write_line(std::string_view line, const boost::json::object& record);
    void sync_loop();

    std::FILE* out_;
    std::FILE* copy_ = nullptr;
    // stdio buffers of a whole typical record (setvbuf), for the files this writer opens.
    std::unique_ptr<char[]> out_buffer_;
    std::unique_ptr<char[]> copy_buffer_;
    bool owned_;
    std::string path_;
    record_observer observer_;
    std::mutex mutex_;
    // Background fdatasync (files only).
    std::thread syncer_;
    std::mutex sync_mutex_;
    std::condition_variable sync_wake_;
    bool stopping_ = false;
    std::atomic<bool> dirty_{false};
    std::atomic<int> sync_errno_{0};  // a failed sync: the next write throws
};

// Appends `record` as one line to `path` ("-": stdout) and syncs it to disk before
// returning: for a record written after the stream's writer closed (the "scan-end"
// record). Throws std::runtime_error naming the path when it cannot be written or synced.
void append_record(const std::string& path, const boost::json::object& record);

// Rewrites the NDJSON file `path` in place through write_file_atomically (output_file.hpp),
// so a crash leaves the old file or the new one, never half of it: keeps, in order and as
// written (without a CR), the lines whose record `keep` accepts; drops blank lines and
// lines that are not a JSON object. `keep` sees every record once, in file order. Throws
// std::system_error ("cannot read PATH" / "cannot write PATH", the errno as its code)
// when the file cannot be read or replaced; the file is then left as it was.
void rewrite_ndjson(const std::filesystem::path& path, const std::function<bool(const boost::json::object&)>& keep);

}  // namespace tlsaudit::report
