// The rules catalogue: the compiled-in default, --rules documents, and refusals that
// name the field.

#include "test_support.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace tlsaudit::audit {
namespace {

using testing::at;

std::string error_of(const std::string& json) {
    try {
        parse_catalogue(json, "rules.json");
    } catch (const rules_error& e) {
        return e.what();
    }
    return "(accepted)";
}

const char* minimal_rule = R"({"id": "r1", "kind": "retired-intermediate", "severity": "high",
    "match": {"sha256": ["9E898ED03FA46969690DAD73C7296675045FF9B5A0100A399BEB8435A98F5185"]},
    "message": "m", "remediation": "r"})";

TEST(default_catalogue, parses_and_has_a_version) {
    const catalogue& c = default_catalogue();
    EXPECT_FALSE(c.version.empty());
    ASSERT_GE(c.rules.size(), 4u);
    const auto& gs = c.rules.front();
    EXPECT_EQ(gs.id, "globalsign-rsa-dv-ssl-ca-2018");
    EXPECT_EQ(gs.kind, rule_kind::retired_intermediate);
    EXPECT_EQ(gs.level, severity::high);
    EXPECT_EQ(gs.match.sha256.front(), "9e898ed03fa46969690dad73c7296675045ff9b5a0100a399beb8435a98f5185");
    EXPECT_NE(gs.remediation.find("GlobalSign GCC R3 DV TLS CA 2020"), std::string::npos);
    EXPECT_NE(gs.remediation.find("new key pair"), std::string::npos);
}

TEST(default_catalogue, entrust_cut_offs_per_program) {
    const auto& rules = default_catalogue().rules;
    auto it =
        std::find_if(rules.begin(), rules.end(), [](const rule& r) { return r.id == "entrust-tls-distrust-2024"; });
    ASSERT_NE(it, rules.end());
    ASSERT_EQ(it->programs.size(), 3u);
    EXPECT_EQ(it->programs[0].name, "Chrome 131+");
    EXPECT_TRUE(it->programs[0].use_sct);
    EXPECT_EQ(it->programs[0].after, at("2024-11-11T23:59:59Z"));
    EXPECT_FALSE(it->programs[1].use_sct);
}

TEST(parse_catalogue, replaces_the_default_unless_extending) {
    const auto replaced =
        parse_catalogue(std::string(R"({"version": "mine-1", "rules": [)") + minimal_rule + "]}", "x");
    EXPECT_EQ(replaced.version, "mine-1");
    ASSERT_EQ(replaced.rules.size(), 1u);

    const auto extended = parse_catalogue(std::string(R"({"version": "mine-2", "extends": "default",
        "severities": {"cert-expiring": "low"}, "rules": [)") +
                                              minimal_rule + "]}",
                                          "x");
    EXPECT_EQ(extended.version, "mine-2");
    EXPECT_EQ(extended.rules.size(), default_catalogue().rules.size() + 1);
    EXPECT_EQ(extended.level_of("cert-expiring", severity::medium), severity::low);
    EXPECT_EQ(extended.level_of("weak-key", severity::medium), severity::medium);
}

TEST(parse_catalogue, a_rule_with_a_default_id_replaces_it) {
    const auto c = parse_catalogue(R"({"version": "v", "extends": "default", "rules": [
        {"id": "globalsign-rsa-dv-ssl-ca-2018", "kind": "retired-intermediate", "severity": "critical",
         "match": {"spki_sha256": ["CD:FF:A2:FD:F6:AC:5B:80:0B:7B:A3:CC:F5:71:66:46:D2:8D:FC:71:42:A5:A9:A5:AB:61:4A:F3:3F:D5:BA:FB"]},
         "message": "m", "remediation": "r"}]})",
                                   "x");
    EXPECT_EQ(c.rules.size(), default_catalogue().rules.size());
    EXPECT_EQ(c.rules.front().level, severity::critical);
    // Colons removed, case normalised.
    EXPECT_EQ(c.rules.front().match.spki_sha256.front(),
              "cdffa2fdf6ac5b800b7ba3ccf5716646d28dfc7142a5a9a5ab614af33fd5bafb");
}

// What `tlsaudit rules` shows as a rule's level: the severities override of its finding id.
TEST(parse_catalogue, a_severity_override_is_the_rules_effective_level) {
    const auto c = parse_catalogue(
        R"({"version": "v", "extends": "default", "severities": {"deprecated-intermediate": "medium"}})", "r.json");
    const auto it = std::find_if(c.rules.begin(), c.rules.end(),
                                 [](const rule& r) { return r.id == "globalsign-rsa-dv-ssl-ca-2018"; });
    ASSERT_NE(it, c.rules.end());
    EXPECT_EQ(it->level, severity::high);
    EXPECT_EQ(effective_level(c, *it), severity::medium);
    EXPECT_EQ(effective_level(default_catalogue(), *it), severity::high);
    ASSERT_TRUE(it->retired_on);
    EXPECT_EQ(*it->retired_on, *parse_time("2021-01-21"));
}

// A byte order mark is skipped (editors write one); data after the document is refused
// as such (it was called "incomplete JSON").
TEST(parse_catalogue, a_byte_order_mark_is_skipped_and_trailing_data_refused) {
    EXPECT_EQ(parse_catalogue("\xEF\xBB\xBF{\"version\": \"bom\", \"extends\": \"default\"}", "r.json").version, "bom");
    EXPECT_EQ(error_of(R"({"version": "v", "extends": "default"} {"version": "w"})"),
              "rules.json:1:40: invalid JSON: more after the end of the document");
}

TEST(parse_catalogue, syntax_errors_give_line_and_column) {
    EXPECT_EQ(error_of("{\n  \"version\": \"v\",\n  \"rules\": [,]\n}"), "rules.json:3:13: invalid JSON: syntax error");
}

TEST(parse_catalogue, errors_name_the_field) {
    EXPECT_EQ(error_of(R"({"rules": []})"), "rules.json: version: missing");
    EXPECT_EQ(error_of(R"({"version": "v", "rulez": []})"), "rules.json: rulez: unknown field");
    EXPECT_EQ(error_of(R"({"version": "v", "rules": {}})"), "rules.json: rules: expected an array");
    EXPECT_EQ(error_of(std::string(R"({"version": "v", "rules": [)") + minimal_rule + R"(, {"id": "r2",
        "kind": "retired-intermediate", "match": {"sha256": ["abc"]}, "message": "m", "remediation": "r"}]})"),
              "rules.json: rules[1].match.sha256[0]: expected 64 hex digits (SHA-256)");
    EXPECT_EQ(error_of(R"({"version": "v", "rules": [{"id": "r", "kind": "retired-intermediate", "severity": "urgent",
        "match": {"sha256": []}, "message": "m", "remediation": "r"}]})"),
              "rules.json: rules[0].severity: expected one of info, low, medium, high, critical");
    EXPECT_EQ(error_of(R"({"version": "v", "rules": [{"id": "r", "kind": "distrusted-ca", "match": {"spki_sha256":
        ["cdffa2fdf6ac5b800b7ba3ccf5716646d28dfc7142a5a9a5ab614af33fd5bafb"]}, "message": "m", "remediation": "r",
        "distrust": [{"program": "X", "after": "2024-13-01", "basis": "not-before"}]}]})"),
              "rules.json: rules[0].distrust[0].after: '2024-13-01' is not an RFC 3339 date or date-time");
    // An impossible month would never be reached: the blocklisting would apply at once.
    for (const char* month : {"2099-13", "2099-00", "2099-02-30"}) {
        EXPECT_EQ(error_of(std::string(R"({"version": "v", "rules": [{"id": "r", "kind": "distrusted-ca", "match":
        {"spki_sha256": ["cdffa2fdf6ac5b800b7ba3ccf5716646d28dfc7142a5a9a5ab614af33fd5bafb"]}, "message": "m",
        "remediation": "r", "distrust": [{"program": "X", "basis": "blocklist", "since": ")") +
                           month + R"("}]}]})"),
                  "rules.json: rules[0].distrust[0].since: expected YYYY-MM-DD or YYYY-MM")
            << month;
    }
    EXPECT_EQ(error_of(R"({"version": "v", "rules": [{"id": "r", "kind": "retired-intermediate",
        "match": {"subject_cn": ["X"]}, "message": "m", "remediation": "r"}]})"),
              "rules.json: rules[0].match: needs at least one sha256 or spki_sha256 (a name alone identifies nothing)");
    EXPECT_EQ(error_of(std::string(R"({"version": "v", "rules": [)") + minimal_rule + "," + minimal_rule + "]}"),
              "rules.json: rules[1].id: duplicate rule id 'r1'");
    EXPECT_EQ(error_of(R"({"version": "v", "severities": {"weak-key": 3}, "rules": []})"),
              "rules.json: severities.weak-key: expected a string");
    // A misspelt finding id, or a rule id, would change nothing: refused, with the nearest id.
    EXPECT_EQ(error_of(R"({"version": "v", "severities": {"cert-expird": "low"}, "rules": []})"),
              "rules.json: severities.cert-expird: not a finding id (severities take the ids of docs/findings.md, "
              "e.g. deprecated-intermediate; a rule's own level is its \"severity\"); did you mean cert-expired?");
    EXPECT_THAT(error_of(R"({"version": "v", "severities": {"globalsign-rsa-dv-ssl-ca-2018": "low"}, "rules": []})"),
                ::testing::HasSubstr("severities.globalsign-rsa-dv-ssl-ca-2018: not a finding id"));
    EXPECT_EQ(error_of(std::string(R"({"version": "v", "rules": [{"id": "r", "kind": "discontinued-issuer",
        "retired_on": "2021-01-21", "match": {"spki_sha256":
        ["cdffa2fdf6ac5b800b7ba3ccf5716646d28dfc7142a5a9a5ab614af33fd5bafb"]}, "message": "m", "remediation": "r"}]})")),
              "rules.json: rules[0].retired_on: belongs to retired-intermediate rules");
    EXPECT_EQ(error_of(R"({"version": "v", "rules": [{"id": "r", "kind": "retired-intermediate", "retired_on": "2021",
        "match": {"spki_sha256": ["cdffa2fdf6ac5b800b7ba3ccf5716646d28dfc7142a5a9a5ab614af33fd5bafb"]},
        "message": "m", "remediation": "r"}]})"),
              "rules.json: rules[0].retired_on: expected a date YYYY-MM-DD");
    EXPECT_EQ(error_of(R"({"version": "v", "rules": [{"id": "r", "kind": "pinned", "match": {}, "message": "m",
        "remediation": "r"}]})"),
              "rules.json: rules[0].kind: unknown kind 'pinned' (expected retired-intermediate, distrusted-ca, "
              "discontinued-issuer or root-removal)");
}

TEST(load_catalogue, unreadable_file_is_an_environment_error) {
    EXPECT_THROW(load_catalogue("/nonexistent/rules.json"), std::runtime_error);
    const auto path =
        std::filesystem::temp_directory_path() / ("tlsaudit_rules_test-" + std::to_string(::getpid()) + ".json");
    std::ofstream(path) << R"({"version": 1})";
    try {
        load_catalogue(path);
        FAIL() << "accepted";
    } catch (const rules_error& e) {
        EXPECT_EQ(std::string(e.what()), path.string() + ": version: expected a string");
    }
    std::filesystem::remove(path);
    // A missing file says why; an endless one (/dev/zero) is refused at 64 MiB, not read on.
    try {
        load_catalogue("/nonexistent/rules.json");
    } catch (const std::runtime_error& e) {
        EXPECT_EQ(std::string(e.what()), "cannot read rules file /nonexistent/rules.json: No such file or directory");
    }
    try {
        load_catalogue("/dev/zero");
        FAIL() << "accepted";
    } catch (const std::runtime_error& e) {
        EXPECT_EQ(std::string(e.what()), "rules file /dev/zero is larger than 64 MiB: not a rules file");
    }
}

// Many rules load in linear time: each id checked against a set, not every rule before it.
TEST(parse_catalogue, many_rules_load_and_replace_by_id) {
    std::string text = R"({"version": "many", "extends": "default", "rules": [)";
    for (int i = 0; i < 20'000; ++i)
        text += fmt::format(R"({}{{"id": "r{}", "kind": "retired-intermediate", "match": {{"sha256": ["{:064x}"]}},
            "message": "m", "remediation": "r"}})",
                            i == 0 ? "" : ",", i, i);
    text += R"(, {"id": "globalsign-rsa-dv-ssl-ca-2018", "kind": "retired-intermediate", "match": {"sha256":
        ["0000000000000000000000000000000000000000000000000000000000000001"]}, "message": "m", "remediation": "r"}]})";
    const auto c = parse_catalogue(text, "many.json");
    EXPECT_EQ(c.rules.size(), default_catalogue().rules.size() + 20'000);
    const auto replaced = std::find_if(c.rules.begin(), c.rules.end(),
                                       [](const rule& r) { return r.id == "globalsign-rsa-dv-ssl-ca-2018"; });
    ASSERT_NE(replaced, c.rules.end());
    EXPECT_EQ(replaced->message, "m");
}

TEST(parse_time, accepts_rfc3339_and_dates) {
    using namespace std::chrono;
    EXPECT_EQ(parse_time("2021-01-20"), sys_seconds(sys_days(year{2021} / 1 / 20)));
    EXPECT_EQ(parse_time("2021-01-20T12:00:00Z"), sys_seconds(sys_days(year{2021} / 1 / 20)) + hours(12));
    EXPECT_EQ(parse_time("2021-01-20 12:00:00.250z"), sys_seconds(sys_days(year{2021} / 1 / 20)) + hours(12));
    EXPECT_EQ(parse_time("2021-01-20T12:00:00+08:00"), sys_seconds(sys_days(year{2021} / 1 / 20)) + hours(4));
    EXPECT_EQ(parse_time("2021-01-20T00:30:00-01:00"), sys_seconds(sys_days(year{2021} / 1 / 20)) + minutes(90));
    for (const char* bad :
         {"", "2021", "2021-1-20", "2021-02-30", "2021-01-20T12:00", "2021-01-20T12:00:00", "2021-01-20T25:00:00Z",
          "2021-01-20T12:00:00Zjunk", "yesterday", "2021-01-20T12:00:00+0800"})
        EXPECT_FALSE(parse_time(bad).has_value()) << bad;
}

}  // namespace
}  // namespace tlsaudit::audit
