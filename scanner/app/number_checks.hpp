#pragma once
// CLI11 checks for numeric options, with messages that say what is expected:
// "--concurrency: expected a whole number from 1 to 100000, not 'abc'". CLI11's own Range
// says "Value abc not in range", prints the largest double in full, and lets "nan" through.

#include <CLI/CLI.hpp>

#include <cstdint>

namespace tlsaudit::app {

// A whole number from `lo` to `hi`.
CLI::Validator whole_number_in(std::int64_t lo, std::int64_t hi);
// A finite number from `lo` to `hi` (never "nan" or "inf").
CLI::Validator number_in(double lo, double hi);
// 0 (none, no limit), or a finite number from `lo` to `hi`.
CLI::Validator zero_or_number_in(double lo, double hi);

}  // namespace tlsaudit::app
