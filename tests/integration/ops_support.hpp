#pragma once
// Helpers for the sharding, dry-run and config-file tests of the real binary.

#include "../support/scoped_env.hpp"

#include "cli_support.hpp"

#include <gtest/gtest.h>

#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace tlsaudit::testing {

// A fresh directory per test, removed afterwards.
class ops_dir : public ::testing::Test {
protected:
    std::filesystem::path dir_ =
        std::filesystem::temp_directory_path() /
        fmt::format("tlsaudit-ops-{}-{}", ::getpid(), ::testing::UnitTest::GetInstance()->current_test_info()->name());
    ops_dir() { std::filesystem::create_directories(dir_); }  // members may write files
    void TearDown() override { std::filesystem::remove_all(dir_); }

    std::string write(const std::string& name, const std::string& text) const {
        const auto path = dir_ / name;
        std::ofstream(path, std::ios::binary) << text;
        return path.string();
    }
};

inline std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

}  // namespace tlsaudit::testing
