#include "demo_command.hpp"

#include "audit_runtime.hpp"
#include "diagnostics.hpp"
#include "exit_codes.hpp"
#include "geo_options.hpp"
#include "help_groups.hpp"
#include "interrupt.hpp"
#include "limits.hpp"
#include "output_check.hpp"
#include "report_command.hpp"

#include "ossl/encoding.hpp"

#include <tlsaudit/lab/demo.hpp>
#include <tlsaudit/report/output_file.hpp>

#include <boost/json/serialize.hpp>

#include "number_checks.hpp"

#include <CLI/CLI.hpp>

#include <fmt/format.h>

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>

namespace tlsaudit::app {

namespace {

// lab.json: what each lab endpoint serves, so anyone (and the tests) can check the scan.
std::string lab_manifest(const lab::demo_lab& lab) {
    boost::json::array endpoints;
    for (const auto& e : lab.endpoints()) {
        boost::json::array nodes;
        for (const auto& n : e.nodes) {
            boost::json::array chain;
            for (const auto& der : n.chain) chain.emplace_back(ossl::sha256_hex(der));
            nodes.emplace_back(boost::json::object{{"address", n.address}, {"chain_sha256", std::move(chain)}});
        }
        endpoints.emplace_back(boost::json::object{{"id", e.id},
                                                   {"description", e.description},
                                                   {"target", e.target_line},
                                                   {"expected_error", e.expected_error},
                                                   {"nodes", std::move(nodes)}});
    }
    return boost::json::serialize(boost::json::object{{"endpoints", std::move(endpoints)}});
}

}  // namespace

CLI::App* setup_demo(CLI::App& app, demo_command_options& options) {
    auto* cmd = app.add_subcommand(
        "demo", "Start a built-in lab of loopback TLS servers (no network needed), scan it and write the outputs");
    cmd->add_option("-o,--out", options.out, "Directory for the outputs")
        ->capture_default_str()
        ->group(help_group::outputs);
    auto& scan = options.scan;
    scan.pipeline.net.concurrency = 64;
    scan.handshake_timeout_s = 2;  // the lab's silent server is expected to time out
    scan.connect_timeout_s = 2;
    cmd->add_option("-c,--concurrency", scan.pipeline.net.concurrency, "Handshakes in flight")
        ->capture_default_str()
        ->check(whole_number_in(1, 10000))
        ->group(help_group::network);
    add_audit_options(*cmd, scan.pipeline.audit);
    add_geo_options(*cmd, scan.pipeline.geo);
    cmd->footer("Example:\n  tlsaudit demo --out /tmp/demo && less /tmp/demo/scan.ndjson");
    use_grouped_help(*cmd);
    return cmd;
}

namespace {

constexpr const char* demo_files[] = {"targets.txt", "lab.json",   "scan.ndjson", "report.json",
                                      "report.html", "report.csv", "junit.xml",   "report.sarif"};

// --out is the demo's own directory: one of another user's (a /tmp/demo made first by
// someone else) could hold links that send the demo's files anywhere, so it is refused, as
// is a link among the names the demo writes. Every name is probed as scan probes its
// outputs: a problem is exit 2 before the lab starts, not exit 3 after the scan.
void check_out_dir(const std::filesystem::path& out) {
    struct stat st {};
    if (::stat(out.c_str(), &st) == 0 && st.st_uid != ::geteuid())
        throw config_error(out.string() + " belongs to another user: the demo writes only into a directory of its own");
    // A link, or a FIFO (which would hold the demo in open() until a reader came), where the
    // demo writes. A directory is left to the checks below, which say what is wrong with it.
    const auto refuse_odd = [&st](const std::filesystem::path& path) {
        if (::lstat(path.c_str(), &st) != 0 || S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)) return;
        throw config_error(path.string() + (S_ISLNK(st.st_mode) ? " is a symbolic link" : " is not a regular file") +
                           ": the demo writes only regular files in --out");
    };
    for (const std::string name : demo_files) {
        refuse_odd(out / name);
        check_output_file("--out", (out / name).string());
    }
    refuse_odd(out / "chains");
    check_output_dir("--out", out / "chains");
}

void write_text(const std::filesystem::path& file, const std::string& text) {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out) throw std::runtime_error("cannot write " + file.string());
}

}  // namespace

int run_demo_command(demo_command_options& options) {
    // A bad --rules, --ca-file or --at stops the demo before it writes anything (the scan
    // would find it only after the lab's files are in --out).
    static_cast<void>(audit_runtime(options.scan.pipeline.audit,
                                    std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now())));
    check_geo_options(options.scan.pipeline.geo);
    std::error_code ec;
    std::filesystem::create_directories(options.out, ec);
    if (ec) throw config_error("cannot create " + options.out.string() + ": " + ec.message());
    check_out_dir(options.out);
    // Two demos into one --out would write one file between them.
    std::optional<report::output_lock> lock;
    lock_output(lock, "--out", options.out / "scan.ndjson", true);

    lab::demo_lab lab;
    auto& scan = options.scan;
    apply_timeouts(scan);
    scan.pipeline.net.concurrency = ensure_descriptor_limit(scan.pipeline.net.concurrency);
    scan.pipeline.net.resolver = lab.resolver();
    scan.pipeline.ndjson = (options.out / "scan.ndjson").string();
    scan.pipeline.save_chains = options.out / "chains";
    // The lab's generated roots are in no system store: trust them, as a real deployment's
    // clients trust its roots (the real GlobalSign/Entrust chains still use the system store).
    auto& extra = scan.pipeline.audit.extra_roots;
    extra.insert(extra.end(), lab.root_certs().begin(), lab.root_certs().end());

    const std::string targets = lab.targets_text();
    write_text(options.out / "targets.txt", targets);
    write_text(options.out / "lab.json", lab_manifest(lab) + "\n");
    std::istringstream input(targets);
    report_output_options demo_policy;
    demo_policy.fail_on = "none";         // the demo never fails on findings,
    demo_policy.fail_on_errors = "none";  // nor on its hostile servers (as its reports say)
    const auto started = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
    scan.pipeline.started_at = started;
    scan.pipeline.start_record =
        report::to_json(describe_scan_start(TLSAUDIT_VERSION, "targets.txt", scan.pipeline, demo_policy, started));
    // Ctrl-C stops the scan as it stops `scan`: the records and reports are written, marked
    // incomplete (a second signal exits at once).
    interrupt_guard interrupt;
    scan.pipeline.net.stop = &interrupt.flag();
    const auto summary = run_pipeline(input, scan.pipeline);
    if (!summary.interrupted) interrupt.scan_complete();
    append_scan_end(scan.pipeline.ndjson, summary);
    const auto reports = write_demo_reports(options.out, scan.pipeline.ndjson);

    fmt::print("tlsaudit demo: scanned {} lab targets ({} endpoints, {} handshakes completed", summary.targets,
               summary.endpoints, summary.handshakes_ok);
    for (const auto& [code, count] : summary.errors) fmt::print(", {} {}", count, code);
    fmt::print(")\naudit (rules {}):", summary.rules_version);
    for (const auto& [status, count] : summary.statuses) fmt::print(" {} {}", count, status);
    fmt::print("; {} name(s) with an inconsistent deployment\n", summary.inconsistent_names);
    for (const auto& e : lab.endpoints()) fmt::print("  {:<20} {:<44} {}\n", e.id, e.target_line, e.description);
    fmt::print("wrote {}\n      {}\n      {}\n      {}\n", (options.out / "targets.txt").string(),
               (options.out / "lab.json").string(), scan.pipeline.ndjson, scan.pipeline.save_chains->string());
    for (const auto& report : reports) fmt::print("      {}\n", report.string());
    if (const int signal = interrupt.signal(); signal != 0 && summary.interrupted) {
        print_stderr("tlsaudit: demo interrupted: the records and reports are marked incomplete\n");
        return interrupted_exit_code(signal);
    }
    return exit_code::ok;
}

}  // namespace tlsaudit::app
