#include "rules_command.hpp"

#include "exit_codes.hpp"

#include <tlsaudit/program_trust.hpp>
#include <tlsaudit/rules.hpp>

#include "text/time_text.hpp"

#include <tlsaudit/report/terminal.hpp>

#include <CLI/CLI.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

namespace tlsaudit::app {
namespace {

namespace json = boost::json;

std::string_view basis_name(audit::distrust_basis b) {
    switch (b) {
    case audit::distrust_basis::not_before: return "not-before";
    case audit::distrust_basis::earliest_sct: return "earliest-sct";
    case audit::distrust_basis::blocklist: return "blocklist";
    case audit::distrust_basis::removed: return "removed";
    }
    return "not-before";
}

// "Chrome 131+ earliest SCT after 2024-11-11T23:59:59Z", "Mozilla removed 2023-11-13".
std::string program_text(const audit::distrust_program& p) {
    switch (p.basis) {
    case audit::distrust_basis::not_before:
        return fmt::format("{}: notBefore after {}", p.name, text::rfc3339(p.after));
    case audit::distrust_basis::earliest_sct:
        return fmt::format("{}: earliest SCT after {}", p.name, text::rfc3339(p.after));
    case audit::distrust_basis::blocklist:
        return fmt::format("{}: blocklisted{}", p.name, p.since.empty() ? "" : " " + p.since);
    case audit::distrust_basis::removed:
        return fmt::format("{}: removed{}", p.name, p.since.empty() ? "" : " " + p.since);
    }
    return p.name;
}

std::string sources_text(const audit::rule& r) {
    if (r.sources.empty()) return "none given";
    return r.sources.size() == 1 ? "one source" : fmt::format("{} sources", r.sources.size());
}

json::object rule_json(const audit::catalogue& c, const audit::rule& r) {
    json::array programs;
    for (const auto& p : r.programs) {
        json::object o{{"program", p.name}, {"root_program", p.root_program()}, {"basis", basis_name(p.basis)}};
        o["after"] = p.basis == audit::distrust_basis::not_before || p.basis == audit::distrust_basis::earliest_sct
                         ? json::value(text::rfc3339(p.after))
                         : json::value(nullptr);
        o["since"] = p.since.empty() ? json::value(nullptr) : json::value(p.since);
        programs.emplace_back(std::move(o));
    }
    const auto strings = [](const std::vector<std::string>& v) { return json::array(v.begin(), v.end()); };
    return json::object{
        {"id", r.id},
        {"kind", to_string(r.kind)},
        {"severity", to_string(audit::effective_level(c, r))},
        {"name_only_severity", r.kind == audit::rule_kind::retired_intermediate
                                   ? json::value(to_string(r.name_only_level))
                                   : json::value(nullptr)},
        {"programs", std::move(programs)},
        {"sources", strings(r.sources)},
        {"single_source", r.sources.size() == 1},
        {"checked", r.checked.empty() ? json::value(nullptr) : json::value(r.checked)},
        {"retired_on", r.retired_on ? json::value(text::rfc3339(*r.retired_on).substr(0, 10)) : json::value(nullptr)},
        {"match", json::object{{"sha256", strings(r.match.sha256)},
                               {"spki_sha256", strings(r.match.spki_sha256)},
                               {"subject_cn", strings(r.match.subject_cn)}}},
        {"message", r.message},
        {"remediation", r.remediation}};
}

json::object catalogue_json(const audit::catalogue& c) {
    json::array limits;
    for (const auto& l : c.validity_limits)
        limits.emplace_back(json::object{
            {"from", text::rfc3339(l.from).substr(0, 10)}, {"max_days", l.max_days}, {"source", l.source}});
    json::array rules;
    for (const auto& r : c.rules) rules.emplace_back(rule_json(c, r));
    json::object severities;
    for (const auto& [id, level] : c.severities) severities[id] = to_string(level);
    return json::object{{"version", c.version},
                        {"mozilla_store", audit::default_mozilla_store().date},
                        {"severities", std::move(severities)},
                        {"validity_limits", std::move(limits)},
                        {"rules", std::move(rules)}};
}

// Text from a rules file on the terminal: escape sequences shown, not run.
std::string shown(std::string_view text) { return report::terminal_safe(text); }

void print_table(const audit::catalogue& c) {
    fmt::print("rules catalogue {} (Mozilla store {})\n\n", shown(c.version), audit::default_mozilla_store().date);
    for (const auto& r : c.rules) {
        fmt::print("{}  [{}, {}]  checked {}, {}\n", shown(r.id), to_string(r.kind),
                   to_string(audit::effective_level(c, r)), r.checked.empty() ? "?" : shown(r.checked),
                   sources_text(r));
        if (r.retired_on) fmt::print("    retired on {}\n", text::rfc3339(*r.retired_on).substr(0, 10));
        for (const auto& p : r.programs) fmt::print("    {}\n", shown(program_text(p)));
    }
    if (!c.severities.empty()) {
        fmt::print("\nseverities set by the rules file:\n");
        for (const auto& [id, level] : c.severities) fmt::print("    {}: {}\n", shown(id), to_string(level));
    }
    if (c.validity_limits.empty()) return;
    fmt::print("\nmaximum validity (Baseline Requirements), by notBefore:\n");
    for (const auto& l : c.validity_limits)
        fmt::print("    from {}: {} days ({})\n", text::rfc3339(l.from).substr(0, 10), l.max_days, shown(l.source));
}

void print_explain(const audit::catalogue& c, const audit::rule& r) {
    fmt::print("{}\n  kind: {}\n  severity: {}\n", shown(r.id), to_string(r.kind),
               to_string(audit::effective_level(c, r)));
    if (r.kind == audit::rule_kind::retired_intermediate)
        fmt::print("  severity of a name-only match: {}\n", to_string(r.name_only_level));
    if (r.retired_on) fmt::print("  retired on: {}\n", text::rfc3339(*r.retired_on).substr(0, 10));
    for (const auto& p : r.programs) fmt::print("  program: {}\n", shown(program_text(p)));
    for (const auto& s : r.match.sha256) fmt::print("  matches certificate SHA-256 {}\n", s);
    for (const auto& s : r.match.spki_sha256) fmt::print("  matches SPKI SHA-256 {}\n", s);
    for (const auto& s : r.match.subject_cn) fmt::print("  name-only match: CN {}\n", shown(s));
    fmt::print("  message: {}\n  fix: {}\n", shown(r.message), shown(r.remediation));
    if (!r.remediation_beside.empty())
        fmt::print("  fix when served beside a newer leaf: {}\n", shown(r.remediation_beside));
    if (!r.remediation_alternative.empty())
        fmt::print("  fix when only on another path: {}\n", shown(r.remediation_alternative));
    fmt::print("  sources ({}):\n", sources_text(r));
    for (const auto& s : r.sources) fmt::print("    - {}\n", shown(s));
    fmt::print("  checked: {}\n", r.checked.empty() ? "not recorded" : shown(r.checked));
}

}  // namespace

CLI::App* setup_rules(CLI::App& app, rules_command_options& o) {
    auto* cmd = app.add_subcommand("rules", "List the rules catalogue in force: events, programs, dates, sources");
    cmd->add_flag("--json", o.json, "Print the catalogue as JSON")->group("Outputs");
    cmd->add_option("--explain", o.explain, "Print one rule in full: what it matches, why, the fix, its sources")
        ->group("Trust and rules");
    cmd->add_option("--rules", o.rules,
                    "Show this rules file as a scan would load it (replacing the built-in one, or with \"extends\" "
                    "adding to it)")
        ->check(CLI::ExistingFile)
        ->group("Trust and rules");
    // Its own, or CLI11 shows the scan's exit codes of the top-level help.
    cmd->footer(R"(Examples:
  tlsaudit rules
  tlsaudit rules --explain globalsign-rsa-dv-ssl-ca-2018
  tlsaudit rules --rules my-rules.json --json
Exit codes: 0 printed; 2 a --rules file that cannot be read or is malformed, or no rule by the --explain id)");
    return cmd;
}

int run_rules_command(const rules_command_options& o) {
    audit::catalogue c;
    try {
        c = o.rules.empty() ? audit::default_catalogue() : audit::load_catalogue(o.rules);
    } catch (const std::exception& e) {
        throw config_error(std::string("rules: ") + e.what());
    }
    if (!o.explain.empty()) {
        const auto it =
            std::find_if(c.rules.begin(), c.rules.end(), [&](const audit::rule& r) { return r.id == o.explain; });
        if (it == c.rules.end()) throw std::invalid_argument("--explain: no rule '" + o.explain + "' in " + c.version);
        if (o.json) fmt::print("{}\n", json::serialize(rule_json(c, *it)));
        else print_explain(c, *it);
        return exit_code::ok;
    }
    if (o.json) fmt::print("{}\n", json::serialize(catalogue_json(c)));
    else print_table(c);
    return exit_code::ok;
}

}  // namespace tlsaudit::app
