#pragma once
// What the end-of-scan summary (terminal.hpp) prints, without the rows (report/): the
// counts, the inputs of both verdicts, the executive summary's headlines and, per rule
// that fired, its fix and first few places. Made from a report (digest_of) or record by
// record as a scan writes them (summary_accumulator.hpp): the same records give the
// same digest, and so the same text. Its size grows with the rules that fired, never
// with the endpoints.

#include <tlsaudit/report/finding_groups.hpp>
#include <tlsaudit/report/report_data.hpp>

#include <array>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

namespace tlsaudit::report {

// One rule that fired, as the summary lists it.
struct summary_group {
    std::string id;
    severity level = severity::info;
    std::size_t count = 0, endpoints = 0, names = 0;  // findings; distinct endpoints and names
    std::string first_remediation;                    // "" without one
    std::size_t remediations = 0;                     // distinct fixes
    group_places places;
};

// An executive summary item's first sentence and deadline.
struct summary_headline {
    std::string text;
    std::optional<std::string> earliest_deadline;
};

struct summary_digest {
    scan_meta meta;
    std::size_t endpoints = 0, endpoints_ok = 0, endpoints_error = 0, findings = 0, new_findings = 0;
    std::array<std::size_t, 5> by_severity{};      // indexed by severity
    std::array<std::size_t, 5> new_by_severity{};  // of the findings new against the baseline
    std::map<std::string, std::size_t> by_error;   // scan error code -> endpoints
    std::size_t input_errors = 0;
    program_tallies programs;                 // every endpoint's root-program verdicts
    std::vector<summary_headline> headlines;  // executive_summary's items, in its order
    std::vector<summary_group> groups;        // its items of findings, in its order
    bool has_baseline = false;
    std::size_t not_verified = 0;
    std::vector<resolved_row> resolved;
    // The policy, as in report_data.
    std::optional<severity> fail_on = severity::high;
    bool fail_on_new = false;
    error_policy on_errors;
    std::optional<error_verdict> errors;  // settled (settle_verdicts), else judged from the counts
};

// Builds a digest one row at a time, in any order (rank and sequence as in
// report_position). Not thread-safe.
class digest_builder {
public:
    explicit digest_builder(std::size_t places);

    void add_endpoint(const endpoint_row& e, std::size_t rank, std::size_t sequence);
    void add_name(const name_row& n, std::size_t rank, std::size_t sequence);
    void add_input_errors(std::size_t n);
    // Endpoints scanned without a finding that have no row (report_data::unlisted_scanned).
    void add_unlisted(std::size_t scanned, const program_tallies& trust);

    // The counts, headlines and groups; meta, baseline and policy are the caller's. Call once.
    summary_digest finish();

private:
    summary_digest digest_;
    finding_groups groups_;
    std::unordered_set<std::string> error_names_;  // distinct names among failed endpoints
};

// The digest of a report, keeping `places` places per rule; data.errors carries over.
summary_digest digest_of(const report_data& data, std::size_t places);

// The verdicts over a digest, equal to those over the report it digests (report_data.hpp).
std::size_t failing_findings(const summary_digest& digest);
bool fails(const summary_digest& digest);
error_verdict judge_errors(const summary_digest& digest);
void settle_verdicts(summary_digest& digest);
error_verdict error_verdict_of(const summary_digest& digest);

// verdict_sentence and errors_sentence (executive_summary.hpp) over a digest.
std::string verdict_sentence(const summary_digest& digest);
std::string errors_sentence(const summary_digest& digest);

}  // namespace tlsaudit::report
