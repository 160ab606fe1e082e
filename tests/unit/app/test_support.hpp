#pragma once
// Shared by the app unit tests: the command line as main() builds it, parsed in-process.

#include "config_file.hpp"
#include "report_command.hpp"
#include "scan_command.hpp"

#include "../../support/scratch_dir.hpp"

#include <CLI/CLI.hpp>

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tlsaudit::app::testing {

using tlsaudit::testing::scratch_dir;

// `tlsaudit` with the scan and report subcommands and --config, as main() sets them up.
struct command_line {
    CLI::App app{"tlsaudit", "tlsaudit"};
    scan_command_options scan_options;
    report_command_options report_options;
    CLI::App* scan = nullptr;

    command_line() {
        app.require_subcommand(1);
        scan = setup_scan(app, scan_options);
        setup_config_file(app, *scan);
        setup_report(app, report_options);
    }

    // Parses `args` (without the program name). Throws CLI::ParseError as main() sees it.
    void parse(std::vector<std::string> args) {
        args.insert(args.begin(), "tlsaudit");
        std::vector<const char*> argv;
        for (const auto& a : args) argv.push_back(a.c_str());
        app.parse(static_cast<int>(argv.size()), argv.data());
    }
};

}  // namespace tlsaudit::app::testing
