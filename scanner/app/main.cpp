// tlsaudit: find every TLS endpoint affected by a CA change, and prove it.

#include "check_command.hpp"
#include "config_file.hpp"
#include "demo_command.hpp"
#include "diagnostics.hpp"
#include "exit_codes.hpp"
#include "history_command.hpp"
#include "report_command.hpp"
#include "rules_command.hpp"
#include "scan_command.hpp"

#include <CLI/CLI.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <exception>
#include <sstream>
#include <stdexcept>
#include <system_error>

#ifndef TLSAUDIT_VERSION
#define TLSAUDIT_VERSION "0.0.0"
#endif

namespace {

constexpr const char* exit_codes_help = R"(Exit codes:
  0  clean: no finding at or above --fail-on, and the scan errors within --fail-on-errors
  1  a finding at or above --fail-on SEVERITY (default high; with --fail-on-new: a new one)
  2  usage or configuration error, or an output that cannot be written (nothing was scanned)
  3  an environment failure while the scan ran (e.g. the disk filled up)
  4  too many endpoints could not be scanned (--fail-on-errors, default all: none could); 1 wins over 4
  130/143  stopped by SIGINT/SIGTERM: reports written, marked incomplete (carry on with --resume))";

// An option given an empty value ('--baseline ""', or `baseline = ""` in --config) would
// quietly mean "not given", or a file named "": refused, naming the option.
const CLI::Option* empty_value(const CLI::App& app) {
    for (const auto* option : app.get_options())  // --config is the top level's
        for (const auto& value : option->results())
            if (value.empty()) return option;
    for (const auto* sub : app.get_subcommands())
        if (const auto* found = empty_value(*sub)) return found;
    return nullptr;
}

// A repeatable option takes one value each time it is given: CLI11 lets a list option
// take every word that follows, so `--fetch-allow 127.0.0.1 targets.txt --dry-run` took
// the target list for a network.
void one_value_per_occurrence(CLI::App& app) {
    for (auto* option : app.get_options([](const CLI::Option* o) { return o->nonpositional(); }))
        if (option->get_items_expected_max() > 1) option->allow_extra_args(false);
    for (auto* sub : app.get_subcommands([](const CLI::App*) { return true; })) one_value_per_occurrence(*sub);
}

// What a command printed on standard output (a table, a summary, records) must have reached
// it: `tlsaudit rules > /dev/full` lost the table and exited 0. A command that already
// failed keeps its own code.
int checked_stdout(int code) {
    using namespace tlsaudit::app;
    if (std::fflush(stdout) == 0 && std::ferror(stdout) == 0) return code;
    const int error = errno;
    print_stderr("tlsaudit: cannot write to standard output: {}\n", std::generic_category().message(error));
    return code == exit_code::ok || code == exit_code::findings ? exit_code::failed : code;
}

}  // namespace

int main(int argc, char** argv) {
    using namespace tlsaudit::app;
    CLI::App app("tlsaudit " TLSAUDIT_VERSION " - audit the TLS certificate chains your endpoints serve", "tlsaudit");
    app.set_version_flag("-V,--version", "tlsaudit " TLSAUDIT_VERSION);
    app.require_subcommand(1);
    app.footer(exit_codes_help);

    scan_command_options scan_options;
    demo_command_options demo_options;
    check_command_options check_options;
    auto* scan = setup_scan(app, scan_options);
    setup_config_file(app, *scan);  // --config FILE (scan options)
    auto* demo = setup_demo(app, demo_options);
    auto* check = setup_check(app, check_options);
    report_command_options report_options;
    auto* report = setup_report(app, report_options);
    history_command_options history_command;
    auto* history = setup_history(app, history_command);
    rules_command_options rules_options;
    auto* rules = setup_rules(app, rules_options);

    one_value_per_occurrence(app);

    // CLI11 would only say that a subcommand is required.
    if (argc > 1 && argv[1][0] != '-') {
        const auto commands = app.get_subcommands([](const CLI::App*) { return true; });
        if (std::none_of(commands.begin(), commands.end(), [&](CLI::App* c) { return c->check_name(argv[1]); })) {
            std::string names;
            for (const auto* c : commands) names += (names.empty() ? "" : ", ") + c->get_name();
            print_stderr("tlsaudit: unknown command '{}' ({}; see tlsaudit --help)\n", argv[1], names);
            return exit_code::usage;
        }
    }
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        // A value from --config refused by CLI11's checks: say where it came from.
        if (const auto origin = config_value_origin(app, e.what(), argc, argv); !origin.empty()) {
            print_stderr("{}{}\nRun with --help for more information.\n", e.what(), origin);
            return exit_code::usage;
        }
        // CLI11's message quotes what was typed (a value, a path): printed as every message is.
        std::ostringstream help;
        std::ostringstream error;
        const int code = app.exit(e, help, error);
        std::fputs(help.str().c_str(), stdout);
        print_stderr("{}", error.str());
        // --help and --version: lost output is exit 3 here too.
        return code == 0 ? checked_stdout(exit_code::ok) : exit_code::usage;
    }
    if (const auto* option = empty_value(app)) {
        print_stderr("tlsaudit: {}: an empty value; give one, or leave the option out\n", option->get_name());
        return exit_code::usage;
    }
    try {
        if (const auto* config = app.get_option("--config"); scan->parsed() && config->count() > 0)
            scan_options.config_file = config->as<std::string>();
        int code = exit_code::usage;
        if (scan->parsed()) code = run_scan_command(scan_options);
        else if (demo->parsed()) code = run_demo_command(demo_options);
        else if (check->parsed()) code = run_check_command(check_options);
        else if (report->parsed()) code = run_report_command(report_options);
        else if (history->parsed()) code = run_history_command(*history, history_command);
        else if (rules->parsed()) code = run_rules_command(rules_options);
        return checked_stdout(code);
    } catch (const config_error& e) {
        print_stderr("tlsaudit: {}\n", e.what());
        return exit_code::usage;
    } catch (const std::invalid_argument& e) {
        print_stderr("tlsaudit: {}\n", e.what());
        return exit_code::usage;
    } catch (const std::exception& e) {
        print_stderr("tlsaudit: {}\n", e.what());
        return exit_code::failed;
    }
    return exit_code::usage;
}
