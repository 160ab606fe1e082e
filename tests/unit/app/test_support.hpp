#pragma once
// Shared by the app unit tests: a scratch directory per test, and the command line as
// main() builds it, parsed in-process.

#include "config_file.hpp"
#include "report_command.hpp"
#include "scan_command.hpp"

#include <CLI/CLI.hpp>

#include <gtest/gtest.h>

#include <fmt/format.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace tlsaudit::app::testing {

class scratch_dir : public ::testing::Test {
protected:
    std::filesystem::path dir_ = std::filesystem::temp_directory_path() /
                                 fmt::format("tlsaudit-app-{}-{}", ::getpid(),
                                             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    void SetUp() override { std::filesystem::create_directories(dir_); }
    void TearDown() override { std::filesystem::remove_all(dir_); }

    std::string write(const std::string& name, const std::string& text) const {
        std::ofstream(dir_ / name, std::ios::binary) << text;
        return (dir_ / name).string();
    }
    static std::string read(const std::filesystem::path& p) {
        std::ifstream in(p, std::ios::binary);
        std::stringstream s;
        s << in.rdbuf();
        return s.str();
    }
};

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
