#include "report_command.hpp"

#include "exit_codes.hpp"
#include "help_groups.hpp"
#include "history_options.hpp"
#include "interrupt.hpp"
#include "output_check.hpp"
#include "parse_check.hpp"
#include "pipeline.hpp"

#include <tlsaudit/report/baseline.hpp>
#include <tlsaudit/report/csv_report.hpp>
#include <tlsaudit/report/error_policy.hpp>
#include <tlsaudit/report/html_report.hpp>
#include <tlsaudit/report/json_report.hpp>
#include <tlsaudit/report/junit_report.hpp>
#include <tlsaudit/report/ndjson_reader.hpp>
#include <tlsaudit/report/ndjson_writer.hpp>
#include <tlsaudit/report/output_file.hpp>
#include <tlsaudit/report/pdf_report.hpp>
#include <tlsaudit/report/prometheus_report.hpp>
#include <tlsaudit/report/sarif_report.hpp>
#include <tlsaudit/report/scan_records.hpp>
#include <tlsaudit/report/summary_accumulator.hpp>
#include <tlsaudit/report/terminal.hpp>
#include <tlsaudit/targets.hpp>

#include <CLI/CLI.hpp>

#include <fmt/format.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>

namespace tlsaudit::app {
namespace {

std::optional<severity> fail_threshold(const report_output_options& o) {
    if (o.fail_on == "none") return std::nullopt;
    return parse_severity(o.fail_on).value_or(severity::high);
}

time_point now() { return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()); }

bool writes_stdout(const report_output_options& o) {
    for (const auto* p : {&o.json, &o.html, &o.csv, &o.junit, &o.sarif, &o.pdf, &o.prometheus})
        if (*p == "-") return true;
    return false;
}

// The baseline is read before the outputs are written: no output may be it, but the
// run's own --db (a scheduled audit's `--baseline audit.db --db audit.db`).
void add_baseline_input(const report_output_options& o, std::vector<named_file>& inputs) {
    if (o.baseline.empty() || (!o.history.db.empty() && same_file(o.baseline, o.history.db))) return;
    inputs.push_back({"--baseline", o.baseline});
}

// The report files and the history database, for check_distinct_files; `ndjson`, the
// records a scan writes ("" for `report`).
std::vector<named_file> output_files(const report_output_options& o, const std::string& ndjson) {
    return {{"--ndjson", ndjson},  {"--json", o.json},   {"--html", o.html}, {"--csv", o.csv},
            {"--junit", o.junit},  {"--sarif", o.sarif}, {"--pdf", o.pdf},   {"--prometheus", o.prometheus},
            {"--db", o.history.db}};
}

// Every report file is probed before the work starts (config_error, exit 2).
void check_report_files(const report_output_options& o) {
    check_output_file("--json", o.json);
    check_output_file("--html", o.html);
    check_output_file("--csv", o.csv);
    check_output_file("--junit", o.junit);
    check_output_file("--sarif", o.sarif);
    check_output_file("--pdf", o.pdf);
    check_output_file("--prometheus", o.prometheus);
    check_history(o.history);
    if (o.pdf.empty()) return;
    try {
        report::require_chromium();
    } catch (const report::pdf_unavailable& e) {
        throw config_error(e.what());
    }
}

// Data: report::report_data, or the summary_digest of a scan that reads nothing back.
template <class Data>
void apply_policy(Data& data, const report_output_options& o) {
    data.fail_on = fail_threshold(o);
    data.fail_on_new = o.fail_on_new;
    data.on_errors = report::parse_error_policy(o.fail_on_errors);  // checked at parse time
}

template <class Data>
void print_summary(const Data& data, const report_output_options& o, std::FILE* summary_out) {
    if (!summary_out || o.quiet) return;
    report::summary_options options;
    options.color = ::isatty(::fileno(summary_out)) != 0 && std::getenv("NO_COLOR") == nullptr;
    errno = 0;
    const bool written =
        std::fputs(report::format_summary(data, options).c_str(), summary_out) >= 0 && std::fflush(summary_out) == 0;
    // On stdout the summary is the command's output, as a report file is (a full disk: exit
    // 3); stderr only carries messages, whose loss costs the run nothing.
    if (!written && summary_out == stdout)
        throw std::runtime_error(
            fmt::format("cannot write the summary to stdout: {}", errno != 0 ? std::strerror(errno) : "write error"));
}

template <class Data>
int exit_code_of(const Data& data) {
    if (report::fails(data)) return exit_code::findings;
    return report::error_verdict_of(data).fails ? exit_code::scan_errors : exit_code::ok;
}

}  // namespace

// Reads, merges, applies the baseline and policy, writes every requested report.
int render_reports(const std::vector<std::filesystem::path>& inputs, const report_output_options& o,
                   std::FILE* summary_out, const std::vector<std::string>* sources,
                   std::vector<std::string> being_written) {
    std::optional<report::baseline> old;
    if (!o.baseline.empty()) old = load_any_baseline(o.baseline, o.history);
    // The history import sees the records as they are read for the reports.
    history_import history(o.history);
    report::report_data data;
    try {
        data = report::read_ndjson(inputs, &history);
    } catch (const std::runtime_error& e) {
        throw config_error(e.what());
    }
    if (sources != nullptr) data.meta.sources = *sources;
    data.meta.being_written = std::move(being_written);
    // A run repeated (a CI job retried, a second --resume of a complete file) finds itself
    // stored already, as the latest scan of its --db: the baseline is the scan before it, or a
    // failed gate would pass on the retry.
    if (old && !o.history.db.empty() && same_file(o.baseline, o.history.db))
        if (const auto self = history.stored_scan()) old = load_any_baseline(o.baseline, o.history, *self);
    apply_policy(data, o);
    if (old) report::apply_baseline(data, *old);
    report::settle_verdicts(data);

    // A report that cannot be written (a full disk) does not keep the others from being
    // written, nor the summary and the history import; the run then fails (exit 3).
    std::vector<std::string> failures;
    std::size_t written = 0;
    auto attempt = [&](const std::string& path, const std::function<void()>& write) {
        if (path.empty()) return;
        try {
            write();
            ++written;
        } catch (const std::bad_alloc&) {
            throw;
        } catch (const std::exception& e) {
            failures.emplace_back(e.what());
        }
    };
    auto emit = [&](const std::string& path, void (*writer)(const report::report_data&, std::ostream&)) {
        attempt(path, [&] { report::write_file_atomically(path, [&](std::ostream& out) { writer(data, out); }); });
    };
    emit(o.json, report::write_json_report);
    emit(o.html, report::write_html_report);
    emit(o.csv, report::write_csv_report);
    emit(o.junit, report::write_junit_report);
    emit(o.sarif, report::write_sarif_report);
    emit(o.prometheus, report::write_prometheus_report);
    attempt(o.pdf, [&] { report::write_pdf_report(data, o.pdf); });

    print_summary(data, o, summary_out);
    // Committed after the baseline was read: a --baseline naming the same database
    // compares with the scan before this one. Its failure does not hide the reports lost.
    std::string import_failure;
    try {
        history.finish(data.meta, o.quiet ? nullptr : summary_out);
    } catch (const std::bad_alloc&) {
        throw;
    } catch (const std::exception& e) {
        if (failures.empty()) throw;
        import_failure = e.what();
    }
    if (!failures.empty()) {
        // The records are where `sources` says (a report's inputs when not given); a scan
        // whose records went to a temporary file only, or to a device, kept none.
        const bool kept = sources == nullptr || std::any_of(sources->begin(), sources->end(), [](const std::string& s) {
                              return s == "stdout" || !report::exists_not_regular(s);
                          });
        const char* them = failures.size() == 1 ? "it" : "them";
        throw std::runtime_error(fmt::format(
            "{}{}; {}{}", fmt::join(failures, "; "),
            written == 0 ? "" : fmt::format(" ({} other report{} written)", written, written == 1 ? " was" : "s were"),
            kept ? fmt::format("the records are intact: `tlsaudit report` writes {} again from them", them)
                 : fmt::format("the records were not kept: scan with --ndjson FILE to be able to write {} again "
                               "without scanning",
                               them),
            import_failure.empty() ? "" : "; and the history import failed: " + import_failure));
    }
    return exit_code_of(data);
}

namespace {

// Created here exclusively (O_EXCL|O_NOFOLLOW, report/output_file.hpp) so that, in a
// shared sticky /tmp, nobody can have planted a symlink at the name the writer reopens.
std::filesystem::path temp_ndjson_path() {
    std::filesystem::path created;
    const int fd = report::create_exclusive(std::filesystem::temp_directory_path() / "tlsaudit.ndjson", created);
    if (fd < 0) throw std::runtime_error(std::string("cannot create a temporary file: ") + std::strerror(errno));
    ::close(fd);
    return created;
}

// The progress line's total when the input is a regular file: its lines that can hold a
// target (the targets module's rule), an estimate.
std::optional<std::size_t> progress_total(const std::string& input) {
    if (input == "-" || !std::filesystem::is_regular_file(input)) return std::nullopt;
    std::ifstream in(input, std::ios::binary);
    return targets::count_target_lines(in);
}

}  // namespace

void add_report_output_options(CLI::App& cmd, report_output_options& o) {
    cmd.add_option("--json", o.json, "Write the JSON report (schema: report/schema) to FILE ('-': stdout)")
        ->group(help_group::outputs);
    cmd.add_option("--html", o.html, "Write the self-contained HTML report to FILE")->group(help_group::outputs);
    cmd.add_option("--pdf", o.pdf,
                   "Print the HTML report to FILE as PDF with headless Chromium (Debian package 'chromium'; "
                   "TLSAUDIT_CHROMIUM names another binary)")
        ->group(help_group::outputs);
    cmd.add_option("--csv", o.csv, "Write a CSV report (one row per finding, and one per endpoint without any) to FILE")
        ->group(help_group::outputs);
    cmd.add_option("--junit", o.junit,
                   "Write a JUnit XML report (a failure per endpoint or name with a finding at or above --fail-on) "
                   "to FILE")
        ->group(help_group::outputs);
    cmd.add_option("--sarif", o.sarif, "Write a SARIF 2.1.0 report to FILE")->group(help_group::outputs);
    cmd.add_option("--prometheus", o.prometheus,
                   "Write Prometheus metrics (text format, for node_exporter's textfile collector) to FILE")
        ->group(help_group::outputs);
    cmd.add_option("--fail-on", o.fail_on,
                   "Exit 1 when a finding is at or above SEVERITY (info|low|medium|high|critical|none)")
        ->capture_default_str()
        ->check(CLI::IsMember({"info", "low", "medium", "high", "critical", "none"}))
        ->group(help_group::ci_policy);
    cmd.add_flag("--fail-on-new", o.fail_on_new, "With --baseline: only new findings count for --fail-on")
        ->group(help_group::ci_policy);
    cmd.add_option("--fail-on-errors", o.fail_on_errors,
                   "Exit 4 when too many endpoints could not be scanned: none, all (none could be scanned), N "
                   "(more than N failed), P% (more than P percent failed); :class,class counts only those "
                   "error codes (input-error: unreadable target lines). Exit 1 wins over 4")
        ->capture_default_str()
        ->check(parse_check(report::parse_error_policy))
        ->group(help_group::ci_policy);
    cmd.add_option("--baseline", o.baseline,
                   "An earlier --json report, or a history database (its latest complete scan): mark findings "
                   "new/unchanged, list resolved ones")
        ->group(help_group::ci_policy);
    add_history_options(cmd, o.history);
    // Checked once --db is known: the database this run creates is an empty baseline on
    // its first run (load_any_baseline), any other missing file a usage error.
    cmd.callback([&o] {
        // Without a baseline every finding would be new and --fail-on-new would pass them
        // all. By value: `fail-on-new = false` in a config file asks for nothing.
        if (o.fail_on_new && o.baseline.empty()) throw CLI::RequiresError("--fail-on-new", "--baseline");
        if (!o.baseline.empty() && !std::filesystem::exists(o.baseline) &&
            !baseline_is_new_db(o.baseline, o.history.db))
            throw CLI::ValidationError("--baseline", "File does not exist: " + o.baseline);
    });
    cmd.add_flag("-q,--quiet", o.quiet, "No progress line and no end-of-scan summary")->group(help_group::outputs);
}

CLI::App* setup_report(CLI::App& app, report_command_options& options) {
    auto* cmd =
        app.add_subcommand("report", "Render reports from saved NDJSON (several files: shards of one scan, merged)");
    cmd->add_option("inputs", options.inputs, "NDJSON files written by scan (--ndjson), '-' for stdin")
        ->required()
        ->group(help_group::targets);
    add_report_output_options(*cmd, options.out);
    use_grouped_help(*cmd);
    cmd->footer(R"(Examples:
  tlsaudit report scan.ndjson --html report.html --json report.json
  tlsaudit report shard-*.ndjson --junit junit.xml --sarif results.sarif --fail-on high
  tlsaudit report today.ndjson --baseline yesterday.json --fail-on-new --json today.json
  tlsaudit report today.ndjson --baseline audit.db --fail-on-new --db audit.db)");
    return cmd;
}

int run_report_command(const report_command_options& options) {
    std::vector<named_file> records;
    for (const auto& input : options.inputs) records.push_back({"input", input});
    add_baseline_input(options.out, records);
    check_distinct_files(output_files(options.out, ""), records);
    check_report_files(options.out);
    std::vector<std::filesystem::path> inputs(options.inputs.begin(), options.inputs.end());
    // Nothing to finish: a signal exits at once, leaving no temporary file or Chromium behind.
    const interrupt_guard interrupt(first_signal_action::exit_now);
    // A file another process's scan still writes (it holds the lock; this process holds none)
    // is the results so far, not a killed scan's.
    std::vector<std::string> being_written;
    for (const auto& input : options.inputs)
        if (input != "-" && report::being_written(input)) being_written.push_back(input);
    return render_reports(inputs, options.out, writes_stdout(options.out) ? stderr : stdout, nullptr,
                          std::move(being_written));
}

report::scan_start describe_scan_start(const std::string& tool_version, const std::string& input,
                                       const pipeline_options& p, const report_output_options& r,
                                       time_point started_at) {
    report::scan_start start;
    start.tool_version = tool_version;
    start.started_at = started_at;
    start.input = input;
    start.trust.system = p.audit.system_trust;
    for (const auto& f : p.audit.ca_files) start.trust.ca_files.push_back(f.string());
    for (const auto& d : p.audit.ca_dirs) start.trust.ca_dirs.push_back(d.string());
    start.trust.lab_roots = p.audit.extra_roots.size();
    auto& s = start.settings;
    s.ports = p.parse.ports;
    s.concurrency = p.net.concurrency;
    s.threads = net::scan_threads(p.net);  // what run_scan will start
    s.rate = p.net.rate;
    s.retries = p.net.retries;
    s.ipv4_only = p.net.ipv4_only;
    s.ipv6_only = p.net.ipv6_only;
    s.resolver = p.net.resolver;
    s.dns_timeout = p.net.dns_timeout;
    s.connect_timeout = p.net.connect_timeout;
    s.handshake_timeout = p.net.handshake_timeout;
    s.starttls_timeout = p.net.starttls_timeout;
    s.per_host_concurrency = p.net.per_host_concurrency;
    s.dedupe = p.parse.dedupe;
    s.allow_large_cidr = p.parse.allow_large_cidr;
    s.fail_on = r.fail_on;
    s.fail_on_new = r.fail_on_new;
    s.fail_on_errors = r.fail_on_errors;
    s.baseline = r.baseline;
    if (p.audit.rules) s.rules = p.audit.rules->string();
    s.at = p.audit.at;
    s.expiry_warn_days = p.audit.expiry_warn_days;
    s.fetch_allow = p.audit.fetch.allow;
    s.fetch_allow_private = p.audit.fetch.allow_private;
    s.fetch_max_destinations = p.audit.fetch.max_destinations;
    s.probes = p.net.probes;
    s.tls_engine = p.net.engine;
    s.verify_handshake = p.net.verify_handshake;
    s.profile = p.audit.profile == validation_profile::openssl ? "openssl" : "browser";
    s.evaluated_at = evaluation_time(p.audit, started_at);
    s.fetch_missing = p.audit.fetch_missing;
    s.starttls = p.parse.starttls;
    s.shard = targets::shard_text(p.shard);
    if (!p.revocation.disabled) {
        report::scan_settings::revocation_checks checks;
        checks.hard = p.revocation.hard;
        checks.depth = p.revocation.checker.depth == revocation::depth::all ? "all" : "leaf";
        for (const auto m : p.revocation.checker.order) checks.order.emplace_back(revocation::to_string(m));
        checks.timeout = p.revocation.checker.request_timeout;
        checks.crl_max_bytes = p.revocation.checker.crl_max_bytes;
        s.revocation = std::move(checks);
    }
    return start;
}

report::scan_end describe_scan_end(const scan_summary& summary, time_point finished_at) {
    report::scan_end end;
    end.finished_at = finished_at;
    end.targets = summary.targets;
    end.endpoints = summary.endpoints;
    end.input_errors = summary.input_errors;
    end.complete = !summary.interrupted;
    end.stopped = summary.stopped;
    end.resumed_targets = summary.resumed_targets;
    end.settings_changed_on_resume = summary.settings_changed_on_resume;
    end.fetch_destinations = summary.fetch_destinations;
    end.fetch_bytes = summary.fetch_bytes;
    end.fetch_refused = summary.fetch_refused;
    return end;
}

scan_reports::scan_reports(const report_output_options& options, pipeline_options& pipeline, const std::string& input,
                           const std::string& config_file, const std::string& tool_version)
    : options_(options) {
    std::vector<named_file> inputs{{"the target list", input}, {"--config", config_file}};
    for (const auto& f : pipeline.audit.ca_files) inputs.push_back({"--ca-file", f.string()});
    if (pipeline.audit.rules) inputs.push_back({"--rules", pipeline.audit.rules->string()});
    add_baseline_input(options, inputs);
    if (pipeline.geo.country_db) inputs.push_back({"--geoip-db", pipeline.geo.country_db->string()});
    if (pipeline.geo.asn_db) inputs.push_back({"--asn-db", pipeline.geo.asn_db->string()});
    auto outputs = output_files(options, options.ndjson_given ? pipeline.ndjson : "");
    const auto& cache = pipeline.revocation.checker.cache_dir;
    outputs.push_back({"--save-chains", pipeline.save_chains ? pipeline.save_chains->string() : ""});
    outputs.push_back({"--revocation-cache", cache ? cache->string() : ""});
    check_distinct_files(outputs, inputs);
    check_report_files(options);
    if (options.ndjson_given) check_output_file("--ndjson", pipeline.ndjson);
    if (pipeline.save_chains) check_output_dir("--save-chains", *pipeline.save_chains);
    if (cache && !pipeline.revocation.disabled) check_output_dir("--revocation-cache", *cache);
    if (!options.baseline.empty()) load_any_baseline(options.baseline, options.history);
    if (!options.ndjson_given && options.any_file()) pipeline.ndjson = (temp_ = temp_ndjson_path())->string();
    ndjson_ = pipeline.ndjson;
    records_on_stdout_ = ndjson_ == "-";
    // Only the terminal summary and the exit code: built from the records as they are
    // written. A report file or a baseline needs every row, and a resumed stream can hold
    // duplicates that only the reader's merge settles. Under --no-dedupe too (its point is
    // memory that does not grow with the list): a target listed twice counts twice.
    const bool read_back = options.any_file() || !options.baseline.empty() || pipeline.resume != nullptr;
    if (!read_back) {
        summary_ = std::make_unique<report::summary_accumulator>();
        pipeline.record_observer = [summary = summary_.get()](const boost::json::object& record) {
            summary->add(record);
        };
    } else if (records_on_stdout_ || report::exists_not_regular(ndjson_)) {
        // A FIFO is held open for writing until the scan-end record is in: the writer closes
        // it after the last endpoint, and a reader that saw end of file then would leave
        // that record nowhere to go (opening a FIFO without a reader blocks).
        struct stat st {};
        if (::stat(ndjson_.c_str(), &st) == 0 && S_ISFIFO(st.st_mode))
            fifo_hold_ = ::open(ndjson_.c_str(), O_WRONLY | O_CLOEXEC);
        // The records stream to stdout, a device or a FIFO, which cannot be read back (from
        // /dev/null the reports would say nothing was scanned; a FIFO would block): a copy is
        // kept to build the reports.
        copied_ = true;
        temp_ = temp_ndjson_path();
        pipeline.ndjson_copy = temp_->string();
        readback_ = temp_;
    } else {
        readback_ = ndjson_;
    }
    pipeline.started_at = now();  // the scan-start's time is the evaluation time without --at
    pipeline.start_record =
        report::to_json(describe_scan_start(tool_version, input, pipeline, options, pipeline.started_at));
    const bool tty = ::isatty(STDERR_FILENO) != 0;
    progress_ = std::make_unique<report::progress_line>(stderr, tty && !options.quiet,
                                                        tty && !options.quiet ? progress_total(input) : std::nullopt);
    pipeline.progress = progress_.get();
}

scan_reports::~scan_reports() {
    if (fifo_hold_ >= 0) ::close(fifo_hold_);
    if (temp_) {
        std::error_code ignored;
        std::filesystem::remove(*temp_, ignored);
    }
}

void append_scan_end(const std::string& ndjson, const scan_summary& summary) {
    report::append_record(ndjson, report::to_json(describe_scan_end(summary, now())));
}

std::vector<std::filesystem::path> write_demo_reports(const std::filesystem::path& dir, const std::string& ndjson) {
    report_output_options o;
    o.json = (dir / "report.json").string();
    o.html = (dir / "report.html").string();
    o.csv = (dir / "report.csv").string();
    o.junit = (dir / "junit.xml").string();
    o.sarif = (dir / "report.sarif").string();
    o.fail_on = "none";
    o.fail_on_errors = "none";
    o.quiet = true;
    render_reports({ndjson}, o, nullptr);
    return {o.json, o.html, o.csv, o.junit, o.sarif};
}

int scan_reports::finish(const scan_summary& summary) {
    progress_->finish();
    const auto end = report::to_json(describe_scan_end(summary, now()));
    report::append_record(ndjson_, end);
    if (fifo_hold_ >= 0) {
        ::close(fifo_hold_);  // the reader of the FIFO now sees its end
        fifo_hold_ = -1;
    }
    std::FILE* summary_out = records_on_stdout_ || writes_stdout(options_) ? stderr : stdout;
    if (summary_) {
        summary_->add(end);
        auto data = summary_->finish();
        apply_policy(data, options_);
        report::settle_verdicts(data);
        print_summary(data, options_, summary_out);
        return exit_code_of(data);
    }
    if (copied_) report::append_record(readback_->string(), end);
    // Where the records are: the --ndjson file or stdout; none when they went to a
    // temporary file only (no --ndjson), which is deleted.
    std::vector<std::string> sources;
    if (copied_ || readback_ != temp_) sources.push_back(ndjson_ == "-" ? "stdout" : ndjson_);
    return render_reports({*readback_}, options_, summary_out, &sources);
}

}  // namespace tlsaudit::app
