#pragma once
// `tlsaudit scan`: options, their CLI11 wiring, and running them.

#include "pipeline.hpp"
#include "report_command.hpp"
#include "shard_options.hpp"
#include "starttls_options.hpp"

#include <CLI/App.hpp>

#include <string>

namespace tlsaudit::app {

struct scan_command_options {
    std::string input = "-";  // target file, "-" for stdin
    pipeline_options pipeline;
    double connect_timeout_s = 5;
    double handshake_timeout_s = 10;
    double dns_timeout_s = 5;
    starttls_settings starttls;     // --starttls, --starttls-timeout (starttls_options.hpp)
    report_output_options reports;  // --json, --html, ..., --fail-on, --baseline (report_command.hpp)
    selection_options selection;    // --shard, --shards, --dry-run (shard_options.hpp)
    std::string resume;             // --resume FILE.ndjson: carry on an interrupted scan (resume.hpp)
    std::string config_file;        // the top level's --config FILE, if given: an input no output may name
};

// Adds the options every scanning subcommand shares (network, limits, outputs).
void add_scan_options(CLI::App& cmd, scan_command_options& options);

CLI::App* setup_scan(CLI::App& app, scan_command_options& options);

// Returns the process exit code (130/143 when stopped by SIGINT/SIGTERM, after the
// reports marked incomplete were written).
int run_scan_command(scan_command_options& options);

// Applies the second-based timeouts to the pipeline's scan config.
void apply_timeouts(scan_command_options& options);

}  // namespace tlsaudit::app
