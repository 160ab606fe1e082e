#include "check_command.hpp"

#include "aia_fetch.hpp"
#include "diagnostics.hpp"
#include "exit_codes.hpp"
#include "fetch_options.hpp"
#include "help_groups.hpp"
#include "output_check.hpp"
#include "text/time_text.hpp"

#include <tlsaudit/report/json_records.hpp>
#include <tlsaudit/report/ndjson_writer.hpp>
#include <tlsaudit/report/output_file.hpp>
#include <tlsaudit/report/terminal.hpp>
#include <tlsaudit/targets.hpp>
#include <tlsaudit/x509.hpp>

#include <CLI/CLI.hpp>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <optional>

namespace tlsaudit::app {
namespace {

// A chain from standard input ("-"), as `openssl s_client -showcerts | tlsaudit check -` gives
// it: read whole, up to a bound far above any chain a server may send (1 MiB of DER).
std::vector<bytes> read_chain_from_stdin() {
    constexpr std::size_t max_bytes = 8U << 20U;
    check_stdin_readable("the chain");
    std::string text;
    char buffer[65536];
    while (std::cin.read(buffer, sizeof buffer) || std::cin.gcount() > 0) {
        text.append(buffer, static_cast<std::size_t>(std::cin.gcount()));
        if (text.size() > max_bytes)
            throw config_error(
                fmt::format("standard input: over {} MiB, more than any chain a server sends", max_bytes >> 20U));
    }
    if (std::cin.bad()) throw config_error("cannot read the chain from standard input");
    // A pipe from a command that failed (s_client could not connect) brings nothing at all.
    if (text.empty()) throw config_error("standard input was empty: no chain to check");
    return x509::read_pem_certificates(text, "standard input");
}

std::string_view origin_name(cert_origin o) {
    switch (o) {
    case cert_origin::served: return "served";
    case cert_origin::store: return "store";
    case cert_origin::fetched: return "fetched";
    }
    return "?";
}

// Everything printed here that comes from the certificates (subjects, error texts that
// quote them, finding messages) goes through terminal_safe: a subject may hold escape
// sequences meant for the terminal.
void print_report(const check_command_options& o, const endpoint_result& r, const chain_verdict* v,
                  const audit_runtime& runtime) {
    const auto shown = report::terminal_excerpt;  // server text: made safe, cut to 1,024 bytes
    // text::rfc3339, not fmt's chrono formatter, which overflows outside 1678-2262 (--at 1029-01-01).
    print_stderr("tlsaudit check {} ({} certificate{}, host {}, at {}, rules {})\n", shown(o.file), r.cap.chain.size(),
                 r.cap.chain.size() == 1 ? "" : "s", o.host.empty() ? "-" : shown(o.host), text::rfc3339(runtime.at()),
                 shown(runtime.rules().version));
    if (v != nullptr) {
        for (std::size_t i = 0; i < v->path.size(); ++i)
            print_stderr("  path[{}] {:<7} {}\n", i, origin_name(v->path[i].origin), shown(v->path[i].info.subject));
        print_stderr("  trust: {}\n",
                     v->trusted
                         ? "trusted"
                         : "not trusted (" + shown(v->errors.empty() ? v->leaf_error : v->errors.front().text) + ")");
    }
    if (r.trust) print_stderr("{}", report::format_program_table(*r.trust));
    print_stderr("  status: {}\n", audit::status_of(r));
    // Worst first, as the reports and the scan summary list them (the record keeps audit order).
    std::vector<const finding*> worst_first;
    for (const auto& f : r.findings) worst_first.push_back(&f);
    std::stable_sort(worst_first.begin(), worst_first.end(),
                     [](const finding* a, const finding* b) { return a->level > b->level; });
    for (const auto* found : worst_first) {
        const auto& f = *found;
        const std::string where =
            f.cert ? (f.cert->position >= 0 ? fmt::format("[{}] ", f.cert->position) : "[path] ") : "";
        print_stderr("  {:<8} {:<24} {}{}\n           fix: {}\n", to_string(f.level), shown(f.id), where,
                     shown(f.message), shown(f.remediation));
    }
}

}  // namespace

target check_target(const std::string& host) {
    if (host.empty()) return {};
    const auto items = targets::parse_line(host, 0, {});
    if (items.size() == 1) {
        if (const auto* t = std::get_if<target>(&items.front())) return *t;
        if (const auto* e = std::get_if<input_error>(&items.front())) throw config_error("--host: " + e->message);
    }
    throw config_error("--host " + report::terminal_safe(host) + ": give one name or IP address");
}

checked_chain audit_saved_chain(std::vector<bytes> chain, const std::string& host, const std::string& input,
                                audit_runtime& runtime) {
    checked_chain out;
    endpoint_result& r = out.result;
    r.ep.tgt = check_target(host);
    r.ep.tgt.input = input;
    r.cap.chain = std::move(chain);
    r.cap.scanned_at = runtime.at();
    for (const auto& der : r.cap.chain) {
        parsed_cert p;
        p.info = x509::parse_certificate(der, p.error);
        r.certs.push_back(std::move(p));
    }
    out.verdict = runtime.audit(r);
    // Without --host no name was checked; the file stands in for one in the record, so
    // that `report` and `history import` take it as they take a scan's.
    if (r.ep.tgt.host.empty()) r.ep.tgt.host = input;
    return out;
}

CLI::App* setup_check(CLI::App& app, check_command_options& o) {
    auto* cmd = app.add_subcommand("check", "Audit a saved chain (PEM, leaf first) offline, as `scan` would");
    cmd->add_option("file", o.file, "PEM file ('-': standard input): the leaf, then the intermediates the server sends")
        ->required()
        ->check(CLI::Validator([](const std::string& f) { return f == "-" ? std::string() : CLI::ExistingFile(f); },
                               "FILE"))
        ->group(help_group::targets);
    cmd->add_option("--host", o.host, "Name or IP the leaf must cover (a host:port or URL gives its host)")
        ->group(help_group::targets);
    cmd->add_option("--ndjson", o.ndjson, "Write the endpoint record here ('-': stdout)")
        ->capture_default_str()
        ->group(help_group::outputs);
    cmd->add_option("--fail-on", o.fail_on, "Exit with 1 when a finding is at least this severe ('none': never)")
        ->capture_default_str()
        ->check(CLI::IsMember({"none", "info", "low", "medium", "high", "critical"}))
        ->group(help_group::ci_policy);
    cmd->add_flag("-q,--quiet", o.quiet, "No human-readable report on stderr")->group(help_group::outputs);
    add_audit_options(*cmd, o.audit);
    add_fetch_options(*cmd, o.audit.fetch);
    use_grouped_help(*cmd);
    cmd->footer(R"(Examples:
  tlsaudit check chain.pem --host www.example.com
  tlsaudit check leaf.pem --ca-file intermediate.pem --at 2021-01-20
  tlsaudit check chain.pem --rules my-rules.json --fail-on critical)");
    return cmd;
}

int run_check_command(const check_command_options& o) {
    check_output_file("--ndjson", o.ndjson);                     // exit 2, as for scan and report
    std::vector<named_file> inputs{{"the chain file", o.file}};  // "-": --ndjson may not be stdin's file
    for (const auto& f : o.audit.ca_files) inputs.push_back({"--ca-file", f.string()});
    if (o.audit.rules) inputs.push_back({"--rules", o.audit.rules->string()});
    check_distinct_files({{"--ndjson", o.ndjson}}, inputs);
    std::vector<bytes> chain;
    try {
        chain = o.file == "-" ? read_chain_from_stdin() : x509::read_pem_file(o.file);
    } catch (const std::exception& e) {
        throw config_error(e.what());
    }
    // A served chain of more is refused (chain-too-large); auditing one grows faster than its
    // length (a 4,000-certificate file took 90 s).
    if (chain.size() > max_chain_certificates)
        throw config_error(
            fmt::format("{}: {} certificates, over the limit of {} a served chain is held to "
                        "(chain-too-large): give the chain the server sends, leaf first",
                        o.file, chain.size(), max_chain_certificates));

    const auto now = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
    aia_fetch_limits aia;
    aia.policy = o.audit.fetch;
    audit_runtime runtime(o.audit, now, o.audit.fetch_missing ? make_issuer_fetcher(aia) : issuer_fetcher{});

    const auto [result, verdict] = audit_saved_chain(std::move(chain), o.host, o.file, runtime);
    // A scan writing the same file holds its lock: the record would be cut into its stream.
    std::optional<report::output_lock> lock;
    if (o.ndjson != "-") lock_output(lock, "--ndjson", o.ndjson, true);
    report::ndjson_writer out(o.ndjson);
    out.write(result);
    if (!o.quiet) print_report(o, result, verdict.get(), runtime);

    if (!o.fail_on.empty() && o.fail_on != "none") {
        const auto threshold = parse_severity(o.fail_on);
        const auto worst = result.worst();
        if (threshold && worst && *worst >= *threshold) return exit_code::findings;
    }
    return exit_code::ok;
}

}  // namespace tlsaudit::app
