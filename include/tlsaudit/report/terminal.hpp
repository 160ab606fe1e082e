#pragma once
// Terminal output (report/): the end-of-scan summary and the escaping that keeps
// server-controlled strings from driving the terminal.

#include <tlsaudit/program_verdict.hpp>
#include <tlsaudit/report/report_data.hpp>
#include <tlsaudit/report/summary_digest.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace tlsaudit::report {

// `text` safe to print on a terminal: C0 controls (so ESC, CR and LF too), DEL, C1
// controls (U+0080-U+009F), the bidirectional marks (U+061C, U+200E, U+200F), the line
// and paragraph separators (U+2028, U+2029) and the bidirectional embeddings, overrides
// and isolates (U+202A-U+202E, U+2066-U+2069) are replaced by visible escapes (\x1b,
// \u{202e}); backslash is doubled, so an escape can never be forged. Invalid UTF-8
// becomes U+FFFD first.
std::string terminal_safe(std::string_view text);

// terminal_safe, cut to 1,024 bytes (text::shorten says how much more): server text on one line of a
// terminal report (docs/security.md).
std::string terminal_excerpt(std::string_view text);

struct summary_options {
    std::size_t max_findings = 20;  // kinds of finding listed, worst first; the rest are counted
    std::size_t places = 3;         // endpoints or names named per kind; the rest are counted
    bool color = false;             // ANSI colours for severities (only on a TTY)
};

// The readable end-of-scan summary: the run's verdict (FAIL when either policy fails, NOT
// VERIFIED for a pass that scanned no endpoint), counts by severity, the findings and the
// scan-error verdicts as sentences, the executive summary's
// headlines (executive_summary.hpp), the worst findings grouped by rule (each once, with
// its fix, its count and the first few places), scan errors by code, baseline changes,
// and per root program the endpoints it does not trust (only when there are some:
// "root programs: Mozilla 2 untrusted; Chrome constraints 1 distrusted (of 10 endpoints
// judged)"), and a last INCOMPLETE line when the scan did not finish (why, and what to do).
// Every server-controlled string passes through terminal_safe.
std::string format_summary(const report_data& data, const summary_options& options = {});

// The same summary from a digest (summary_digest.hpp) that keeps at least
// options.places places per rule: format_summary(data, o) is
// format_summary(digest_of(data, o.places), o).
std::string format_summary(const summary_digest& digest, const summary_options& options = {});

// How people read a program id of program_verdict: "system store", "Mozilla", and
// "Chrome constraints" for "chrome-constraints".
std::string program_label(std::string_view program);

// The per-program verdicts of one chain as a small table (`tlsaudit check`): one line per
// program, indented by four, with its state, the date that applies and the reason (left
// out for "no-constraint", whose reason is always the same), headed by "  programs
// (Mozilla store DATE):". No colour. Reasons pass through terminal_excerpt.
std::string format_program_table(const program_trust& trust);

}  // namespace tlsaudit::report
