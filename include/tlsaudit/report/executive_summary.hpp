#pragma once
// The executive summary (report/): what a reader who hands the report on needs first, in
// sentences generated from the report data. One item per rule that fired (a catalogue
// rule, or a built-in check's finding id), most severe first, then one for what could
// not be scanned and one for unreadable target lines. The items double as the report's
// "findings by action": each lists its fix once and every finding it groups, so the
// JSON, HTML and terminal writers render the same grouping without grouping again.
//
// Pure: report data in, items out; no I/O, no clock. Strings are taken from the data as
// they are (server-controlled text included): every writer escapes for its format.

#include <tlsaudit/report/report_data.hpp>

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace tlsaudit::report {

// One finding of a group: data.endpoints[row].findings[finding], or, with `name`,
// data.names[row].findings[finding].
struct finding_ref {
    bool name = false;
    std::size_t row = 0;
    std::size_t finding = 0;
};

struct summary_item {
    // The catalogue rule's id; a built-in check's finding id; "scan-error" (endpoints that
    // could not be scanned) or "input-error" (target lines that could not be read).
    std::string rule;
    std::string id;                 // the finding id; "" for scan-error and input-error
    std::optional<severity> level;  // the worst of the group; nullopt for the two error items
    std::string title, meaning;     // from the finding catalogue ("" for ids it does not know)
    std::size_t count = 0;          // findings grouped (one per endpoint or name and certificate); errors
    std::size_t endpoints = 0;      // distinct endpoints among them
    std::size_t names = 0;          // distinct names among them (the SNI, else the host)
    std::optional<std::string> earliest_deadline;  // ISO 8601: the nearest not-after that bounds the fix
    std::string headline;                          // the first sentence: what, where (the terminal prints this)
    std::string text;                              // headline, then the dates, then the fix
    std::vector<std::string> remediations;         // distinct fix texts, in order of first appearance
    std::vector<finding_ref> findings;             // every finding of the group, endpoints first, in report order
};

// The items, most severe first (then the most findings, then the rule id), then
// scan-error and input-error when there are any.
std::vector<summary_item> executive_summary(const report_data& data);

// The findings policy's verdict as a sentence: "FAIL: 12 findings at or above high (the
// policy: fail on high)." / "PASS: no finding at or above high." / "PASS: the policy fails
// on nothing." Never PASS over nothing: with no endpoint scanned it is "NOT VERIFIED: no
// endpoint was scanned, so no finding could be looked for."
std::string verdict_sentence(const report_data& data);

// The scan-error policy's verdict (data.on_errors) as a sentence: "FAIL: 2 of 2 endpoints
// could not be scanned (2 refused); the policy --fail-on-errors all fails when none
// could." / "PASS: every endpoint was scanned."
std::string errors_sentence(const report_data& data);

// The two sentences over counts: `scanned` whether any endpoint was scanned, `against`
// the findings that count towards the policy; `endpoints` every endpoint, `by_error`
// the failed ones by error code, `input_errors` the target lines not read.
std::string verdict_sentence(bool scanned, std::optional<severity> fail_on, bool fail_on_new, std::size_t against);
std::string errors_sentence(const error_verdict& verdict, const error_policy& policy, std::size_t endpoints,
                            const std::map<std::string, std::size_t>& by_error, std::size_t input_errors);

// The certificate a finding is about (its position in the chain it names), or that
// chain's leaf when it names none; nullptr for name findings or a missing chain.
const cert_row* cert_of(const endpoint_row& e, const finding_row& f);

}  // namespace tlsaudit::report
