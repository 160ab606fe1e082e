// --config FILE (scanner/app/config_file.hpp): the TOML subset it reads, precedence
// against the command line, and FILE:LINE in every refusal. In-process, through the
// same CLI11 set-up as main().

#include "test_support.hpp"

namespace tlsaudit::app::testing {
namespace {

class config_file : public scratch_dir {
protected:
    // Parses `scan --config FILE TARGETS extra...` and returns the options.
    const scan_command_options& scan_with(const std::string& toml, std::vector<std::string> extra = {}) {
        const auto file = write("f.toml", toml);
        std::vector<std::string> args{"scan", "--config", file, "targets.txt"};
        args.insert(args.end(), extra.begin(), extra.end());
        cli_.parse(args);
        return cli_.scan_options;
    }
    // The message of the CLI::ParseError the file causes.
    std::string refusal(const std::string& toml) {
        try {
            scan_with(toml);
        } catch (const CLI::ParseError& e) {
            return e.what();
        }
        return "(accepted)";
    }
    std::string where(int line) const { return (dir_ / "f.toml").string() + ":" + std::to_string(line) + ": "; }

    command_line cli_;
};

TEST_F(config_file, values_of_every_kind) {
    const auto& o = scan_with("\xEF\xBB\xBF# a comment\n"
                              "concurrency = 1_000     # digits may be grouped\n"
                              "port = [ 443 , # a list over lines\n  8_443, ]\n"
                              "ipv4-only = true\n"
                              "dns-timeout = 2.5\n"
                              "resolver = '127.0.0.1:53'\n"
                              "fail-on = \"medium\"\n"
                              "starttls = \"smtp\"\n");
    EXPECT_EQ(o.pipeline.net.concurrency, 1000u);
    EXPECT_EQ(o.pipeline.parse.ports, (std::vector<std::uint16_t>{443, 8443}));
    EXPECT_TRUE(o.pipeline.net.ipv4_only);
    EXPECT_DOUBLE_EQ(o.dns_timeout_s, 2.5);
    EXPECT_EQ(o.pipeline.net.resolver, "127.0.0.1:53");
    EXPECT_EQ(o.reports.fail_on, "medium");
    EXPECT_EQ(o.pipeline.parse.starttls, "smtp");
    EXPECT_EQ(o.input, "targets.txt");
}

TEST_F(config_file, escapes_in_basic_strings_literal_strings_verbatim) {
    const auto& o = scan_with("ndjson = \"a\\\\b\\\"c\\td\"\njson = 'e\\f'\n");
    EXPECT_EQ(o.pipeline.ndjson, "a\\b\"c\td");
    EXPECT_EQ(o.reports.json, "e\\f");
}

TEST_F(config_file, the_command_line_wins_and_the_file_wins_over_defaults) {
    const auto& o = scan_with("concurrency = 7\nretries = 3\nport = [8443, 9443]\n", {"--concurrency", "9", "-p", "1"});
    EXPECT_EQ(o.pipeline.net.concurrency, 9u);
    EXPECT_EQ(o.pipeline.net.retries, 3);
    EXPECT_EQ(o.pipeline.parse.ports, (std::vector<std::uint16_t>{1}));
    EXPECT_EQ(o.pipeline.net.threads, 0u) << "a default";
}

TEST_F(config_file, the_target_list_comes_from_the_file_unless_given) {
    const auto file = write("f.toml", "targets = \"from-file.txt\"\n");
    cli_.parse({"scan", "--config", file});
    EXPECT_EQ(cli_.scan_options.input, "from-file.txt");
    command_line again;
    again.parse({"--config", file, "scan", "given.txt"});
    EXPECT_EQ(again.scan_options.input, "given.txt");
}

TEST_F(config_file, refusals_name_file_and_line) {
    EXPECT_EQ(refusal("\n\n[scan]\n"), where(3) + "tables ([section]) are not supported: write the scan options as "
                                                   "top-level keys");
    EXPECT_EQ(refusal("retries = 1\nretries = 2\n"), where(2) + "retries is already set on line 1");
    EXPECT_EQ(refusal("# c\nport = [443,\n  8443\n"), where(2) + "the array of port opened on line 2 is not closed");
    EXPECT_EQ(refusal("concurency = 5\n"),
              where(1) + "unknown key concurency: not an option of tlsaudit scan (did you mean concurrency?)");
    EXPECT_EQ(refusal("\"port\" = 1\n"), where(1) + "quoted keys are not supported: write the option name bare");
    EXPECT_EQ(refusal("ndjson = \"a\\qb\"\n"), where(1) + "unsupported escape \\q in the value of ndjson");
    EXPECT_EQ(refusal("port = []\n"), where(1) + "the array of port is empty");
    EXPECT_EQ(refusal("retries =\n"), where(1) + "missing value for retries");
    EXPECT_EQ(refusal("retries = 1 \x01\n"), where(1) + "unexpected '\\x01' after the value of retries");
    EXPECT_EQ(refusal("help = true\n"),
              where(1) + "unknown key help: not an option of tlsaudit scan (keys are long option names without --; "
                         "see tlsaudit scan --help)");
}

TEST_F(config_file, numbers_are_checked_before_they_reach_the_options) {
    EXPECT_EQ(refusal("retries = 1e\n"), where(1) + "the value of retries must be a \"quoted string\", a number, "
                                                    "true/false or an [array], not 1e");
    EXPECT_EQ(refusal("retries = _1\n"), where(1) + "the value of retries must be a \"quoted string\", a number, "
                                                    "true/false or an [array], not _1");
    EXPECT_NE(refusal("concurrency = 0\n").find("--concurrency"), std::string::npos) << "CLI11 validates the value";
}

TEST_F(config_file, larger_than_a_mebibyte_is_not_a_config_file) {
    EXPECT_EQ(refusal(std::string((1 << 20) + 1, '#')), (dir_ / "f.toml").string() + ": larger than 1 MiB, not a config file");
}

TEST_F(config_file, only_with_scan) {
    const auto file = write("f.toml", "concurrency = 5\n");
    const auto empty = write("empty.ndjson", "");
    try {
        cli_.parse({"--config", file, "report", empty});
        FAIL() << "accepted";
    } catch (const CLI::ParseError& e) {
        EXPECT_NE(std::string(e.what()).find("a config file holds scan options; use it with tlsaudit scan"),
                  std::string::npos)
            << e.what();
    }
}

}  // namespace
}  // namespace tlsaudit::app::testing
