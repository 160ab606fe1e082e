#pragma once
// Findings grouped by rule (report/): the grouping behind executive_summary
// (executive_summary.hpp) and the terminal summary (summary_digest.hpp), fed one finding
// at a time in any order. What a group says does not depend on the order its findings
// come in: where "first" matters (the first message, fix, subject, places) it is first
// in report order, taken from each finding's position.
//
// Memory: per group, its counts, the distinct fix texts, root programs and expiry
// months, the first few places, and one small id per distinct endpoint, name and
// certificate it counts (exact distinct counts need them), against tables of the
// distinct strings; with keep_refs, every finding's reference too.

#include <tlsaudit/report/executive_summary.hpp>
#include <tlsaudit/report/report_data.hpp>

#include <compare>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tlsaudit::report {

// Where a finding is in report order. Rows met in report order (a report walked from
// the start) carry their index as `rank`; rows met in any order (records as a scan
// writes them) carry rank 0, and their key orders them as read_ndjson would: endpoints
// by (host, port, SNI, STARTTLS, address), then names by (host, port, SNI, STARTTLS), rows with the
// same key in the order read. Then the finding's index in its row.
struct report_position {
    bool name = false;
    std::size_t rank = 0;
    std::string host;
    int port = 0;
    std::string sni, starttls, address;  // "" for a name
    std::size_t row = 0;                 // distinct per row
    std::size_t finding = 0;
    auto operator<=>(const report_position&) const = default;
};

// One group as the terminal summary lists it, beside its summary_item.
struct group_places {
    std::string first_message;            // of the group's first finding
    std::vector<report_position> places;  // its first rows (up to the places asked for)
    std::size_t rows = 0;                 // distinct rows (endpoints and names) it is on
    std::size_t fresh = 0;                // findings new against the baseline
};

struct grouped_item {
    summary_item item;  // findings: empty unless keep_refs
    group_places places;
};

class finding_groups {
public:
    // places: how many rows per group to keep for the terminal; keep_refs: keep every
    // finding's finding_ref in item.findings (in the order added).
    finding_groups(std::size_t places, bool keep_refs);
    ~finding_groups();
    finding_groups(finding_groups&&) noexcept;
    finding_groups& operator=(finding_groups&&) noexcept;

    // The findings of one endpoint or name row: `row` is its index for finding_refs,
    // `rank` as in report_position, `sequence` distinct per row (the order read).
    void add_endpoint(const endpoint_row& e, std::size_t row, std::size_t rank, std::size_t sequence);
    void add_name(const name_row& n, std::size_t row, std::size_t rank, std::size_t sequence);

    // The groups, most severe first (then the most findings, then the rule id), with
    // their counts, headline and text. `now`: the evaluation time (RFC 3339, the scan's
    // options.evaluated_at), when known: a replacement due before it is said to be overdue.
    std::vector<grouped_item> items(std::string_view now = {}) const;

private:
    struct state;
    std::unique_ptr<state> state_;
};

// The items for endpoints that could not be scanned (by error code, and the distinct
// names among them) and target lines that could not be read, as executive_summary
// ends with them; none when there are none.
std::vector<summary_item> error_items(std::size_t endpoints_error, std::size_t error_names,
                                      const std::map<std::string, std::size_t>& by_error, std::size_t input_errors);

// "1 endpoint" / "3 endpoints".
std::string plural(std::size_t n, std::string_view one, std::string_view many);

// "a", "a and b", "a, b and c".
std::string list_text(const std::vector<std::string>& items);

// "2 refused and 1 dns": endpoints by error code, most first.
std::string errors_text(const std::map<std::string, std::size_t>& by_error);

}  // namespace tlsaudit::report
