#pragma once
// Final reports on the command line: the output options shared by `scan` and
// `report` (--json, --html, --pdf, --csv, --junit, --sarif, --prometheus, --fail-on, --fail-on-new,
// --fail-on-errors, --baseline, --quiet), the `tlsaudit report IN.ndjson...` subcommand, and the end of a
// scan (scan_reports), which renders the reports with the same code from the NDJSON
// the scan wrote.

#include "history_options.hpp"

#include <tlsaudit/finding.hpp>
#include <tlsaudit/report/progress.hpp>
#include <tlsaudit/report/scan_records.hpp>
#include <tlsaudit/report/summary_accumulator.hpp>

#include <CLI/App.hpp>

#include <cstdio>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tlsaudit::app {

struct pipeline_options;
struct scan_summary;

struct report_output_options {
    std::string json, html, csv, junit, sarif;  // "": not written; "-": stdout
    std::string pdf;                            // the HTML report printed by headless Chromium
    std::string prometheus;                     // metrics for node_exporter's textfile collector
    std::string fail_on = "high";               // a severity, or "none"
    bool fail_on_new = false;
    std::string fail_on_errors = "all";  // report/error_policy.hpp, checked at parse time
    std::string baseline;                // an earlier --json report, or a history database
    history_options history;             // --db: import the scan into a history database
    bool quiet = false;                  // no progress line, no summary
    bool ndjson_given = false;           // scan: --ndjson was on the command line

    // A report file or a history database is written: the records must be read back.
    bool any_file() const {
        return !json.empty() || !html.empty() || !csv.empty() || !junit.empty() || !sarif.empty() || !pdf.empty() ||
               !prometheus.empty() || !history.db.empty();
    }
};

// Adds the report options to a subcommand (validated at parse time).
void add_report_output_options(CLI::App& cmd, report_output_options& options);

struct report_command_options {
    std::vector<std::string> inputs;  // NDJSON files, "-" for stdin
    report_output_options out;
};

CLI::App* setup_report(CLI::App& app, report_command_options& options);

// Reads and merges the inputs, writes the requested reports, prints the summary on
// stdout (unless a report goes to stdout, or --quiet), and returns the exit code: 1
// when the --fail-on policy is met, else 4 when --fail-on-errors is, else 0. Throws config_error for an
// unreadable or malformed input, baseline or history database (exit code 2); with --db, imports the
// inputs as one scan after the reports are written.
int run_report_command(const report_command_options& options);

// The report side of one scan. Construct before run_pipeline (it points the pipeline's
// NDJSON at a temporary file when the records are needed back and do not go to a file,
// or, when only the terminal summary and the exit code are wanted, has the records
// summarised as they are written; adds the "scan-start" record and the progress line),
// call finish() after it.
class scan_reports {
public:
    // `input` is the target file or "-"; `config_file` the --config file or "". Throws
    // config_error for an unreadable baseline, or an output that names an input (checked
    // before scanning).
    scan_reports(const report_output_options& options, pipeline_options& pipeline, const std::string& input,
                 const std::string& config_file, const std::string& tool_version);
    ~scan_reports();
    scan_reports(const scan_reports&) = delete;
    scan_reports& operator=(const scan_reports&) = delete;

    // Clears the progress line (before anything else is printed to stderr).
    void stop_progress() { progress_->finish(); }

    // Appends the "scan-end" record, writes the reports, prints the summary (stdout, or
    // stderr when the records went to stdout), removes the temporary NDJSON. Returns
    // the exit code.
    int finish(const scan_summary& summary);

private:
    const report_output_options& options_;
    std::string ndjson_;                             // where the records went ("-": stdout)
    std::optional<std::filesystem::path> readback_;  // the file to read them back from
    std::optional<std::filesystem::path> temp_;      // ours to delete
    // Set when nothing needs the records read back: the summary is built as they are written.
    std::unique_ptr<report::summary_accumulator> summary_;
    std::unique_ptr<report::progress_line> progress_;
    bool records_on_stdout_ = false;
    bool copied_ = false;  // the records also go to temp_, to be read back from there
    int fifo_hold_ = -1;   // a write end of the records' FIFO, until the scan-end record is in
};

// Reads and merges `inputs`, writes the reports `options` asks for, prints the summary
// to `summary_out` (nullptr or --quiet: none); returns the exit code (0, 1 or 4). The
// reports and the history name `sources` as where the records are, when given (a scan's
// temporary copy is no place to find them). `being_written`: the inputs another process's
// running scan still held (the report says "still running", not "killed"). Throws
// config_error for unreadable or malformed inputs or baseline.
int render_reports(const std::vector<std::filesystem::path>& inputs, const report_output_options& options,
                   std::FILE* summary_out, const std::vector<std::string>* sources = nullptr,
                   std::vector<std::string> being_written = {});

// Appends the "scan-end" record (end time, counts) to `ndjson` ("-": stdout). Throws
// std::runtime_error when it cannot be written.
void append_scan_end(const std::string& ndjson, const scan_summary& summary);

// The demo's reports: report.json, report.html, report.csv, junit.xml, report.sarif
// in `dir`, from `ndjson`, never failing the run (--fail-on none). Returns the paths.
std::vector<std::filesystem::path> write_demo_reports(const std::filesystem::path& dir, const std::string& ndjson);

// The "scan-start" record (report/scan_records.hpp) of a run with these options: tool
// version, start time, input, trust store, the options that shape the results.
report::scan_start describe_scan_start(const std::string& tool_version, const std::string& input,
                                       const pipeline_options& pipeline, const report_output_options& reports,
                                       time_point started_at);

// The "scan-end" record of a run that ended at `finished_at` with `summary`.
report::scan_end describe_scan_end(const scan_summary& summary, time_point finished_at);

}  // namespace tlsaudit::app
