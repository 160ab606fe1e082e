#include "history_options.hpp"

#include "diagnostics.hpp"
#include "output_check.hpp"

#include "help_groups.hpp"

#include "exit_codes.hpp"

#include "number_checks.hpp"

#include <tlsaudit/report/finding_groups.hpp>

#include <CLI/CLI.hpp>

#include <fmt/format.h>

#include <chrono>
#include <cstdio>

namespace tlsaudit::app {

history::store_options history_options::store_options(bool create) const {
    history::store_options o;
    o.create = create;
    o.read_only = !create;  // the trend report and --baseline only read
    o.busy_timeout = std::chrono::milliseconds(static_cast<long long>(timeout_s * 1000));
    return o;
}

CLI::Option* add_history_options(CLI::App& cmd, history_options& options) {
    auto* db = cmd.add_option("--db", options.db,
                              "The history database FILE (SQLite; created if missing): the scan is imported into it "
                              "(docs/history.md)")
                   ->group(help_group::outputs);
    cmd.add_option("--db-timeout", options.timeout_s,
                   "Wait up to SECONDS for another writer of the history database before giving up")
        ->capture_default_str()
        ->check(number_in(0.0, 86400.0))
        ->group(help_group::outputs);
    return db;
}

void check_db_path(const std::string& db) {
    if (db == "-") throw config_error("--db -: the history is a database file, which standard output cannot hold");
    // A database to create, in a missing or read-only directory, is said as for any output;
    // an existing one, the store judges (a read-only archive, another application's file).
    std::error_code ec;
    if (!std::filesystem::exists(std::filesystem::symlink_status(db, ec))) check_output_file("--db", db);
}

void check_history(const history_options& options) {
    if (options.db.empty()) return;
    check_db_path(options.db);
    try {
        history::store db(options.db, options.store_options(true));
    } catch (const history::store_error& e) {
        if (e.why() == history::store_error::reason::locked) throw;
        throw config_error(e.what());
    }
}

history_import::history_import(const history_options& options) : options_(options) {
    if (options.db.empty()) return;
    guarded([&] {
        db_.emplace(options.db, options.store_options(true));
        session_.emplace(*db_);
    });
}

history_import::~history_import() = default;

// A failed step ends the import (rolled back) and is kept for finish(): the reports
// are still written from the records.
template <class Step>
void history_import::guarded(Step step) {
    try {
        step();
    } catch (...) {
        failure_ = std::current_exception();
        session_.reset();
    }
}

void history_import::record(std::string_view line, std::span<report::endpoint_row> endpoints,
                            std::span<report::name_row> names) {
    if (session_) guarded([&] { session_->record(line, endpoints, names); });
}

void history_import::end_file() {
    if (session_) guarded([&] { session_->end_file(); });
}

std::optional<std::int64_t> history_import::stored_scan() {
    std::optional<std::int64_t> id;
    if (session_) guarded([&] { id = session_->stored_scan(); });
    return id;
}

void history_import::finish(const report::scan_meta& meta, std::FILE* out) {
    if (failure_) std::rethrow_exception(failure_);
    if (!session_) return;
    const auto r = session_->finish(meta);
    session_.reset();
    if (!out) return;
    // A message on the summary's stream: lost with it, never a failure of a committed import.
    if (r.already_present)
        print_message(out, "history: this scan was already in {} (scan {})\n", options_.db, r.scan_id);
    else
        print_message(out, "history: scan {} ({}, {}{}) imported into {}\n", r.scan_id,
                      report::plural(r.endpoints, "endpoint", "endpoints"),
                      report::plural(r.findings, "finding", "findings"), r.complete ? "" : ", incomplete", options_.db);
}

bool baseline_is_new_db(const std::string& baseline, const std::string& db) {
    return !db.empty() && !std::filesystem::exists(baseline) && same_file(baseline, db);
}

report::baseline load_any_baseline(const std::filesystem::path& file, const history_options& options,
                                   std::optional<std::int64_t> except) {
    // No complete scan yet, so every finding is new.
    if (baseline_is_new_db(file.string(), options.db))
        return report::baseline{file.string() + " (no complete scan yet)", {}};
    try {
        if (history::is_sqlite_file(file))
            return history::store(file, options.store_options(false)).latest_baseline(except);
        return report::load_baseline(file);
    } catch (const history::store_error& e) {
        if (e.why() == history::store_error::reason::locked) throw;
        throw config_error(e.what());
    } catch (const std::runtime_error& e) {
        throw config_error(e.what());
    }
}

}  // namespace tlsaudit::app
