#pragma once
// The PDF report (--pdf FILE): the HTML report (html_report.hpp) printed by headless
// Chromium, which lays it out with the report's print stylesheet (every block of
// findings open, the whole endpoint list, the endpoint appendix). tlsaudit does not lay
// out PDF itself: without Chromium, open the HTML report in a browser and print it.
//
// Chromium runs in its own process group with a fresh profile in a private temporary
// directory ($TMPDIR/tlsaudit-pdf-PID-XXXXXX, removed afterwards), no network features, and the sandbox off only when
// running as root (where Chromium refuses to start with it). The page is opened as a
// file:// URL with the fragment #print, which makes the page script render everything
// the print holds before the load event, so nothing waits on a print event.

#include <tlsaudit/report/report_data.hpp>

#include <chrono>
#include <filesystem>
#include <optional>
#include <stdexcept>

namespace tlsaudit::report {

// No Chromium to print with. what() names the Debian package and the way around it.
struct pdf_unavailable : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// The browser to print with: $TLSAUDIT_CHROMIUM when set (it must be executable), else
// the first of chromium, chromium-browser, google-chrome-stable, google-chrome on
// $PATH; nullopt when there is none.
std::optional<std::filesystem::path> find_chromium();

// find_chromium(), or throws pdf_unavailable.
std::filesystem::path require_chromium();

// Writes the HTML report of `data` into a private temporary directory and prints it to
// `pdf` ("-": stdout), atomically (output_file.hpp).
// Throws pdf_unavailable without Chromium; std::runtime_error when Chromium fails, does
// not finish within `timeout` (its process group is killed) or writes no PDF, with its
// exit status and the last lines it printed; std::system_error when `pdf` cannot be
// written.
void write_pdf_report(const report_data& data, const std::filesystem::path& pdf,
                      std::chrono::seconds timeout = std::chrono::seconds(1800));

// Kills the process group of a Chromium printing now, if any, and unlinks the copy of the
// report and the PDF in its temporary directory. Async-signal-safe: for a signal handler
// about to _exit. The rest of that directory (Chromium's profile, no report data) stays,
// as the temporary files of output_file.hpp do: whether the process that made such a
// directory is gone cannot be told safely across PID namespaces.
void abandon_pdf_print() noexcept;

}  // namespace tlsaudit::report
