// tlsaudit: find every TLS endpoint affected by a CA change, and prove it.

#include "demo_command.hpp"
#include "exit_codes.hpp"
#include "scan_command.hpp"

#include <CLI/CLI.hpp>

#include <fmt/format.h>

#include <exception>
#include <stdexcept>

#ifndef TLSAUDIT_VERSION
#define TLSAUDIT_VERSION "0.0.0"
#endif

namespace {

constexpr const char* exit_codes_help = R"(Exit codes:
  0  the scan ran (per-target failures are records in the output, not exit codes)
  2  usage or configuration error (nothing was scanned)
  3  the scan could not run (environment failure, e.g. output not writable))";

}  // namespace

int main(int argc, char** argv) {
    using namespace tlsaudit::app;
    CLI::App app("tlsaudit " TLSAUDIT_VERSION " - audit the TLS certificate chains your endpoints serve", "tlsaudit");
    app.set_version_flag("-V,--version", "tlsaudit " TLSAUDIT_VERSION);
    app.require_subcommand(1);
    app.footer(exit_codes_help);

    scan_command_options scan_options;
    demo_command_options demo_options;
    auto* scan = setup_scan(app, scan_options);
    auto* demo = setup_demo(app, demo_options);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int code = app.exit(e);
        return code == 0 ? exit_code::ok : exit_code::usage;
    }
    try {
        if (scan->parsed()) return run_scan_command(scan_options);
        if (demo->parsed()) return run_demo_command(demo_options);
    } catch (const config_error& e) {
        fmt::print(stderr, "tlsaudit: {}\n", e.what());
        return exit_code::usage;
    } catch (const std::invalid_argument& e) {
        fmt::print(stderr, "tlsaudit: {}\n", e.what());
        return exit_code::usage;
    } catch (const std::exception& e) {
        fmt::print(stderr, "tlsaudit: {}\n", e.what());
        return exit_code::failed;
    }
    return exit_code::usage;
}
