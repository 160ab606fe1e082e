#include "scan_command.hpp"

#include "diagnostics.hpp"
#include "dry_run.hpp"
#include "exit_codes.hpp"
#include "fetch_options.hpp"
#include "help_groups.hpp"
#include "interrupt.hpp"
#include "limits.hpp"
#include "output_check.hpp"
#include "parse_check.hpp"
#include "resume.hpp"

#include <tlsaudit/report/finding_groups.hpp>
#include <tlsaudit/report/output_file.hpp>

#include "number_checks.hpp"

#include <CLI/CLI.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <optional>
#include <set>

namespace tlsaudit::app {
namespace {

std::chrono::milliseconds seconds_to_ms(double seconds) {
    return std::chrono::milliseconds(static_cast<long long>(seconds * 1000.0));
}

void print_summary(const scan_summary& s) {
    using report::plural;
    print_stderr("tlsaudit: {}, {} ({} scanned), {}", plural(s.targets, "target", "targets"),
                 plural(s.endpoints, "endpoint", "endpoints"), s.handshakes_ok,
                 plural(s.input_errors, "input error", "input errors"));
    for (const auto& [code, count] : s.errors) print_stderr(", {} {}", count, code);
    print_stderr("\n");
    print_stderr("tlsaudit: audit (rules {}, {} validated): endpoints by status:", s.rules_version,
                 report::plural(s.validations, "distinct chain", "distinct chains"));
    if (s.statuses.empty()) print_stderr(" none");
    for (const auto& [status, count] : s.statuses) print_stderr(" {} {}", count, status);
    print_stderr("; {} with inconsistent deployments\n", report::plural(s.inconsistent_names, "name", "names"));
    if (s.fetch_destinations > 0 || s.fetch_refused > 0)
        print_stderr("tlsaudit: fetches (OCSP, CRL, AIA): {} destinations, {} bytes received, {} refused\n",
                     s.fetch_destinations, s.fetch_bytes, s.fetch_refused);
}

// The target list: `path`, or standard input for "-". A directory is refused here: opened
// as a file it reads as nothing (stdin) or fails only once the scan has begun.
std::istream* open_target_list(const std::string& path, std::ifstream& file) {
    if (path == "-") {
        check_stdin_readable("the target list");
        return &std::cin;
    }
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
        throw config_error("cannot read target file " + path + ": it is a directory");
    errno = 0;
    file.open(path, std::ios::binary);
    if (!file)
        throw config_error("cannot read target file " + path +
                           (errno != 0 ? ": " + std::string(std::strerror(errno)) : ""));
    return &file;
}

// Whether the target list can be read to its end without waiting: a regular file, named or
// redirected to standard input (not a pipe, FIFO or terminal).
bool is_regular_file(const std::string& path) {
    struct stat st {};
    const int status = path == "-" ? ::fstat(STDIN_FILENO, &st) : ::stat(path.c_str(), &st);
    return status == 0 && S_ISREG(st.st_mode);
}

}  // namespace

void add_scan_options(CLI::App& cmd, scan_command_options& o) {
    auto& p = o.pipeline;
    cmd.add_option("-p,--port", p.parse.ports,
                   "Port(s) for lines with no port and no URL scheme (default 443; with --starttls PROTO: its port)")
        ->check(whole_number_in(1, 65535))
        ->delimiter(',')
        ->group(help_group::targets);
    add_starttls_options(cmd, p.parse, o.starttls);
    cmd.add_flag("--allow-large-cidr", p.parse.allow_large_cidr,
                 "Allow CIDR blocks of more than 65536 addresses (larger than an IPv4 /16 or an IPv6 /112)")
        ->group(help_group::targets);
    cmd.add_flag("--no-dedupe{false}", p.parse.dedupe,
                 "Scan targets as listed, without skipping repeats (no memory per target; for lists already unique)")
        ->group(help_group::targets);
    cmd.add_flag("-4,--ipv4-only", p.net.ipv4_only, "Scan only IPv4 addresses")->group(help_group::targets);
    cmd.add_flag("-6,--ipv6-only", p.net.ipv6_only, "Scan only IPv6 addresses (not with -4)")
        ->group(help_group::targets);
    cmd.add_option("--resolver", p.net.resolver, "DNS server to ask, IP[:port], IPv6 (port 53) or [IPv6]:port")
        ->check([](const std::string& value) { return net::check_resolver_address(value); })
        ->group(help_group::network);
    cmd.add_option("-c,--concurrency", p.net.concurrency, "Handshakes in flight")
        ->capture_default_str()
        ->check(whole_number_in(1, 100000))
        ->group(help_group::network);
    cmd.add_option("--per-host-concurrency", p.net.per_host_concurrency,
                   "At most N connections in flight to one IP address (0: no limit)")
        ->capture_default_str()
        ->check(whole_number_in(0, 100000))
        ->group(help_group::network);
    cmd.add_option("--threads", p.net.threads,
                   "Scan threads (0, the default: one per usable CPU; never more than --concurrency)")
        ->check(whole_number_in(0, 256))
        ->group(help_group::network);
    cmd.add_option("--rate", p.net.rate, "At most this many new connections per second (0: no limit)")
        ->check(zero_or_number_in(0.001, 1e6))
        ->group(help_group::network);
    cmd.add_option("--retries", p.net.retries,
                   "Extra connection attempts after a failed connect (none after a refusal)")
        ->capture_default_str()
        ->check(whole_number_in(0, 5))
        ->group(help_group::network);
    cmd.add_option("--dns-timeout", o.dns_timeout_s, "Seconds for name resolution")
        ->capture_default_str()
        ->check(number_in(0.01, 600.0))
        ->group(help_group::network);
    cmd.add_option("--connect-timeout", o.connect_timeout_s, "Seconds for the TCP connection")
        ->capture_default_str()
        ->check(number_in(0.01, 600.0))
        ->group(help_group::network);
    cmd.add_option("--handshake-timeout", o.handshake_timeout_s, "Seconds for the TLS handshake")
        ->capture_default_str()
        ->check(number_in(0.01, 600.0))
        ->group(help_group::network);
    cmd.add_option_function<std::string>(
           "--probes", [&p](const std::string& list) { p.net.probes = net::parse_probe_list(list); },
           "Probe profiles per endpoint, comma-separated: modern, rsa, ecdsa, tls12, no-sni, all "
           "(default modern,rsa: every chain the server holds for modern and for RSA-only clients)")
        ->check(parse_check(net::parse_probe_list))
        ->group(help_group::tls);
    cmd.add_option("--tls-engine", p.net.engine,
                   "TLS client: capture (tlsaudit's own: reads the server's flight and stops; falls back to "
                   "openssl for what it cannot read) or openssl (libssl's full handshake)")
        ->capture_default_str()
        ->check(CLI::IsMember({"capture", "openssl"}))
        ->group(help_group::tls);
    cmd.add_flag("--verify-handshake", p.net.verify_handshake,
                 "Capture engine: check the TLS 1.3 CertificateVerify signature against the leaf's key "
                 "(proof the server holds the key; off by default, as in certificates-only scanners)")
        ->group(help_group::tls);
    cmd.add_option("--ndjson", p.ndjson, "Write one JSON record per endpoint here ('-': stdout)")
        ->capture_default_str()
        ->group(help_group::outputs);
    cmd.add_option("--save-chains", p.save_chains, "Write each distinct served chain once, as PEM, into DIR")
        ->group(help_group::outputs);
    add_audit_options(cmd, p.audit);
    add_revocation_options(cmd, p.revocation);
    add_fetch_options(cmd, p.audit.fetch);
    add_geo_options(cmd, p.geo);
}

CLI::App* setup_scan(CLI::App& app, scan_command_options& options) {
    auto* cmd = app.add_subcommand("scan", "Scan the targets listed in a file (or '-' for stdin)");
    cmd->add_option("targets", options.input, "Target list: one host, host:port, [v6]:port, IP, URL or CIDR per line")
        ->required()
        ->group(help_group::targets);
    add_scan_options(*cmd, options);
    cmd->add_option("--resume", options.resume,
                    "Carry on the interrupted scan recorded in FILE.ndjson (same target file): skip the targets "
                    "it holds complete, append the rest")
        ->group(help_group::sharding);
    add_report_output_options(*cmd, options.reports);
    add_selection_options(*cmd, options.selection);
    use_grouped_help(*cmd);
    cmd->get_option("--ndjson")->each([&options](const std::string&) { options.reports.ndjson_given = true; });
    cmd->footer(R"(Examples:
  tlsaudit scan domains.txt --ndjson scan.ndjson
  printf 'example.com\n192.0.2.0/30:8443\n' | tlsaudit scan - -c 200
  tlsaudit scan hosts.txt --port 443,8443 --ipv4-only --save-chains chains/
  tlsaudit scan hosts.txt --shard 2/8 --dry-run
  tlsaudit scan --config samples/tlsaudit.toml hosts.txt --concurrency 50
Options may also come from a TOML file: --config FILE (keys are the long option names
above; command-line flags win over the file, the file over the defaults).)");
    return cmd;
}

void apply_timeouts(scan_command_options& options) {
    options.pipeline.net.dns_timeout = seconds_to_ms(options.dns_timeout_s);
    options.pipeline.net.connect_timeout = seconds_to_ms(options.connect_timeout_s);
    options.pipeline.net.handshake_timeout = seconds_to_ms(options.handshake_timeout_s);
    apply_starttls_options(options.starttls, options.pipeline.parse, options.pipeline.net);
}

int run_scan_command(scan_command_options& options) {
    // By value, not by presence: `ipv4-only = false` in a config file asks for nothing.
    if (options.pipeline.net.ipv4_only && options.pipeline.net.ipv6_only)
        throw config_error("--ipv4-only excludes --ipv6-only: one family, or both without either");
    check_geo_options(options.pipeline.geo);
    // A port listed twice (--port 443,443) is one port, in the record as in the scan.
    auto& ports = options.pipeline.parse.ports;
    for (auto it = ports.begin(); it != ports.end();)
        it = std::find(ports.begin(), it, *it) != it ? ports.erase(it) : it + 1;
    options.pipeline.shard = resolve_shard(options.selection, std::getenv("JOB_COMPLETION_INDEX"));
    apply_timeouts(options);
    std::ifstream file;
    std::istream* input = open_target_list(options.input, file);
    options.pipeline.input_is_regular_file = is_regular_file(options.input);
    if (options.selection.dry_run)
        return dry_run_scan(*input, options.pipeline.parse, options.pipeline.shard, options.reports.quiet);
    // From here a signal stops the scan before it starts, and a second one removes the
    // temporary file of --resume's rewrite, as it does a report's.
    interrupt_guard interrupt;
    options.pipeline.net.stop = &interrupt.flag();
    std::optional<resume_state> resume;
    std::optional<report::output_lock> ndjson_lock;  // held to the end: reports and scan-end too
    if (!options.resume.empty()) {
        if (options.reports.ndjson_given && !same_file(options.pipeline.ndjson, options.resume))
            throw config_error("--resume " + options.resume +
                               " appends to that file: --ndjson must name it or be left out");
        options.pipeline.ndjson = options.resume;
        options.reports.ndjson_given = true;
        lock_output(ndjson_lock, "--resume", options.resume, false);
        resume = prepare_resume(options.resume, targets::shard_text(options.pipeline.shard));
        ndjson_lock->relock();  // the rewrite put a new file at the path
        options.pipeline.resume = &*resume;
        if (!resume->recorded_input.empty() && resume->recorded_input != options.input)
            print_stderr(
                "tlsaudit: warning: {} records a scan of '{}', not '{}': targets are matched by host, port, "
                "SNI and STARTTLS protocol, so a different file rescans what differs\n",
                options.resume, resume->recorded_input, options.input);
        if (!options.reports.quiet)
            print_stderr(
                "tlsaudit: resuming {}: {} kept ({}); {} of incomplete targets and other records "
                "dropped, {} dropped\n",
                options.resume, report::plural(resume->done.size(), "complete target", "complete targets"),
                report::plural(resume->kept_endpoints, "endpoint record", "endpoint records"),
                report::plural(resume->dropped_records, "record", "records"),
                report::plural(resume->damaged_lines, "damaged line", "damaged lines"));
    }
    if (options.pipeline.shard.count > 1 && !options.reports.history.db.empty())  // -q too: a CI job's setting
        print_stderr(
            "tlsaudit: warning: --db with --shard stores this shard as an incomplete scan of its own, never a "
            "baseline: import the shards of a run together (tlsaudit history import shard-*.ndjson --db FILE)\n");
    options.pipeline.net.concurrency = ensure_descriptor_limit(options.pipeline.net.concurrency);
    scan_reports reports(options.reports, options.pipeline, options.input, options.config_file, TLSAUDIT_VERSION);
    if (!ndjson_lock && options.reports.ndjson_given && options.pipeline.ndjson != "-")
        lock_output(ndjson_lock, "--ndjson", options.pipeline.ndjson, true);  // the outputs are checked
    std::vector<std::string> changed;
    if (resume && options.pipeline.start_record) changed = changed_settings(*resume, *options.pipeline.start_record);
    if (!changed.empty())
        print_stderr(
            "tlsaudit: warning: {} was scanned with other settings ({}): the targets it holds "
            "complete are kept as they were scanned, the others are scanned with this run's; "
            "if any is, the scan-end record and the reports say so\n",
            options.resume, fmt::join(changed, ", "));
    auto summary = run_pipeline(*input, options.pipeline);
    if (resume) {  // earlier resumes' changes, and this one's if it scanned a target with them
        std::set<std::string> all(resume->changed_before.begin(), resume->changed_before.end());
        if (summary.targets > summary.resumed_targets) all.insert(changed.begin(), changed.end());
        summary.settings_changed_on_resume.assign(all.begin(), all.end());
    }
    if (ndjson_lock && !ndjson_lock->holds_path())
        throw std::runtime_error(options.pipeline.ndjson +
                                 " was deleted, renamed or replaced during the scan: the records written to it are "
                                 "not at that path");
    if (!summary.interrupted) interrupt.scan_complete();
    reports.stop_progress();
    if (resume && !summary.interrupted && summary.resumed_targets < resume->done.size())
        print_stderr(
            "tlsaudit: warning: {} in {} {} not in this target list: their records stay in it and in the "
            "reports (scan without --resume to leave them out)\n",
            report::plural(resume->done.size() - summary.resumed_targets, "complete target", "complete targets"),
            options.resume, resume->done.size() - summary.resumed_targets == 1 ? "is" : "are");
    if (!options.reports.quiet) print_summary(summary);
    const int code = reports.finish(summary);
    if (const int signal = interrupt.signal(); signal != 0 && summary.interrupted) {
        const bool resumable = options.reports.ndjson_given && options.pipeline.ndjson != "-";
        print_stderr("tlsaudit: scan {}; the reports are marked incomplete; {}\n",
                     report::interrupted_at(summary.stopped),
                     resumable ? "carry on with --resume " + options.pipeline.ndjson
                               : std::string("keep the records with --ndjson FILE to be able to resume"));
        return interrupted_exit_code(signal);
    }
    return code;
}

}  // namespace tlsaudit::app
