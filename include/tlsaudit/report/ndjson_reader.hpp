#pragma once
// Reads NDJSON scan output back (report/): the input of every final report. Several
// files (shards of one scan, e.g. `--shard I/N` runs or a split target list) merge into
// one report_data: endpoints, names and input errors are pooled and sorted, scan
// metadata combined (earliest start, latest end). Reading one file of shards or many
// gives the same report.

#include <tlsaudit/model.hpp>
#include <tlsaudit/report/report_data.hpp>

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parser.hpp>
#include <boost/json/value.hpp>

#include <array>
#include <cstddef>
#include <filesystem>
#include <istream>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tlsaudit::report {

// Sees the records as read_ndjson reads them, so that another consumer (the history
// import of `report --db`) needs no second pass over the files.
class ndjson_observer {
public:
    virtual ~ndjson_observer() = default;
    // One record line: its text as read (without the line break and a CR before it) and
    // the endpoint and name rows made of it (none for other record types), before any
    // merge. The views are valid during the call only. With rows_kept::none the rows are
    // dropped after the call, so an observer may move them out.
    virtual void record(std::string_view line, std::span<endpoint_row> endpoints, std::span<name_row> names) = 0;
    // Every line of the current file was seen.
    virtual void end_file() = 0;
};

// What read_ndjson keeps of the rows an observer was shown: all of them, or none (the
// observer consumes them; memory stays flat and only the metadata comes back).
enum class rows_kept { all, none };

// Reads every file ("-": stdin) and merges them. Record types: "scan-start",
// "scan-end", "endpoint", "name", "input-error"; unknown types are skipped (newer
// writers). Blank lines are skipped. Throws std::runtime_error naming file and line for
// an unreadable file, a line that is not a JSON object, or a record of a newer
// schema_version. An observer is shown each record once it is read; what it throws
// goes through.
report_data read_ndjson(const std::vector<std::filesystem::path>& files, ndjson_observer* observer = nullptr,
                        rows_kept keep = rows_kept::all);

// Adds the records of one stream to `data` (`name` is used in error messages). Call
// finish_merge once after the last stream.
void read_ndjson_stream(std::istream& in, const std::string& name, report_data& data,
                        ndjson_observer* observer = nullptr, rows_kept keep = rows_kept::all);

// Adds one record to `data` as read_ndjson_stream does for each line (for a reader that
// takes the endpoints out as they come, e.g. the history import). Throws
// std::runtime_error, its message starting with `where`, for a record of a newer
// schema_version, and for one that lacks what every record needs (schema_version, type)
// or an endpoint record needs (target.host, target.port, address, error, chain): read
// leniently, a damaged record would count as a clean endpoint.
void add_record(const boost::json::object& record, const std::string& where, report_data& data);

// Sorts endpoints, names and input errors into report order and removes duplicate
// endpoints (same host, port, SNI and address: the one read last wins).
void finish_merge(report_data& data);

// --- Records one at a time (e.g. --resume reading back an interrupted stream) ---------

// One non-blank line of an NDJSON stream.
struct ndjson_line {
    std::size_t number = 0;               // 1-based; blank lines count
    std::string_view text;                // without the line break and a CR before it; valid until the next read
    const boost::json::object* record{};  // null: not a JSON object (a damaged or cut line); valid until the next read
    std::string error;                    // why there is no record: "invalid JSON: ..." or "expected a JSON object"
    bool terminated = true;               // false: the stream ended inside this line (no line break after it)
};

// Reads a stream line by line, skipping blank lines (spaces and tabs only). Never throws
// on content: a line that is not a JSON object comes back without a record, for the
// caller to refuse or skip. The stream must outlive the reader. Not thread-safe.
// Each record is parsed into memory the reader reuses for the next line (a scan file
// holds millions of records): copy what must outlive the next read with
// boost::json::value(*record, storage) and a storage of your own.
class ndjson_lines {
public:
    explicit ndjson_lines(std::istream& in);

    // The next non-blank line; nullopt at the end of the stream or when reading fails
    // (then bad() is true).
    std::optional<ndjson_line> next();
    bool bad() const { return in_.bad(); }

private:
    std::istream& in_;
    std::string buffer_;
    std::size_t number_ = 0;
    std::array<unsigned char, 16384> first_block_;  // a typical record's parse fits: no allocation
    // Made anew for each line: release() keeps the size of the resource's next block, which
    // doubles with every record larger than first_block_ (Boost 1.81), until it cannot be
    // allocated.
    std::optional<boost::json::monotonic_resource> storage_;
    boost::json::parser parser_;
    boost::json::value value_;
};

// The record's "type" ("endpoint", "scan-start", ...); empty when it has none.
std::string_view record_type(const boost::json::object& record);

// Whether `record` is one tlsaudit writes: a schema_version and one of the record types
// above. A JSON report, a SARIF log or a stray object is none.
bool is_tlsaudit_record(const boost::json::object& record);

// What a scan looked at and how it judged it, from a scan-start record's options: all but
// its shard, its evaluation time (the start second unless `at` gives it), its thread count
// (each machine's CPUs) and its pacing and policy (concurrency, rate, retries, timeouts,
// --fail-on*, --baseline), which change neither. Shards of one run share these; so do the
// files `tlsaudit report` and `history import` take as one scan.
boost::json::object result_settings(const boost::json::object& options);

// The settings a --resume changed, as a scan-end record names them
// ("settings_changed_on_resume"); none when it names none.
std::vector<std::string> settings_changed_on_resume_of(const boost::json::object& record);

// The target of an endpoint or name record as the writer wrote it (host, port, sni,
// starttls, input, line); nullopt without a string host and an integer port.
std::optional<target> target_of(const boost::json::object& record);

// How many endpoint records the record's target yields ("addresses"; 1 when absent, as
// in records of older writers).
std::size_t address_count_of(const boost::json::object& record);

// An endpoint record that served a chain, read back: the endpoint (target, address,
// address count) and the served chain's DER, leaf first, up to the first certificate
// whose "der" does not decode.
struct recorded_chain {
    endpoint ep;
    std::vector<bytes> chain;
};

// nullopt for other record types, failed endpoints, and records without a target, an
// address or a first certificate that decodes.
std::optional<recorded_chain> served_chain_of(const boost::json::object& record);

}  // namespace tlsaudit::report
