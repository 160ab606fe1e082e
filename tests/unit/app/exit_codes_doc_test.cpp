// The exit-code table of docs/exit-codes.md agrees with the codes the binary returns
// (exit_codes.hpp, and 128 + the signal from interrupt.hpp): a new code without a row, a
// row for a code that no longer exists, or a code listed twice fails.

#include "exit_codes.hpp"
#include "interrupt.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace tlsaudit::app {
namespace {

std::string read_file(const char* path) {
    std::ifstream in(path);
    EXPECT_TRUE(in) << "cannot read " << path;
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// name -> value of every `inline constexpr int NAME = N;` in the header's namespace
// exit_code, read from the source so that a constant added there is seen here.
std::map<std::string, int> header_codes() {
    const std::string text = read_file(TLSAUDIT_EXIT_CODES_HPP);
    const auto begin = text.find("namespace exit_code {");
    const auto end = text.find("}  // namespace exit_code", begin);
    EXPECT_NE(begin, std::string::npos);
    EXPECT_NE(end, std::string::npos);
    if (begin == std::string::npos || end == std::string::npos) return {};
    const std::string block = text.substr(begin, end - begin);
    static const std::regex constant(R"(inline\s+constexpr\s+int\s+(\w+)\s*=\s*(\d+)\s*;)");
    std::map<std::string, int> out;
    for (std::sregex_iterator it(block.begin(), block.end(), constant), last; it != last; ++it)
        out[(*it)[1].str()] = std::stoi((*it)[2].str());
    return out;
}

// (code, meaning) for each row of the table whose header is "| code | meaning |".
std::vector<std::pair<int, std::string>> doc_rows() {
    std::istringstream text(read_file(TLSAUDIT_EXIT_CODES_DOC));
    static const std::regex row(R"(^\| (\d+) \| (.*) \|$)");
    std::vector<std::pair<int, std::string>> out;
    bool in_table = false;
    for (std::string line; std::getline(text, line);) {
        if (line.rfind("| code | meaning |", 0) == 0) in_table = true;
        if (line.rfind("|", 0) != 0) in_table = false;
        std::smatch m;
        if (in_table && std::regex_match(line, m, row)) out.emplace_back(std::stoi(m[1].str()), m[2].str());
    }
    return out;
}

TEST(exit_codes_doc, the_header_is_read_as_compiled) {
    const auto codes = header_codes();
    ASSERT_EQ(codes.size(), 5u);
    EXPECT_EQ(codes.at("ok"), exit_code::ok);
    EXPECT_EQ(codes.at("findings"), exit_code::findings);
    EXPECT_EQ(codes.at("usage"), exit_code::usage);
    EXPECT_EQ(codes.at("failed"), exit_code::failed);
    EXPECT_EQ(codes.at("scan_errors"), exit_code::scan_errors);
}

TEST(exit_codes_doc, every_code_has_exactly_one_row_and_every_row_is_a_code) {
    std::set<int> returned;
    for (const auto& [name, value] : header_codes()) returned.insert(value);
    returned.insert(interrupted_exit_code(SIGINT));
    returned.insert(interrupted_exit_code(SIGTERM));

    const auto rows = doc_rows();
    ASSERT_FALSE(rows.empty()) << "no exit-code table in " << TLSAUDIT_EXIT_CODES_DOC;
    std::set<int> documented;
    for (const auto& [code, meaning] : rows) {
        EXPECT_TRUE(documented.insert(code).second) << "exit code " << code << " has two rows";
        EXPECT_FALSE(meaning.empty()) << "exit code " << code << " has no meaning";
    }
    for (int code : returned)
        EXPECT_TRUE(documented.count(code)) << "exit code " << code << " is missing from docs/exit-codes.md";
    for (int code : documented)
        EXPECT_TRUE(returned.count(code)) << "docs/exit-codes.md lists " << code << ", which tlsaudit never returns";
}

}  // namespace
}  // namespace tlsaudit::app
