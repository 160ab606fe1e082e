#pragma once
// Messages for the user on stderr (notices, warnings, the scan summary, the error that ends
// a command). They never fail the run: fmt::print(stderr, ...) throws std::system_error
// when the write fails (stderr closed, or a log on a full disk), and a scan whose records
// and reports are fine must not end incomplete, or abort in main's handler, for a lost
// message.

#include <fmt/format.h>

#include <cstdio>
#include <utility>

namespace tlsaudit::app {

// A message on `out` (stderr, or the stream the summary goes to).
template <typename... T>
void print_message(std::FILE* out, fmt::format_string<T...> format, T&&... args) noexcept {
    try {
        fmt::print(out, format, std::forward<T>(args)...);
    } catch (...) {
        // The message is lost with its stream; the run goes on.
    }
}

template <typename... T>
void print_stderr(fmt::format_string<T...> format, T&&... args) noexcept {
    print_message(stderr, format, std::forward<T>(args)...);
}

}  // namespace tlsaudit::app
