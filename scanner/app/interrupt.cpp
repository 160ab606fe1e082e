#include "interrupt.hpp"

#include <tlsaudit/report/output_file.hpp>

#include <signal.h>
#include <unistd.h>

namespace tlsaudit::app {
namespace {

std::atomic<bool> stop_flag{false};
std::atomic<bool> writing_reports{false};  // the reports of a complete scan are being written
std::atomic<int> first_signal{0};
struct sigaction previous_int {
}, previous_term{};

static_assert(std::atomic<bool>::is_always_lock_free && std::atomic<int>::is_always_lock_free,
              "the signal handler needs lock-free atomics");

extern "C" void on_signal(int sig) {
    int expected = 0;
    if (first_signal.compare_exchange_strong(expected, sig)) {
        stop_flag.store(true);
        constexpr char scanning[] =
            "\ntlsaudit: interrupted: finishing the endpoints in flight (2 s at most), then writing the reports; "
            "signal again to exit at once\n";
        constexpr char reporting[] =
            "\ntlsaudit: interrupted: the scan is complete, finishing its reports; signal again to exit at once\n";
        [[maybe_unused]] const auto ignored = writing_reports.load()
                                                  ? ::write(STDERR_FILENO, reporting, sizeof reporting - 1)
                                                  : ::write(STDERR_FILENO, scanning, sizeof scanning - 1);
        return;
    }
    constexpr char message[] = "\ntlsaudit: second signal: exiting now\n";
    [[maybe_unused]] const auto ignored = ::write(STDERR_FILENO, message, sizeof message - 1);
    report::remove_temporary_file();  // a report being written: no half of it stays behind
    ::_exit(128 + sig);
}

}  // namespace

interrupt_guard::interrupt_guard() {
    stop_flag.store(false);
    writing_reports.store(false);
    first_signal.store(0);
    struct sigaction action {};
    action.sa_handler = on_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    ::sigaction(SIGINT, &action, &previous_int);
    ::sigaction(SIGTERM, &action, &previous_term);
}

interrupt_guard::~interrupt_guard() {
    ::sigaction(SIGINT, &previous_int, nullptr);
    ::sigaction(SIGTERM, &previous_term, nullptr);
}

const std::atomic<bool>& interrupt_guard::flag() const { return stop_flag; }

int interrupt_guard::signal() const { return first_signal.load(); }

void interrupt_guard::scan_complete() { writing_reports.store(true); }

}  // namespace tlsaudit::app
