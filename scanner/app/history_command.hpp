#pragma once
// `tlsaudit history import FILE.ndjson... --db DB` and `tlsaudit history report --db DB
// --since 90d --html F --json F` (docs/cli/history.md).

#include "history_options.hpp"

#include <CLI/App.hpp>

#include <string>
#include <vector>

namespace tlsaudit::app {

struct history_command_options {
    history_options db;
    std::vector<std::string> inputs;  // import: NDJSON files (history/import_plan.hpp groups them)
    std::string since = "90d";        // report
    std::string html, json;           // report
};

// Adds `history` with its two subcommands.
CLI::App* setup_history(CLI::App& app, history_command_options& options);

// Runs the subcommand that was parsed. Returns 0, or 2 when an import file was refused
// (unreadable or malformed: named on stderr, the other scans imported); throws
// config_error (exit 2) for a damaged or newer database or a bad --since,
// history::store_error{locked} or std::runtime_error otherwise (exit 3).
int run_history_command(const CLI::App& history, const history_command_options& options);

}  // namespace tlsaudit::app
