#pragma once
// Result of a parsing step: the value, or a message saying precisely what is wrong.
// Input-dependent failures are data (CONTRIBUTING.md); nothing in this module throws
// on bad input.

#include <string>
#include <variant>

namespace tlsaudit::targets::detail {

struct failure {
    std::string message;
};

template <class T>
using outcome = std::variant<T, failure>;

}  // namespace tlsaudit::targets::detail
