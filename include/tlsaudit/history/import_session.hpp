#pragma once
// One scan being imported into the history, fed one NDJSON record at a time (history/):
// an observer of report/'s reader (ndjson_reader.hpp). store::import_scan reads files
// through it; `report --db` and `scan --db` show it the records as they are read for the
// reports, so the NDJSON is read and parsed once for both.
//
// The whole scan is one transaction, opened by the constructor and committed by
// finish(): destroying a session that did not finish (an error, an exception while the
// records are read) rolls back and leaves the database as it was. The scan key is the
// digest of each file's line hash (FNV-1a over its non-blank lines as read, in any file
// order), so that the same files imported again, by either path, are recognized.
//
// Not thread-safe; the store must outlive the session.

#include <tlsaudit/history/store.hpp>
#include <tlsaudit/report/ndjson_reader.hpp>
#include <tlsaudit/report/report_data.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>

namespace tlsaudit::history {

class import_session final : public report::ndjson_observer {
public:
    // Begins the transaction (waiting up to the store's busy timeout for another writer)
    // and adds the scan's row. Throws store_error (locked, failed).
    explicit import_session(store& db);
    ~import_session() override;
    import_session(const import_session&) = delete;
    import_session& operator=(const import_session&) = delete;

    // One record line of the current file: its text as read (without the line break and
    // a CR before it) and the endpoint and name rows the reader made of it (none for other
    // record types). Throws store_error.
    void record(std::string_view line, std::span<report::endpoint_row> endpoints,
                std::span<report::name_row> names) override;

    // The current file's lines are all in; the next record() starts another file.
    void end_file() override;

    // Stores the scan's metadata (as the reader merged it over every file; meta.sources
    // names the files) and commits; or, when a scan with the same key is in the database
    // already, rolls back and returns its id with already_present. Call once. Throws
    // store_error.
    import_result finish(const report::scan_meta& meta);

    // The id of the scan the files read so far are, when the database holds it already (the
    // id finish() would return with already_present). Throws store_error.
    std::optional<std::int64_t> stored_scan();

private:
    // store::import_scan reads each file ahead on a thread of its own and hashes its lines
    // there: it hands over the rows, then the file's line hashes (ordered, and as content).
    friend class store;
    void rows(std::span<const report::endpoint_row> endpoints, std::span<const report::name_row> names);
    void end_file(std::uint64_t ordered_hash, std::uint64_t content_hash);

    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace tlsaudit::history
