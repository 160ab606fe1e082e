#pragma once
// The report model (report/): what the final reports (JSON, HTML, CSV, JUnit, SARIF,
// terminal summary) are rendered from. Built from NDJSON records by read_ndjson
// (ndjson_reader.hpp), never from live scan objects, so `tlsaudit report shards...`
// and the end of a scan produce the same report by construction.
//
// Plain data: no DER and no timings are kept, so a report of 50,000 endpoints stays
// a few hundred bytes per endpoint. All strings are valid UTF-8 but otherwise exactly
// what the server or the input sent: every writer escapes for its own format.

#include <tlsaudit/finding.hpp>
#include <tlsaudit/report/error_policy.hpp>
#include <tlsaudit/report/scan_records.hpp>

#include <boost/json/object.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace tlsaudit::report {

// Version of the JSON report layout (report/schema/tlsaudit-report.schema.json).
inline constexpr int report_schema_version = 2;

// Baseline state of a finding (baseline.hpp); `none` when no baseline was given.
enum class baseline_state { none, new_finding, unchanged };

struct cert_row {
    int position = 0;                                            // in the served chain
    std::string subject, issuer, serial, not_before, not_after;  // ISO 8601 times
    std::string sha256, spki_sha256, key, signature_algorithm;   // key: "RSA 2048", "EC 256 prime256v1"
    std::vector<std::string> san_dns;
    bool is_ca = false;
    std::string parse_error;  // non-empty: the certificate did not parse
    std::string revocation;   // "good", "revoked", "unknown", "" (not checked)
};

struct finding_row {
    std::string id;
    severity level = severity::info;
    std::optional<int> cert_position;
    std::string cert_subject, cert_sha256;
    std::string message, remediation, rule;
    baseline_state baseline = baseline_state::none;
    int chain = 0;  // 0: the endpoint's chain; k: its other_chains[k-1]
};

// A further chain an endpoint served to other probes than the first (docs/engines.md).
struct other_chain_row {
    int index = 0;                    // as in finding_row::chain
    std::vector<std::string> probes;  // the probes that received it
    std::string protocol, cipher;
    std::vector<cert_row> chain;
};

// Where a finding belongs: an endpoint (address set) or a whole name (address empty).
struct subject_key {
    std::string host;
    int port = 0;
    std::string sni;
    std::string address;
};

// One root program's verdict on an endpoint's chain (tlsaudit/program_verdict.hpp).
struct trust_row {
    std::string program, state, reason, date, rule;
};

// Per root program, the endpoints it does not trust among those judged (the terminal
// summary's "root programs" line), programs in order of first appearance.
struct program_tallies {
    struct tally {
        std::string program;
        std::size_t untrusted = 0, distrusted = 0;
    };
    std::size_t judged = 0;  // endpoints with verdicts
    std::vector<tally> programs;

    void add(const std::vector<trust_row>& trust);
    void merge(const program_tallies& other);
};

struct endpoint_row {
    std::string input;  // the target line as written
    int line = 0;
    std::string host;
    int port = 0;
    std::string sni;
    std::string starttls;  // "" for direct TLS, else the STARTTLS protocol
    std::string address;   // "" when resolution failed
    std::string scanned_at;
    std::string status;  // "ok", "error", or the worst severity
    std::string error_code, error_detail;
    std::string protocol, cipher;
    bool has_geo = false;  // GeoIP enrichment ran for this endpoint
    std::string country, organisation, address_class;
    std::optional<long long> asn;
    std::vector<cert_row> chain;
    std::vector<std::string> probes;  // the probes that received `chain`
    std::vector<other_chain_row> other_chains;
    std::vector<finding_row> findings;
    std::vector<trust_row> trust;  // empty: not audited (or an older record)
};

struct name_row {
    std::string input;
    int line = 0;
    std::string host;
    int port = 0;
    std::string sni;
    std::string starttls;  // "" for direct TLS, else the STARTTLS protocol
    std::vector<std::string> addresses;
    std::string status;
    std::vector<finding_row> findings;
};

struct input_error_row {
    int line = 0;
    std::string input, error;
};

// A finding of the baseline that the new scan no longer has (resolved), or that it could
// not look for (not verified: its endpoint failed to scan, or was not in the scan).
struct resolved_row {
    std::string host;
    int port = 0;
    std::string id, cert_sha256, severity, message;
    std::string sni, starttls;  // as in finding_identity: "" for the host itself, direct TLS
};

// What scanned, when and how. Filled from "scan-start"/"scan-end" records; missing
// records leave fields empty (an NDJSON written by `check` or an older version).
// "interrupted after line 1234 of the target list was read: 8766 lines with targets after it
// not read", as the reports and the scan's message on stderr word it.
std::string interrupted_at(const stop_point& stop);

struct scan_meta {
    std::string tool_version;
    std::string started_at, finished_at;  // earliest start / latest end over the inputs
    std::string rules_version;
    std::string mozilla_store;  // date of the Mozilla store data behind the per-program verdicts
    std::string trust_store;
    std::string input;                 // target file ("-": stdin) of the first input
    boost::json::object options;       // the scan's options, as recorded
    std::vector<std::string> sources;  // NDJSON files the report was built from
    std::size_t shards = 0;            // scan-start records seen
    std::size_t scan_ends = 0;         // scan-end records seen
    bool interrupted = false;          // a scan-end record said "complete": false
    // Where the interrupted scans stopped in their target lists (each scan-end that says).
    std::vector<stop_point> stops;
    // Settings a --resume changed (scan-end "settings_changed_on_resume", over every input):
    // the report mixes targets scanned with the recorded options and with other ones.
    std::set<std::string> settings_changed_on_resume;
    // Settings (result_settings keys, and "trust_store") in which a later input's scan-start
    // differs from the first's: the report merges scans made with other settings.
    std::set<std::string> settings_differ;
    std::size_t cut_records = 0;  // a last line cut short (no line break, not JSON): a killed scan's
    // Inputs another process's running scan still held (their lock) when `tlsaudit report`
    // read them: the results so far, not a killed scan's.
    std::vector<std::string> being_written;
    // Certificate-chosen fetches, summed over the scan-end records that state them
    // (destinations: per scan, so shards that share one count it once each).
    bool has_fetches = false;
    std::uint64_t fetch_destinations = 0, fetch_bytes = 0, fetch_refused = 0;
    // Shards (scan-start options.shard "I/N"): the N of the run, and the I of each shard read.
    std::uint64_t shard_count = 0;
    std::set<std::uint64_t> shard_indexes;
    std::set<std::uint64_t> shard_counts;  // every N read: more than one is not one run
    std::size_t whole_scans = 0;           // scan-start records of no shard
    // Each shard's scan as read: "I/N", its start and its end ("" without a scan-end), to
    // tell shards of one run from shards of runs apart in time, as history import does.
    struct shard_span {
        std::string shard, start, end;
    };
    std::vector<shard_span> shard_spans;
    // Every scan ran to its end: each scan-start has its scan-end, none was interrupted, no
    // file ends in a cut record and no shard of a sharded run is missing. (Records without
    // scan-start, e.g. hand-made, count as complete.)
    bool complete() const { return incomplete_reason().empty(); }
    bool shards_missing() const { return shard_count > 1 && shard_indexes.size() < shard_count; }
    // Why the scan is not complete, for people ("" when it is): "shard 2/3 is missing", ...
    std::string incomplete_reason() const;
};

// The scan-error side of the verdict, under data.on_errors (error_policy.hpp).
struct error_verdict {
    error_counts counts;
    std::size_t failed = 0;                       // endpoints and target lines that failed, any class
    std::map<std::string, std::size_t> by_class;  // error code (or "input-error") -> failures
    std::string incomplete;                       // why the scan did not finish (scan_meta::incomplete_reason)
    bool fails = false;                           // the policy fails: too many failures, or incomplete
    bool too_many = false;                        // the failures alone fail it (not only incompleteness)

    bool operator==(const error_verdict&) const = default;
};

struct report_data {
    scan_meta meta;
    std::vector<endpoint_row> endpoints;  // sorted by (host, port, sni, address)
    // Endpoints scanned without a finding that are counted but have no row: only the
    // end-of-scan summary's data (summary_accumulator.hpp) has any; the counts, the
    // verdicts and the terminal summary include them, the file writers never see them.
    std::size_t unlisted_scanned = 0;
    program_tallies unlisted_trust;  // the root-program verdicts of those endpoints
    std::vector<name_row> names;     // sorted by (host, port, sni)
    std::vector<input_error_row> input_errors;
    bool has_baseline = false;
    std::string baseline_source;
    std::vector<resolved_row> resolved;
    std::vector<resolved_row> not_verified;
    // The policy the verdict is computed with (--fail-on, --fail-on-new).
    std::optional<severity> fail_on = severity::high;  // nullopt: never fail ("none")
    bool fail_on_new = false;
    error_policy on_errors;  // --fail-on-errors, judged apart from the findings
    // The scan-error verdict judged once for all the writers (settle_verdicts); nullopt:
    // each writer judges on its own. Stale once the rows or the policy change after it.
    std::optional<error_verdict> errors;
};

// Counts over a report. `by_severity` is indexed by severity (info..critical).
struct report_counts {
    std::size_t endpoints = 0, endpoints_ok = 0, endpoints_error = 0, endpoints_with_findings = 0;
    std::size_t names = 0, input_errors = 0, findings = 0, new_findings = 0, resolved = 0;
    std::array<std::size_t, 5> by_severity{};
    std::map<std::string, std::size_t> by_id;
    std::map<std::string, std::size_t> by_error;  // scan error code -> endpoints
    // GeoIP groups over enriched endpoints (empty without enrichment). Country: ISO code, or
    // the address class ("loopback", ...) where no database covers it; network: "AS<n> <org>",
    // or the class likewise.
    struct group {
        std::size_t endpoints = 0, findings = 0;
    };
    std::map<std::string, group> by_country;
    std::map<std::string, group> by_network;
};

report_counts count(const report_data& data);

// The verdict over a report under data.fail_on / data.fail_on_new: true when a finding
// at or above fail_on exists (only findings marked new by a baseline, with fail_on_new).
bool fails(const report_data& data);

// How many findings count towards the verdict: fails(data) is failing_findings(data) > 0.
std::size_t failing_findings(const report_data& data);

// Whether one finding counts towards the verdict (and is a JUnit failure).
bool counts_against(const report_data& data, const finding_row& f);

// Judges data's scan errors under data.on_errors, from its rows (every time it is called).
error_verdict judge_errors(const report_data& data);

// Judges failures counted by class (error code, or "input-error") under `policy`;
// scanned and units as in error_counts. A scan that did not finish (`incomplete`: why, as
// scan_meta::incomplete_reason says) fails under every policy but none: the targets it
// never reached were not scanned.
error_verdict judge_error_tally(std::map<std::string, std::size_t> by_class, std::size_t scanned, std::size_t units,
                                const error_policy& policy, std::string incomplete);

// Stores judge_errors(data) in data.errors. Call once the data is complete: after the
// policy and the baseline are applied, before any writer runs.
void settle_verdicts(report_data& data);

// data.errors when settled, else judge_errors(data): what every writer reads.
error_verdict error_verdict_of(const report_data& data);

// "new", "unchanged", or "" for baseline_state::none.
std::string_view to_string(baseline_state state);

// Status of a finding list: worst severity, or "ok" when empty.
std::string status_of(const std::vector<finding_row>& findings);

}  // namespace tlsaudit::report
