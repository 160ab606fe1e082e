#include "interrupt.hpp"

#include <tlsaudit/report/output_file.hpp>
#include <tlsaudit/report/pdf_report.hpp>

#include <signal.h>
#include <time.h>
#include <unistd.h>

namespace tlsaudit::app {
namespace {

std::atomic<bool> stop_flag{false};
std::atomic<bool> exit_at_first{false};    // first_signal_action::exit_now
std::atomic<bool> writing_reports{false};  // the reports of a complete scan are being written
std::atomic<int> first_signal{0};
std::atomic<long long> first_signal_ns{0};  // CLOCK_MONOTONIC of the first signal
struct sigaction previous_int {
}, previous_term{};

static_assert(std::atomic<bool>::is_always_lock_free && std::atomic<int>::is_always_lock_free &&
                  std::atomic<long long>::is_always_lock_free,
              "the signal handler needs lock-free atomics");

// A second signal this soon after the first is the same one delivered twice: GNU timeout
// (and other wrappers) send it to the child and to their process group.
constexpr long long same_signal_ns = 500'000'000;

long long monotonic_ns() {  // clock_gettime is async-signal-safe
    timespec ts{};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<long long>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

[[noreturn]] void exit_now(int sig, const char* message, std::size_t size) {
    [[maybe_unused]] const auto ignored = ::write(STDERR_FILENO, message, size);
    report::remove_temporary_file();  // a report being written: no half of it stays behind
    report::abandon_pdf_print();      // nor a Chromium printing one, nor its copy of the report
    ::_exit(128 + sig);
}

extern "C" void on_signal(int sig) {
    if (exit_at_first.load()) {
        constexpr char message[] = "\ntlsaudit: interrupted: exiting now\n";
        exit_now(sig, message, sizeof message - 1);
    }
    int expected = 0;
    if (first_signal.compare_exchange_strong(expected, sig)) {
        first_signal_ns.store(monotonic_ns());
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
    if (monotonic_ns() - first_signal_ns.load() < same_signal_ns) {
        constexpr char repeated[] =
            "\ntlsaudit: the signal came twice at once (a wrapper such as timeout signals its process group too): "
            "taken as one; signal again to exit at once\n";
        [[maybe_unused]] const auto ignored = ::write(STDERR_FILENO, repeated, sizeof repeated - 1);
        return;
    }
    constexpr char message[] = "\ntlsaudit: second signal: exiting now\n";
    exit_now(sig, message, sizeof message - 1);
}

}  // namespace

interrupt_guard::interrupt_guard(first_signal_action first) {
    exit_at_first.store(first == first_signal_action::exit_now);
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
