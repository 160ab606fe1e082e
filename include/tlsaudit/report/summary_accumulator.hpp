#pragma once
// The end-of-scan summary without reading the records back (report/). Fed every record
// as the scan writes it, it keeps what the terminal summary (terminal.hpp) and the two
// verdicts (--fail-on, --fail-on-errors) read, so a scan whose only report is that summary
// neither re-reads nor re-parses its own NDJSON. The summary is then rendered by the same
// code as `tlsaudit report` over the written file.
//
// What it keeps: a summary_digest (summary_digest.hpp) being built: exact counts, the
// scan-start and scan-end metadata, and per rule that fired its counts, fixes and first
// few places in report order. No row is kept. The distinct endpoints, names and
// certificates a rule is on, and the names of endpoints that failed, are counted exactly:
// each distinct one is kept once as a string in one table, and each rule holds a 4-byte
// id per distinct one it counts. Memory grows with those distinct values, not with the
// records' chains, finding texts or trust verdicts (bench fleet of make_ndjson.py, a third
// with findings: about 0.3 KB per record, against 1.7 KB when the rows were kept).
//
// Exactness: the digest equals, in every field, digest_of(read_ndjson) over the same
// records, provided no two endpoint records share a key (host, port, SNI, STARTTLS,
// address): read_ndjson keeps the last of such duplicates, which needs the rows the
// accumulator drops. A scan with target deduplication (the default) and no --resume
// never writes duplicates; under --no-dedupe a target listed twice is counted twice.

#include <tlsaudit/report/report_data.hpp>
#include <tlsaudit/report/summary_digest.hpp>
#include <tlsaudit/report/terminal.hpp>

#include <boost/json/object.hpp>

#include <cstddef>
#include <mutex>

namespace tlsaudit::report {

class summary_accumulator {
public:
    // places: how many places per rule the summary will print (summary_options::places).
    explicit summary_accumulator(std::size_t places = summary_options{}.places);

    // Takes one record as read_ndjson would read its line. Throws std::runtime_error for
    // a record of a newer schema_version. Thread-safe.
    void add(const boost::json::object& record);

    // What was added, for format_summary, fails and error_verdict_of. The policy fields
    // (fail_on, fail_on_new, on_errors) are left at their defaults. Call once, after the
    // last add().
    summary_digest finish();

private:
    std::mutex mutex_;
    report_data data_;  // the metadata; rows pass through
    digest_builder digest_;
    std::size_t records_ = 0;
};

}  // namespace tlsaudit::report
