#pragma once
// The scan-error policy (report/, --fail-on-errors): how many endpoints that could not be
// scanned, and target lines that could not be read, fail a run. It is judged apart from
// the findings policy (--fail-on, report_data.hpp): an audit that could not look must not
// pass because it found nothing.
//
// Pure: text in, policy out; counts in, verdict out.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace tlsaudit::report {

// The class of a target line that could not be read; endpoints use their error code.
inline constexpr std::string_view input_error_class = "input-error";

struct error_policy {
    enum class mode { none, all, count, share };
    mode kind = mode::all;             // all: fail when no endpoint could be scanned (the default)
    std::size_t max_count = 0;         // count: failures tolerated; one more fails
    double max_percent = 0;            // share: percentage of endpoints and lines tolerated
    std::vector<std::string> classes;  // sorted, distinct; empty: every class counts

    bool operator==(const error_policy&) const = default;

    // Whether failures of `error_class` count towards the policy.
    bool counts(std::string_view error_class) const;
};

// Parses "none", "all", "N" or "P%" (0-100, decimals allowed), optionally followed by
// ":class,class" with classes from tlsaudit::error_codes::all or "input-error". Throws
// std::invalid_argument with a message for the user on anything else (e.g. "none:dns",
// an unknown class, "150%", "-1").
error_policy parse_error_policy(std::string_view text);

// The policy as it would be written on the command line ("all", "10%:dns,refused").
std::string to_string(const error_policy& policy);

// What one run failed to scan, counted for the policy.
struct error_counts {
    std::size_t units = 0;    // endpoints plus target lines that could not be read
    std::size_t scanned = 0;  // endpoints scanned (a chain, or an audit result)
    std::size_t counted = 0;  // failures of the classes the policy counts

    bool operator==(const error_counts&) const = default;
};

// Whether `counts` fail `policy`: none never; all when nothing was scanned (with classes:
// and at least one failure of those classes); N when more than N failures count; P% when
// the counted failures are more than P percent of the units.
bool exceeds(const error_policy& policy, const error_counts& counts);

}  // namespace tlsaudit::report
