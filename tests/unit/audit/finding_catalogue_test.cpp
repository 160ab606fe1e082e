// The finding catalogue (include/tlsaudit/finding_catalogue.hpp) agrees with the table of
// findings in docs/findings.md and with the default rules, so the severity a user reads is
// the one the scanner gives.

#include <tlsaudit/finding_catalogue.hpp>
#include <tlsaudit/rules.hpp>

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace tlsaudit {
namespace {

std::vector<std::string> split(const std::string& text, const std::string& separator) {
    std::vector<std::string> out;
    std::size_t start = 0;
    for (std::size_t at; (at = text.find(separator, start)) != std::string::npos; start = at + separator.size())
        out.push_back(text.substr(start, at - start));
    out.push_back(text.substr(start));
    return out;
}

std::string trim(std::string s) {
    const auto first = s.find_first_not_of(" `");
    const auto last = s.find_last_not_of(" `");
    return first == std::string::npos ? std::string() : s.substr(first, last - first + 1);
}

// id -> severity text, from the rows of the docs' table of findings: the table whose
// header is "| id | severity | raised when |", up to its first non-table line.
std::map<std::string, std::string> docs_table() {
    std::ifstream in(TLSAUDIT_FINDINGS_DOC);
    std::map<std::string, std::string> out;
    bool in_table = false;
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("| id | severity |", 0) == 0) in_table = true;
        if (line.rfind("|", 0) != 0) in_table = false;
        if (!in_table || line.rfind("| `", 0) != 0) continue;
        const auto cells = split(line.substr(1), " | ");
        if (cells.size() < 2) continue;
        const auto ids = split(cells[0], " / ");
        const auto levels = split(cells[1], " / ");
        for (std::size_t i = 0; i < ids.size(); ++i)
            out[trim(ids[i])] = trim(levels.size() == ids.size() ? levels[i] : levels.front());
    }
    return out;
}

TEST(finding_catalogue, ids_are_unique_and_described) {
    std::set<std::string_view> ids;
    for (const auto& k : finding_kinds) {
        EXPECT_TRUE(ids.insert(k.id).second) << k.id;
        EXPECT_FALSE(k.title.empty()) << k.id;
        EXPECT_FALSE(k.description.empty()) << k.id;
        EXPECT_EQ(find_finding_kind(k.id), &k);
    }
    EXPECT_EQ(find_finding_kind("no-such-finding"), nullptr);
}

TEST(finding_catalogue, matches_the_docs_table) {
    const auto table = docs_table();
    ASSERT_GE(table.size(), 10u) << "the table of findings was not found in " << TLSAUDIT_FINDINGS_DOC;
    for (const auto& [id, level] : table) {
        const finding_kind* k = find_finding_kind(id);
        ASSERT_NE(k, nullptr) << id << " is in docs/findings.md but not in the catalogue";
        EXPECT_EQ(level, to_string(k->default_level)) << id;
    }
    for (const auto& k : finding_kinds)
        EXPECT_TRUE(table.count(std::string(k.id))) << k.id << " is missing from docs/findings.md's table";
}

TEST(finding_catalogue, default_rules_raise_at_the_catalogue_level) {
    constexpr known_finding retired = "deprecated-intermediate";
    constexpr known_finding name_only = "deprecated-intermediate-unconfirmed";
    constexpr known_finding distrusted = "issuer-distrusted";
    constexpr known_finding discontinued = "issuer-discontinued";
    constexpr known_finding removed = "root-program-untrusted";
    for (const auto& r : audit::default_catalogue().rules) {
        switch (r.kind) {
        case audit::rule_kind::retired_intermediate:
            EXPECT_EQ(r.level, retired.default_level()) << r.id;
            EXPECT_EQ(r.name_only_level, name_only.default_level()) << r.id;
            break;
        case audit::rule_kind::distrusted_ca: EXPECT_EQ(r.level, distrusted.default_level()) << r.id; break;
        case audit::rule_kind::discontinued_issuer: EXPECT_EQ(r.level, discontinued.default_level()) << r.id; break;
        case audit::rule_kind::root_removal: EXPECT_EQ(r.level, removed.default_level()) << r.id; break;
        }
    }
}

}  // namespace
}  // namespace tlsaudit
