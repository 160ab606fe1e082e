#pragma once
// Process exit codes (also in docs/exit-codes.md, held equal by a test, and in --help).

#include <stdexcept>

namespace tlsaudit::app {

namespace exit_code {
inline constexpr int ok = 0;        // scan ran (per-target failures are data, not exit codes)
inline constexpr int findings = 1;  // findings at or above --fail-on
inline constexpr int usage = 2;     // usage, configuration or unwritable output, before any connection
inline constexpr int failed = 3;    // an environment failure while running
// --fail-on-errors: too many endpoints could not be scanned (by default: none could).
// A run that meets both policies exits `findings`: a finding is certain, the errors
// only say the audit is incomplete, and every report states both.
inline constexpr int scan_errors = 4;
// 128 + signal (130 SIGINT, 143 SIGTERM): the scan was interrupted (interrupt.hpp)
}  // namespace exit_code

// A configuration problem found before scanning: exit code 2.
struct config_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

}  // namespace tlsaudit::app
