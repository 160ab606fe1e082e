#include "history_command.hpp"

#include "diagnostics.hpp"
#include "exit_codes.hpp"
#include "output_check.hpp"

#include <tlsaudit/history/import_plan.hpp>
#include <tlsaudit/history/trend.hpp>
#include <tlsaudit/report/finding_groups.hpp>
#include <tlsaudit/report/output_file.hpp>

#include <CLI/CLI.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <stdexcept>

namespace tlsaudit::app {
namespace {

history::store open_store(const history_options& o, bool create) {
    if (create) check_db_path(o.db);
    try {
        return history::store(o.db, o.store_options(create));
    } catch (const history::store_error& e) {
        // As check_history has it for scan and report: a path that cannot be opened is the
        // caller's to fix (exit 2); only a writer holding the lock is an environment failure.
        if (e.why() == history::store_error::reason::locked) throw;
        throw config_error(e.what());
    }
}

std::string names_of(const std::vector<std::filesystem::path>& files) {
    std::string out;
    for (const auto& f : files) out += (out.empty() ? "" : ", ") + f.string();
    return out;
}

// Each scan in its own transaction, oldest first; a file that cannot be imported is
// named on stderr and the others still go in (exit 2 at the end). A database failure
// stops at once.
int run_import(const history_command_options& o) {
    auto db = open_store(o.db, true);
    // A file a scan still writes would go in as a partial scan, and again, whole, once it ends.
    std::vector<std::filesystem::path> inputs;
    bool failed = false;
    for (const auto& input : o.inputs) {
        if (input != "-" && report::being_written(input)) {
            print_stderr(
                "tlsaudit: {} is being written by a running scan (it holds the file's lock): not imported; "
                "import it once the scan has ended\n",
                input);
            failed = true;
            continue;
        }
        inputs.emplace_back(input);
    }
    const auto plan = history::plan_import(inputs);
    failed = failed || !plan.refused.empty();
    for (const auto& r : plan.refused) print_stderr("tlsaudit: {} (not imported)\n", r.error);
    for (const auto& scan : plan.scans) {
        const auto names = names_of(scan.files);
        history::import_result r;
        try {
            r = db.import_scan(scan.files);
        } catch (const history::store_error&) {
            throw;
        } catch (const std::runtime_error& e) {  // the NDJSON: nothing of this scan was stored
            print_stderr("tlsaudit: {} ({} not imported)\n", e.what(), names);
            failed = true;
            continue;
        }
        if (r.already_present) fmt::print("{}: already imported (scan {}), nothing changed\n", names, r.scan_id);
        else
            fmt::print("{}: scan {} started {}: {}, {}{}\n", names, r.scan_id, r.started_at,
                       report::plural(r.endpoints, "endpoint", "endpoints"),
                       report::plural(r.findings, "finding", "findings"),
                       r.complete ? "" : " (incomplete: never used to declare a fix)");
    }
    std::fflush(stdout);
    return failed ? exit_code::usage : exit_code::ok;
}

int run_trend(const history_command_options& o) {
    check_distinct_files({{"--html", o.html}, {"--json", o.json}}, {{"--db", o.db.db}});
    check_output_file("--html", o.html);
    check_output_file("--json", o.json);
    const auto db = open_store(o.db, false);
    history::trend_options options;
    options.since = o.since;
    history::trend_data trend;
    try {
        trend = history::build_trend(db, options);
    } catch (const std::invalid_argument& e) {
        throw config_error(e.what());
    }
    if (!o.json.empty())
        report::write_file_atomically(o.json, [&](std::ostream& out) { history::write_trend_json(trend, out); });
    if (!o.html.empty())
        report::write_file_atomically(o.html, [&](std::ostream& out) { history::write_trend_html(trend, out); });
    if (o.json != "-" && o.html != "-")
        fmt::print("{} since {}; {} tracked, {} open; latest complete scan: {} new, {} fixed\n",
                   report::plural(trend.scans.size(), "scan", "scans"), trend.since,
                   report::plural(trend.findings.size(), "finding", "findings"),
                   std::count_if(trend.findings.begin(), trend.findings.end(),
                                 [](const history::trend_finding& f) { return !f.fixed_at; }),
                   trend.new_in_latest, trend.fixed_in_latest);
    return exit_code::ok;
}

}  // namespace

CLI::App* setup_history(CLI::App& app, history_command_options& options) {
    auto* history = app.add_subcommand("history", "Keep scans in an SQLite history; trend reports from it");
    history->require_subcommand(1);
    auto* import = history->add_subcommand(
        "import", "Import NDJSON scans into the history: shards of one run as one scan, runs in time order");
    import->add_option("inputs", options.inputs, "NDJSON files written by scan (--ndjson), '-' for stdin")->required();
    auto* trend = history->add_subcommand("report", "Write a trend report (first seen, fixed at, time to fix)");
    trend->add_option("--since", options.since, "The window: N days before the latest scan (90d), a date or a time")
        ->capture_default_str()
        ->group("Outputs");
    trend->add_option("--html", options.html, "Write the self-contained HTML trend report to FILE")->group("Outputs");
    trend->add_option("--json", options.json, "Write the JSON trend report to FILE ('-': stdout)")->group("Outputs");
    add_history_options(*import, options.db)
        ->required()
        ->description("The history database FILE (SQLite; created if missing) the scans go into (docs/history.md)");
    add_history_options(*trend, options.db)
        ->required()
        ->description("The history database FILE to read (it must exist; docs/history.md)");
    // The subcommands took the top-level footer (the scan's exit codes) when they were made.
    const std::string import_examples =
        "  tlsaudit history import monday.ndjson tuesday.ndjson --db audit.db\n"
        "  tlsaudit history import shard-*.ndjson --db audit.db     (the shards of one run: one scan)\n";
    const std::string report_examples =
        "  tlsaudit history report --db audit.db --since 90d --html trend.html --json trend.json\n";
    const std::string exit_status =
        "\nExit status: 0 done; 2 a damaged, foreign or newer database, a missing one for report, a\n"
        "--db that cannot be opened, an unusable NDJSON file (import: after importing the others), a\n"
        "bad option or output; 3 the database stayed locked past --db-timeout, or the disk failed\n"
        "(docs/cli/history.md).";
    import->footer("Examples:\n" + import_examples + exit_status);
    trend->footer("Examples:\n" + report_examples + exit_status);
    history->footer("Examples:\n" + import_examples + report_examples + exit_status);
    return history;
}

int run_history_command(const CLI::App& history, const history_command_options& options) {
    if (history.get_subcommand("import")->parsed()) return run_import(options);
    return run_trend(options);
}

}  // namespace tlsaudit::app
