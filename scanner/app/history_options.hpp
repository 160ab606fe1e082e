#pragma once
// The history database on the command line: --db and --db-timeout on `scan` and
// `report` (import the scan as the reports are written), --baseline naming a history
// database, and the mapping of history::store_error to exit codes.

#include <tlsaudit/history/import_session.hpp>
#include <tlsaudit/history/store.hpp>
#include <tlsaudit/report/baseline.hpp>

#include <CLI/App.hpp>

#include <cstdio>
#include <exception>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tlsaudit::app {

struct history_options {
    std::string db;         // "": no history
    double timeout_s = 60;  // how long to wait for another writer
    // create: a writer (import), which creates the file; false: a reader (read_only).
    history::store_options store_options(bool create) const;
};

// --db FILE and --db-timeout SECONDS, in the "Outputs" group. Returns --db.
CLI::Option* add_history_options(CLI::App& cmd, history_options& options);

// A --db that an import could not create (`-`, a new file in a missing or read-only
// directory): config_error naming the option, as for any output file.
void check_db_path(const std::string& db);

// Opens (creating and migrating) the database before any work, so that a damaged or
// newer file is refused up front. Throws config_error (exit 2) for a damaged, newer or
// unopenable file; store_error{locked} goes through (exit 3).
void check_history(const history_options& options);

// --db on `report` and `scan`: imports the records as one scan while report/'s reader
// reads them for the reports (one pass over the NDJSON). The transaction opens when the
// import is made and commits in finish(), once the reports are written; a failure of the
// database on the way is held until then, so the reports are written either way.
// Destroyed unfinished (the reports failed), it rolls back.
class history_import final : public report::ndjson_observer {
public:
    // No database when options.db is empty. Never throws for the database.
    explicit history_import(const history_options& options);
    ~history_import() override;

    void record(std::string_view line, std::span<report::endpoint_row> endpoints,
                std::span<report::name_row> names) override;
    void end_file() override;

    // Commits and prints one line about the scan to `out` (nullptr: none). Throws what
    // failed (history::store_error; exit 3, the reports are written).
    void finish(const report::scan_meta& meta, std::FILE* out);

    // The id of the scan the records read so far are, when the database holds it already
    // (a run repeated: a CI retry, a second --resume of a complete file); nullopt otherwise
    // or without a database.
    std::optional<std::int64_t> stored_scan();

private:
    template <class Step>
    void guarded(Step step);

    const history_options& options_;
    std::optional<history::store> db_;
    std::optional<history::import_session> session_;
    std::exception_ptr failure_;
};

// True when --baseline FILE is the --db of this run (any spelling) and does not exist yet:
// the first run of a scheduled audit, an empty baseline.
bool baseline_is_new_db(const std::string& baseline, const std::string& db);

// --baseline FILE: a history database (detected by SQLite's header: its latest complete
// scan) or a JSON report; a FILE that does not exist yet and is the --db of this run, an
// empty baseline (the first run of a scheduled audit). Throws config_error when it cannot
// be used. `except`: a scan of the database left out (history::store::latest_baseline).
report::baseline load_any_baseline(const std::filesystem::path& file, const history_options& options,
                                   std::optional<std::int64_t> except = std::nullopt);

}  // namespace tlsaudit::app
