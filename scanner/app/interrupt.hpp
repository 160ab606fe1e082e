#pragma once
// SIGINT / SIGTERM during `tlsaudit scan` and `tlsaudit report` (docs/operations.md).
// In a scan the first signal only sets an atomic flag (the scan engine polls it: no new
// targets, in-flight ones get a grace period, then the reports are written marked
// incomplete); a second signal exits at once with 128 + the signal number. `report` has
// nothing to finish: its first signal exits at once. Exiting at once removes what a report
// in progress left (report::remove_temporary_file, report::abandon_pdf_print: Chromium's
// process group is killed). The handler does nothing but store to lock-free atomics, call
// those async-signal-safe functions, write(2) a fixed message and _exit(2).

#include <atomic>

namespace tlsaudit::app {

enum class first_signal_action {
    finish,    // set the flag; a second signal exits at once (scan)
    exit_now,  // exit at once (report)
};

class interrupt_guard {
public:
    // Installs the handlers for SIGINT and SIGTERM; the destructor restores the previous
    // ones. One instance at a time.
    explicit interrupt_guard(first_signal_action first = first_signal_action::finish);
    ~interrupt_guard();
    interrupt_guard(const interrupt_guard&) = delete;
    interrupt_guard& operator=(const interrupt_guard&) = delete;

    // Becomes true at the first signal.
    const std::atomic<bool>& flag() const;
    // The first signal received (SIGINT, SIGTERM), 0 when none.
    int signal() const;
    // The scan ran to its end: a first signal from now on interrupts only the writing of
    // complete reports, which goes on (the handler says so; the exit code is the scan's).
    void scan_complete();
};

// The exit code of a scan stopped by `signal`: 130 for SIGINT, 143 for SIGTERM.
inline int interrupted_exit_code(int signal) { return 128 + signal; }

}  // namespace tlsaudit::app
