// --config FILE (scanner/app/config_file.hpp): the TOML it takes (read by toml++),
// precedence against the command line, and FILE:LINE in every refusal, toml++'s own
// included. In-process, through the same CLI11 set-up as main().

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
    const auto& o = scan_with(
        "\xEF\xBB\xBF# a comment\n"
        "concurrency = 1_000     # digits may be grouped\n"
        "port = [ 443 , # a list over lines\n  8_443, ]\n"
        "ipv4-only = true\n"
        "dns-timeout = 2.5\n"
        "resolver = '127.0.0.1:53'\n"
        "fail-on = \"medium\"\n"
        "fail-on-errors = \"10%:dns\"\n"
        "starttls = \"smtp\"\n");
    EXPECT_EQ(o.pipeline.net.concurrency, 1000u);
    EXPECT_EQ(o.pipeline.parse.ports, (std::vector<std::uint16_t>{443, 8443}));
    EXPECT_TRUE(o.pipeline.net.ipv4_only);
    EXPECT_DOUBLE_EQ(o.dns_timeout_s, 2.5);
    EXPECT_EQ(o.pipeline.net.resolver, "127.0.0.1:53");
    EXPECT_EQ(o.reports.fail_on, "medium");
    EXPECT_EQ(o.reports.fail_on_errors, "10%:dns");
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
    EXPECT_EQ(refusal("\n\n[scan]\n"), where(3) +
                                           "tables ([section]) are not supported: write the scan options as "
                                           "top-level keys");
    EXPECT_EQ(refusal("retries = 1\nretries = 2\n"),
              where(2) + "Error while parsing key-value pair: cannot redefine existing integer 'retries'");
    EXPECT_EQ(refusal("# c\nport = [443,\n  8443\n"), where(3) + "Error while parsing array: encountered end-of-file");
    EXPECT_EQ(refusal("concurency = 5\n"),
              where(1) + "unknown key concurency: not an option of tlsaudit scan (did you mean concurrency?)");
    EXPECT_EQ(refusal("\"port\" = 1\n"), where(1) + "quoted keys are not supported: write the option name bare");
    EXPECT_EQ(refusal("ndjson = \"a\\qb\"\n"), where(1) + "Error while parsing string: unknown escape sequence '\\q'");
    EXPECT_EQ(refusal("port = []\n"), where(1) + "the array of port is empty");
    EXPECT_EQ(refusal("retries =\n"), where(1) + "Error while parsing key-value pair: expected value, saw '\\n'");
    EXPECT_EQ(refusal("retries = 1 \x01\n"),
              where(1) + "Error while parsing key-value pair: expected a comment or whitespace, saw '\\u0001'");
    // A bare word where a string belongs: TOML's own message, and the quotes it needs.
    EXPECT_EQ(refusal("fail-on = none\n"), where(1) +
                                               "Error while parsing floating-point: expected 'nan', saw 'no' "
                                               "(a text value needs quotes: fail-on = \"none\")");
    EXPECT_EQ(refusal("# c\n  probes = modern # why\n"),
              where(2) +
                  "Error while parsing value: could not determine value type (a text value needs quotes: "
                  "probes = \"modern\")");
    EXPECT_EQ(refusal("help = true\n"),
              where(1) +
                  "unknown key help: not an option of tlsaudit scan (keys are long option names without --; "
                  "see tlsaudit scan --help)");
}

TEST_F(config_file, numbers_are_checked_before_they_reach_the_options) {
    EXPECT_EQ(refusal("retries = 1e\n"),
              where(1) + "Error while parsing floating-point: expected decimal digit, saw '\\n'");
    EXPECT_EQ(refusal("retries = _1\n"), where(1) + "Error while parsing value: values may not begin with underscores");
    EXPECT_NE(refusal("concurrency = 0\n").find("--concurrency"), std::string::npos) << "CLI11 validates the value";
}

// CLI11 checks a value after the file is read, so its message names the option only: main()
// adds the file and line, unless the command line gave the option itself.
TEST_F(config_file, a_value_refused_after_reading_is_traced_to_its_line) {
    const auto file = write("f.toml", "# scan\nretries = 1\nconcurrency = 0\n");
    const auto origin = [&](std::vector<std::string> args) {
        args.insert(args.begin(), "tlsaudit");
        std::vector<const char*> argv;
        for (const auto& a : args) argv.push_back(a.c_str());
        try {
            cli_.app.parse(static_cast<int>(argv.size()), argv.data());
        } catch (const CLI::ParseError& e) {
            return config_value_origin(cli_.app, e.what(), static_cast<int>(argv.size()), argv.data());
        }
        return std::string("(accepted)");
    };
    EXPECT_EQ(origin({"scan", "--config", file, "t.txt"}), " (" + file + ":3)");
    EXPECT_EQ(origin({"scan", "--config", file, "t.txt", "--concurrency=0"}), "") << "the command line's own value";
}

TEST_F(config_file, toml_syntax_the_old_reader_lacked) {
    const auto& o = scan_with(
        "concurrency = 0x10\r\n"
        "ndjson = \"\"\"\nout\\u002Endjson\"\"\"\n"
        "json = \'\'\'r.json\'\'\'\n"
        "dns-timeout = 25e-1\n");
    EXPECT_EQ(o.pipeline.net.concurrency, 16u);
    EXPECT_EQ(o.pipeline.ndjson, "out.ndjson") << "a multi-line string drops its first line break";
    EXPECT_EQ(o.reports.json, "r.json");
    EXPECT_DOUBLE_EQ(o.dns_timeout_s, 2.5);
}

TEST_F(config_file, a_float_stays_a_float) {
    // As on the command line: --concurrency 2.0 is not an integer.
    EXPECT_NE(refusal("concurrency = 2.0\n").find("--concurrency"), std::string::npos);
    EXPECT_DOUBLE_EQ(scan_with("dns-timeout = 3.0\n").dns_timeout_s, 3.0);
}

TEST_F(config_file, values_no_option_takes) {
    const std::string must =
        "the value of retries must be a \"quoted string\", a number, true/false or an [array], not ";
    EXPECT_EQ(refusal("\nretries = 1979-05-27\n"), where(2) + must + "a date");
    EXPECT_EQ(refusal("retries = 07:32:00\n"), where(1) + must + "a time");
    EXPECT_EQ(refusal("retries = 1979-05-27T07:32:00Z\n"), where(1) + must + "a date-time");
    EXPECT_EQ(refusal("retries = {a = 1}\n"), where(1) + must + "an inline table");
    EXPECT_EQ(refusal("retries = inf\n"), where(1) + must + "inf");
    EXPECT_EQ(refusal("retries = nan\n"), where(1) + must + "nan");
    EXPECT_EQ(refusal("retries = [1,\n  {a = 1}]\n"), where(2) + must + "an inline table");
    EXPECT_EQ(refusal("port = [443,\n  [8443]]\n"), where(2) + "nested arrays are not supported (port)");
}

TEST_F(config_file, tables_dotted_and_quoted_keys) {
    const std::string tables = "tables ([section]) are not supported: write the scan options as top-level keys";
    EXPECT_EQ(refusal("retries = 1\n  [[scan]]\n"), where(2) + tables);
    EXPECT_EQ(refusal("\n\xEF\xBB\xBF"),
              where(2) + "Error while parsing root table: expected space or tab, saw '\\uFEFF'")
        << "a byte order mark only at the start";
    EXPECT_EQ(refusal("\xEF\xBB\xBF[scan]\n"), where(1) + tables);
    EXPECT_EQ(refusal("retries = 1\n\tscan.retries = 2\n"), where(2) + "dotted keys are not supported: `scan.` ...");
    EXPECT_EQ(refusal("\xEF\xBB\xBFscan . retries = 2\n"), where(1) + "dotted keys are not supported: `scan.` ...");
    EXPECT_EQ(refusal("retries = 1\n  'port' = 1\n"),
              where(2) + "quoted keys are not supported: write the option name bare");
}

TEST_F(config_file, refusals_go_in_file_order_values_before_keys) {
    // toml++ holds keys sorted by name; the refusal is still the file's first problem.
    EXPECT_EQ(refusal("zzz = 1\naaa = 2\n").substr(0, where(1).size() + 15), where(1) + "unknown key zzz");
    EXPECT_EQ(refusal("xyzzy = 1\nport = []\n"), where(2) + "the array of port is empty");
}

TEST_F(config_file, larger_than_a_mebibyte_is_not_a_config_file) {
    EXPECT_EQ(refusal(std::string((1 << 20) + 1, '#')),
              (dir_ / "f.toml").string() + ": larger than 1 MiB, not a config file");
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
