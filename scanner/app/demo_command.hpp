#pragma once
// `tlsaudit demo`: start the built-in loopback lab, scan it, write the outputs.

#include "scan_command.hpp"

#include <CLI/App.hpp>

#include <filesystem>

namespace tlsaudit::app {

struct demo_command_options {
    std::filesystem::path out = "tlsaudit-demo";
    scan_command_options scan;
};

CLI::App* setup_demo(CLI::App& app, demo_command_options& options);

// Returns the process exit code.
int run_demo_command(demo_command_options& options);

}  // namespace tlsaudit::app
