#pragma once
// A CLI11 check (->check(...)) from a parser that throws std::invalid_argument: the option
// is refused at parse time with the parser's own message (exit 2).

#include <stdexcept>
#include <string>

namespace tlsaudit::app {

// Returns a callable giving "" when `parse(text)` succeeds, else the exception's text.
template <class Parse>
auto parse_check(Parse parse) {
    return [parse](const std::string& text) {
        try {
            parse(text);
            return std::string();
        } catch (const std::invalid_argument& e) {
            return std::string(e.what());
        }
    };
}

}  // namespace tlsaudit::app
