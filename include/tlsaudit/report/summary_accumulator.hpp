#pragma once
// The end-of-scan summary without reading the records back (report/). Fed every record
// as the scan writes it, it keeps what the terminal summary (terminal.hpp) and the two
// verdicts (--fail-on, --fail-on-errors) read, so a scan whose only report is that summary
// neither re-reads nor re-parses its own NDJSON. The summary is then rendered by the same
// code as `tlsaudit report` over the written file.
//
// What it keeps: a count of the endpoints scanned without a finding; for every other
// endpoint, its row cut down to what the summary reads (target, address, error code,
// findings, and the position, fingerprint and not-after of its certificates); name records
// and input errors as rows; the scan-start and scan-end metadata. The summary counts, per
// rule, the distinct endpoints, names and certificates affected, which takes an entry per
// affected endpoint: memory grows with the endpoints that have a finding or an error (a
// few hundred bytes each), never with chains, trust verdicts or the size of the records.
//
// Exactness: data() equals, in every field the summary reads, read_ndjson over the same
// records in the same order, provided no two endpoint records share a key (host, port,
// SNI, STARTTLS, address): read_ndjson keeps the last of such duplicates, which needs the
// rows the accumulator drops. A scan with target deduplication (the default) and no
// --resume never writes duplicates.

#include <tlsaudit/report/report_data.hpp>

#include <boost/json/object.hpp>

#include <cstddef>
#include <mutex>

namespace tlsaudit::report {

class summary_accumulator {
public:
    // Takes one record as read_ndjson would read its line. Throws std::runtime_error for
    // a record of a newer schema_version. Thread-safe.
    void add(const boost::json::object& record);

    // What was added, sorted into report order (finish_merge), for format_summary, fails
    // and judge_errors; the file writers need the full rows and must not be given it.
    // The policy fields (fail_on, fail_on_new, on_errors) are left at their defaults.
    // Call once, after the last add().
    report_data finish();

private:
    std::mutex mutex_;
    report_data data_;
    std::size_t records_ = 0;
};

}  // namespace tlsaudit::report
