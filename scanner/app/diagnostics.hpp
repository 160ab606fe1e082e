#pragma once
// Messages for the user on stderr (notices, warnings, the scan summary, the error that ends
// a command). They never fail the run: fmt::print(stderr, ...) throws std::system_error
// when the write fails (stderr closed, or a log on a full disk), and a scan whose records
// and reports are fine must not end incomplete, or abort in main's handler, for a lost
// message.
//
// Every message is printed with its invisible controls made visible (text::
// show_invisible_controls; lines and tabs kept): the values in it are often the user's (a
// path, a config value, a target) or a file's, and an ESC in them must not reach the terminal.

#include "text/utf8.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <utility>

namespace tlsaudit::app {

// A message on `out` (stderr, or the stream the summary goes to).
template <typename... T>
void print_message(std::FILE* out, fmt::format_string<T...> format, T&&... args) noexcept {
    try {
        const std::string text = text::show_invisible_controls(fmt::format(format, std::forward<T>(args)...));
        std::fputs(text.c_str(), out);
    } catch (...) {
        // The message is lost with its stream; the run goes on.
    }
}

template <typename... T>
void print_stderr(fmt::format_string<T...> format, T&&... args) noexcept {
    print_message(stderr, format, std::forward<T>(args)...);
}

}  // namespace tlsaudit::app
