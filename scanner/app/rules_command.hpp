#pragma once
// `tlsaudit rules [--json] [--explain ID] [--rules FILE]`: the catalogue in force (the
// built-in one, or FILE as a scan would load it), its validity limits and the date of the
// Mozilla store data, as a table or JSON; --explain prints one rule in full.

#include <CLI/App.hpp>

#include <string>

namespace tlsaudit::app {

struct rules_command_options {
    bool json = false;
    std::string explain;  // a rule id
    std::string rules;    // a rules file; "": the built-in catalogue
};

CLI::App* setup_rules(CLI::App& app, rules_command_options& options);

// Writes to stdout; returns 0. Throws config_error for an unusable rules file, and
// std::invalid_argument for an --explain ID the catalogue does not have.
int run_rules_command(const rules_command_options& options);

}  // namespace tlsaudit::app
