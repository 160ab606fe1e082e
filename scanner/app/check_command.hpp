#pragma once
// `tlsaudit check FILE.pem`: audit a saved chain offline with the same code and the
// same record as `scan` (no connection is opened, except AIA fetches with
// --fetch-missing).

#include "audit_runtime.hpp"

#include <CLI/App.hpp>

#include <memory>
#include <string>
#include <vector>

namespace tlsaudit::app {

struct check_command_options {
    std::string file;              // PEM: leaf first, then what the server would send
    std::string host;              // name to check the leaf against; empty: no hostname check
    std::string ndjson = "-";      // the endpoint record ('-': stdout)
    std::string fail_on = "high";  // exit 1 when a finding is at least this severe; "none": never
    bool quiet = false;            // no human-readable report on stderr
    audit_settings audit;
};

struct checked_chain {
    endpoint_result result;                        // the record a scan would write
    std::shared_ptr<const chain_verdict> verdict;  // the validation behind it
};

// The record's target for --host, read as a target line ("www.example.com", "192.0.2.1",
// "host:8443"): an IP literal has no SNI, a name is normalised as `scan` does; an empty
// target for "". Throws config_error for what is not one target.
target check_target(const std::string& host);

// The audit `check` runs, on a chain already in memory: parses it, validates and audits
// it with `runtime`; `input` (the file) is the record's target.input, and its target.host
// when `host` is empty. Thread-safe.
checked_chain audit_saved_chain(std::vector<bytes> chain, const std::string& host, const std::string& input,
                                audit_runtime& runtime);

CLI::App* setup_check(CLI::App& app, check_command_options& options);

// Returns the exit code (1 when a finding reaches --fail-on, as `scan` does; else 0). Throws config_error for an
// unreadable or certificate-less FILE, a bad rules file or trust option, and
// std::runtime_error when the output cannot be written.
int run_check_command(const check_command_options& options);

}  // namespace tlsaudit::app
