// Command-line options -> the configuration the pipeline and the records use
// (scan_command.hpp, starttls_options.hpp, revocation_options.hpp, shard_options.hpp,
// report_command.hpp: describe_scan_start / describe_scan_end).

#include "test_support.hpp"

#include "exit_codes.hpp"
#include "pipeline.hpp"
#include "shard_options.hpp"

#include <chrono>

namespace tlsaudit::app::testing {
namespace {

using namespace std::chrono_literals;

scan_command_options parsed_scan(std::vector<std::string> args) {
    command_line cli;
    args.insert(args.begin(), {"scan", "targets.txt"});
    cli.parse(args);
    apply_timeouts(cli.scan_options);
    return cli.scan_options;
}

TEST(scan_options, defaults) {
    const auto o = parsed_scan({});
    const auto& p = o.pipeline;
    EXPECT_EQ(p.parse.ports, (std::vector<std::uint16_t>{443}));
    EXPECT_TRUE(p.parse.dedupe);
    EXPECT_EQ(p.net.concurrency, 1000u);
    EXPECT_EQ(p.net.dns_timeout, 5000ms);
    EXPECT_EQ(p.net.connect_timeout, 5000ms);
    EXPECT_EQ(p.net.handshake_timeout, 10000ms);
    EXPECT_EQ(p.net.starttls_timeout, 10000ms);
    EXPECT_EQ(p.ndjson, "-");
    EXPECT_TRUE(p.audit.system_trust);
    EXPECT_FALSE(p.revocation.disabled);
    EXPECT_FALSE(p.revocation.hard);
    EXPECT_EQ(o.reports.fail_on, "high");
    EXPECT_EQ(o.reports.fail_on_errors, "all");
    EXPECT_FALSE(o.reports.ndjson_given);
}

TEST(scan_options, seconds_become_milliseconds) {
    const auto o = parsed_scan({"--dns-timeout", "0.25", "--connect-timeout", "2.5", "--handshake-timeout", "30",
                                "--starttls-timeout", "1.5"});
    EXPECT_EQ(o.pipeline.net.dns_timeout, 250ms);
    EXPECT_EQ(o.pipeline.net.connect_timeout, 2500ms);
    EXPECT_EQ(o.pipeline.net.handshake_timeout, 30000ms);
    EXPECT_EQ(o.pipeline.net.starttls_timeout, 1500ms);
}

TEST(scan_options, starttls_takes_its_port_unless_one_is_given) {
    EXPECT_EQ(parsed_scan({"--starttls", "smtp"}).pipeline.parse.ports, (std::vector<std::uint16_t>{25}));
    EXPECT_EQ(parsed_scan({"--starttls", "SMTP", "-p", "465,587"}).pipeline.parse.ports,
              (std::vector<std::uint16_t>{465, 587}));
    EXPECT_EQ(parsed_scan({"--starttls", "postgresql"}).pipeline.parse.starttls, "postgres");
    EXPECT_EQ(parsed_scan({"--starttls", "auto"}).pipeline.parse.ports, (std::vector<std::uint16_t>{443}));
}

TEST(scan_options, audit_revocation_and_outputs) {
    const auto o = parsed_scan({"--no-system-trust",
                                "--no-dedupe",
                                "--revocation",
                                "hard",
                                "--revocation-order",
                                "crl",
                                "--revocation-depth",
                                "all",
                                "--crl-max-bytes",
                                "1MiB",
                                "--ndjson",
                                "s.ndjson",
                                "--expiry-warn-days",
                                "14",
                                "--at",
                                "2021-01-20",
                                "--fail-on",
                                "none",
                                "--fail-on-errors",
                                "10%:dns,refused"});
    const auto& p = o.pipeline;
    EXPECT_FALSE(p.audit.system_trust);
    EXPECT_FALSE(p.parse.dedupe);
    EXPECT_TRUE(p.revocation.hard);
    EXPECT_EQ(p.revocation.checker.order, (std::vector{revocation::method::crl}));
    EXPECT_EQ(p.revocation.checker.depth, revocation::depth::all);
    EXPECT_EQ(p.revocation.checker.crl_max_bytes, 1u << 20);
    EXPECT_EQ(p.ndjson, "s.ndjson");
    EXPECT_TRUE(o.reports.ndjson_given);
    EXPECT_EQ(p.audit.expiry_warn_days, 14);
    EXPECT_EQ(p.audit.at, "2021-01-20");
    EXPECT_EQ(o.reports.fail_on, "none");
    EXPECT_EQ(o.reports.fail_on_errors, "10%:dns,refused");
}

TEST(scan_options, fetch_policy) {
    const auto defaults = parsed_scan({});
    EXPECT_TRUE(defaults.pipeline.audit.fetch.allow.empty());
    EXPECT_FALSE(defaults.pipeline.audit.fetch.allow_private);
    EXPECT_EQ(defaults.pipeline.audit.fetch.max_destinations, 256u);
    const auto o = parsed_scan({"--fetch-allow", "10.20.0.0/16", "--fetch-allow", "[::1]:8080", "--fetch-allow-private",
                                "--fetch-max-destinations", "9"});
    const auto& f = o.pipeline.audit.fetch;
    EXPECT_EQ(f.allow, (std::vector<std::string>{"10.20.0.0/16", "[::1]:8080"}));
    EXPECT_TRUE(f.allow_private);
    EXPECT_EQ(f.max_destinations, 9u);
}

TEST(scan_options, values_are_checked_at_parse_time) {
    // -4 with -6 is judged by value when the scan starts (cli_test: exit 2), so that
    // `ipv4-only = false` in a config file asks for nothing.
    const std::vector<std::vector<std::string>> cases{
        {"--concurrency", "0"},   {"--revocation", "strict"},   {"--at", "yesterday"},         {"--shard", "8/8"},
        {"--starttls", "gopher"}, {"--fail-on-errors", "some"}, {"--fail-on-errors", "5%:dsn"}};
    for (const auto& bad : cases) {
        command_line cli;
        std::vector<std::string> args{"scan", "targets.txt"};
        args.insert(args.end(), bad.begin(), bad.end());
        EXPECT_THROW(cli.parse(args), CLI::ParseError) << bad.front();
    }
}

// The refusal says what is wrong in words: no CLI11 set notation, no option name twice,
// no 300-digit range.
TEST(scan_options, refusals_say_what_is_expected) {
    const std::vector<std::pair<std::vector<std::string>, std::string>> cases{
        {{"--starttls", "gopher"},
         "--starttls: unknown protocol 'gopher' (auto, smtp, imap, pop3, ftp, xmpp, postgres, ldap)"},
        {{"--crl-max-bytes", "0"}, "--crl-max-bytes: a size from 1 byte to 1TiB, e.g. 512KiB or 20MiB"},
        {{"--crl-max-bytes", "-5"}, "--crl-max-bytes: a size from 1 byte to 1TiB"},
        {{"--crl-max-bytes", "99999999999999999999"}, "--crl-max-bytes: a size from 1 byte to 1TiB"},
        {{"--crl-max-bytes", "2TiB"}, "--crl-max-bytes: a size from 1 byte to 1TiB"},
        {{"--fail-on-errors", "10%:dsn"}, "--fail-on-errors: '10%:dsn': unknown error class 'dsn'"},
        {{"--fail-on-new"}, "--fail-on-new requires --baseline"},
    };
    for (const auto& [bad, expected] : cases) {
        command_line cli;
        std::vector<std::string> args{"scan", "targets.txt"};
        args.insert(args.end(), bad.begin(), bad.end());
        try {
            cli.parse(args);
            ADD_FAILURE() << "accepted " << bad.front();
        } catch (const CLI::ParseError& e) {
            EXPECT_NE(std::string(e.what()).find(expected), std::string::npos) << e.what();
        }
    }
    // The protocol names are case-insensitive, and postgresql is postgres.
    EXPECT_EQ(parsed_scan({"--starttls", "SMTP"}).pipeline.parse.starttls, "smtp");
    EXPECT_EQ(parsed_scan({"--starttls", "postgresql"}).pipeline.parse.starttls, "postgres");
}

TEST(scan_start, states_the_options_that_shape_the_results) {
    auto o = parsed_scan({"-p",
                          "443,8443",
                          "-c",
                          "50",
                          "--threads",
                          "2",
                          "--rate",
                          "10",
                          "--retries",
                          "0",
                          "-4",
                          "--resolver",
                          "127.0.0.1:5353",
                          "--connect-timeout",
                          "2",
                          "--rules",
                          "r.json",
                          "--fail-on-new",
                          "--baseline",
                          "/dev/null",  // --fail-on-new needs one, and it must exist
                          "--ca-file",
                          "/dev/null"});
    o.pipeline.audit.extra_roots = {bytes{1}, bytes{2}};
    o.reports.baseline = "last.json";
    const time_point started = std::chrono::sys_days{std::chrono::year{2026} / 1 / 2} + 3h;
    const auto s = describe_scan_start("1.2.3", "targets.txt", o.pipeline, o.reports, started);
    EXPECT_EQ(s.tool_version, "1.2.3");
    EXPECT_EQ(s.started_at, started);
    EXPECT_EQ(s.input, "targets.txt");
    EXPECT_TRUE(s.trust.system);
    EXPECT_EQ(s.trust.ca_files, (std::vector<std::string>{"/dev/null"}));
    EXPECT_TRUE(s.trust.ca_dirs.empty());
    EXPECT_EQ(s.trust.lab_roots, 2u);
    const auto& t = s.settings;
    EXPECT_EQ(t.ports, (std::vector<std::uint16_t>{443, 8443}));
    EXPECT_EQ(t.concurrency, 50u);
    EXPECT_EQ(t.threads, 2u);
    EXPECT_DOUBLE_EQ(t.rate, 10.0);
    EXPECT_EQ(t.retries, 0);
    EXPECT_TRUE(t.ipv4_only);
    EXPECT_FALSE(t.ipv6_only);
    EXPECT_EQ(t.resolver, "127.0.0.1:5353");
    EXPECT_EQ(t.dns_timeout, 5000ms);
    EXPECT_EQ(t.connect_timeout, 2000ms);
    EXPECT_EQ(t.handshake_timeout, 10000ms);
    EXPECT_EQ(t.fail_on, "high");
    EXPECT_TRUE(t.fail_on_new);
    EXPECT_EQ(t.baseline, "last.json");
    EXPECT_EQ(t.rules, std::optional<std::string>("r.json"));
    EXPECT_EQ(t.at, "");
    EXPECT_EQ(t.expiry_warn_days, 30);
}

TEST(scan_end, from_the_summary) {
    scan_summary summary;
    summary.targets = 5;
    summary.endpoints = 7;
    summary.input_errors = 1;
    summary.resumed_targets = 2;
    summary.fetch_destinations = 3;
    summary.fetch_bytes = 4096;
    summary.fetch_refused = 1;
    const time_point finished = std::chrono::sys_days{std::chrono::year{2026} / 1 / 2} + 4h;
    auto e = describe_scan_end(summary, finished);
    EXPECT_EQ(e.finished_at, finished);
    EXPECT_EQ(e.targets, 5u);
    EXPECT_EQ(e.endpoints, 7u);
    EXPECT_EQ(e.input_errors, 1u);
    EXPECT_EQ(e.resumed_targets, 2u);
    EXPECT_EQ(e.fetch_destinations, 3u);
    EXPECT_EQ(e.fetch_bytes, 4096u);
    EXPECT_EQ(e.fetch_refused, 1u);
    EXPECT_TRUE(e.complete);
    summary.interrupted = true;
    EXPECT_FALSE(describe_scan_end(summary, finished).complete) << "stopped by a signal: targets are missing";
}

TEST(shard_selection, from_the_option_or_the_job_index) {
    selection_options o;
    EXPECT_EQ(resolve_shard(o, nullptr).count, 1u) << "the whole input";
    o.shard = "2/8";
    auto s = resolve_shard(o, "5");
    EXPECT_EQ(s.index, 2u) << "--shard wins over JOB_COMPLETION_INDEX";
    EXPECT_EQ(s.count, 8u);
    o.shard.clear();
    o.shards = 4;
    s = resolve_shard(o, "3");
    EXPECT_EQ(s.index, 3u);
    EXPECT_EQ(s.count, 4u);
    EXPECT_THROW(resolve_shard(o, nullptr), config_error);
    EXPECT_THROW(resolve_shard(o, "4"), config_error);
    EXPECT_THROW(resolve_shard(o, "x"), config_error);
}

}  // namespace
}  // namespace tlsaudit::app::testing
