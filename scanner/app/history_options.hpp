#pragma once
// The history database on the command line: --db and --db-timeout on `scan` and
// `report` (import the scan as the reports are written), --baseline naming a history
// database, and the mapping of history::store_error to exit codes.

#include <tlsaudit/history/store.hpp>
#include <tlsaudit/report/baseline.hpp>

#include <CLI/App.hpp>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

namespace tlsaudit::app {

struct history_options {
    std::string db;         // "": no history
    double timeout_s = 60;  // how long to wait for another writer
    history::store_options store_options(bool create) const;
};

// --db FILE and --db-timeout SECONDS, in the "Outputs" group. Returns --db.
CLI::Option* add_history_options(CLI::App& cmd, history_options& options);

// Opens (creating and migrating) the database before any work, so that a damaged or
// newer file is refused up front. Throws config_error (exit 2) for a damaged, newer or
// unopenable file; store_error{locked} goes through (exit 3).
void check_history(const history_options& options);

// Imports `inputs` as one scan and prints one line about it to `out` (nullptr: none).
// Throws history::store_error or std::runtime_error (exit 3: the reports are written).
void import_into_history(const history_options& options, const std::vector<std::filesystem::path>& inputs,
                         std::FILE* out);

// --baseline FILE: a history database (detected by SQLite's header: its latest complete
// scan) or a JSON report. Throws config_error when it cannot be used.
report::baseline load_any_baseline(const std::filesystem::path& file, const history_options& options);

}  // namespace tlsaudit::app
