#pragma once
// How each root program sees one chain: plain data made by the audit stage
// (audit::judge_programs, tlsaudit/program_trust.hpp) and written by the reports.

#include <string>
#include <vector>

namespace tlsaudit {

// One program's verdict on a chain.
struct program_verdict {
    // "system" (the trust store of this run), "mozilla" (Mozilla's store as NSS ships it),
    // "<program>-constraints" (what the catalogue knows of a program whose root list it does
    // not hold: "chrome-constraints", "apple-constraints").
    std::string program;
    // "trusted", "untrusted", "distrusted" (a dated or blocklist distrust applies), "unknown"
    // (the data cannot tell), and for a "-constraints" program "no-constraint" (no constraint
    // of the catalogue applies; never "trusted").
    std::string state;
    std::string reason;  // for people
    std::string date;    // the date that applies (RFC 3339, YYYY-MM-DD or YYYY-MM); "" none
    std::string rule;    // the catalogue rule behind it; "" when from the store or the validation
};

struct program_trust {
    std::string mozilla_store;              // date of the Mozilla store data (NSS certdata.txt), YYYY-MM-DD
    std::vector<program_verdict> verdicts;  // "system", "mozilla", then the "-constraints" programs
};

}  // namespace tlsaudit
