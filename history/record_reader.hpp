#pragma once
// Reads one NDJSON scan file ahead of the importer, on a thread of its own (history/,
// private). Reading a record (its line hash, the JSON parse, the rows) costs about as
// much as storing it in SQLite; on two cores the two overlap. At most a few batches wait
// between the threads, so memory stays flat however large the file.

#include <tlsaudit/report/report_data.hpp>

#include <cstdint>
#include <istream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tlsaudit::history::detail {

// A file's hashes for the scan key (cheap; not a security boundary). `value`: FNV-1a over
// every line in order, the key of imports before 2026-12 (still matched, so that their files
// are known). `content`: the sum of each line's FNV-1a, in any order, with a scan-end line
// counted only by whether it says the scan was complete: a --resume of a complete file
// (records in another order, a new scan-end) is the scan imported already.
struct line_hash {
    std::uint64_t value = 14695981039346656037ull;
    std::uint64_t content = 0;
    void add(std::string_view text) {
        std::uint64_t line = 14695981039346656037ull;
        for (const char c : text) {
            value = (value ^ static_cast<unsigned char>(c)) * 1099511628211ull;
            line = (line ^ static_cast<unsigned char>(c)) * 1099511628211ull;
        }
        value = (value ^ '\n') * 1099511628211ull;
        if (text.find("\"type\":\"scan-end\"") != std::string_view::npos) {
            line = text.find("\"complete\":false") != std::string_view::npos ? 0x5ca9e9d0ull : 0x5ca9e9d1ull;
        }
        content += line;
    }
};

// A scan-start's started_at (RFC 3339, any offset) in UTC, as the database keeps and orders
// it. Throws std::runtime_error naming `file` when it is no time.
std::string utc_start(const std::string& started_at, const std::string& file);

// The rows of consecutive records, in file order.
struct record_batch {
    std::vector<report::endpoint_row> endpoints;
    std::vector<report::name_row> names;
};

class record_reader {
public:
    // Starts reading `in` at once; `name` is the file as error messages call it. `meta`
    // is the scan's metadata so far (the records of several shards add to one). The
    // stream must outlive the reader.
    record_reader(std::istream& in, std::string name, report::scan_meta meta);
    // Stops reading and waits for the thread: at once, or once a read from a pipe that
    // is still open returns.
    ~record_reader();
    record_reader(const record_reader&) = delete;
    record_reader& operator=(const record_reader&) = delete;

    // The next batch; nullopt after the last. Throws what reading threw, once the batches
    // read before it are taken: std::runtime_error naming the file and line of a record
    // that is not a JSON object or has a newer schema_version, or "cannot read NAME".
    std::optional<record_batch> next();

    // Once next() has returned nullopt: the FNV-1a hash of every line (line_hash) and
    // the scan's metadata with this file's records and name (meta.sources) added.
    const line_hash& hash() const;
    std::size_t records() const;  // how many records (non-blank lines) the file held
    report::scan_meta take_meta();

private:
    struct state;
    std::unique_ptr<state> state_;
};

}  // namespace tlsaudit::history::detail
