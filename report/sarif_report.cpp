#include <tlsaudit/report/finding_groups.hpp>
#include <tlsaudit/report/sarif_report.hpp>

#include <tlsaudit/finding_catalogue.hpp>
#include <tlsaudit/report/baseline.hpp>
#include <tlsaudit/report/executive_summary.hpp>

#include "text/hex.hpp"
#include "text/utf8.hpp"

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>
#include <string_view>

namespace tlsaudit::report {
namespace {

namespace json = boost::json;

constexpr std::size_t max_message_bytes = 4096;

std::string_view level_of(severity s) {
    if (s >= severity::high) return "error";
    if (s == severity::medium) return "warning";
    return "note";
}

// GitHub's convention: a CVSS-like number that maps to critical/high/medium/low. Info has
// none: GitHub would rank any number, 0.0 too, as a low security alert.
std::optional<std::string_view> security_severity(severity s) {
    switch (s) {
    case severity::critical: return "9.5";
    case severity::high: return "8.0";
    case severity::medium: return "5.5";
    case severity::low: return "3.0";
    case severity::info: break;
    }
    return std::nullopt;
}

// `level`: the highest level of the rule's results in this report (a rules file may have
// moved it; GitHub reads an alert's severity from its rule), else the catalogue's.
json::object rule_json(std::string_view id, const finding_kind* entry, std::optional<severity> reported) {
    json::object r;
    r["id"] = id;
    r["name"] = id;
    r["shortDescription"] = json::object{{"text", entry ? entry->title : id}};
    r["fullDescription"] = json::object{{"text", entry ? entry->description : id}};
    const auto level = reported ? *reported : entry ? entry->default_level : severity::medium;
    r["defaultConfiguration"] = json::object{{"level", level_of(level)}};
    r["properties"] = json::object{{"severity", to_string(level)}, {"tags", json::array{"security", "tls"}}};
    if (const auto score = security_severity(level)) r["properties"].as_object()["security-severity"] = *score;
    return r;
}

// A file path as a SARIF artifact URI (RFC 3986): a path under the working directory is
// made relative to it (code scanning ties an alert to a file of the repository only so),
// other absolute paths become file:// URIs, anything outside the unreserved set and '/'
// is percent-encoded.
std::string path_uri(std::string_view path) {
    std::error_code ec;
    const auto cwd = std::filesystem::current_path(ec).string() + "/";
    if (!ec && path.starts_with(cwd) && path.size() > cwd.size()) path.remove_prefix(cwd.size());
    return (path.starts_with('/') ? "file://" : "") + text::percent_encode_path(path);
}

struct context {
    const report_data& data;
    std::map<std::string, std::size_t> rule_index;
    json::array results;
};

// Where a finding is: the target (host:port, its SNI when it is not the host, its STARTTLS
// protocol) and the endpoint's address.
struct place {
    const std::string& host;
    int port;
    std::string sni;  // identity_sni: "" for the host itself
    const std::string& starttls;
    const std::string& address;
    int line;
};

void add_result(context& ctx, const place& at, const finding_row& f) {
    const auto& [host, port, sni, starttls, address, line] = at;
    json::object r;
    r["ruleId"] = f.id;
    r["ruleIndex"] = ctx.rule_index.at(f.id);
    r["level"] = level_of(f.level);
    // The message quotes the server's strings: invisible controls shown (a U+202E would
    // reverse what follows it in a code-scanning alert), and a huge subject cut.
    std::string text = text::shorten(text::show_invisible_controls(f.message), max_message_bytes);
    if (!f.remediation.empty()) text += " Fix: " + f.remediation;
    r["message"] = json::object{{"text", text}};
    const std::string endpoint = target_text(host, port, sni, starttls) + (address.empty() ? "" : " (" + address + ")");
    // Every result has a physical location (code scanning refuses a file with one without):
    // the target list and the line, or the list alone (a resolved finding, stdin, records
    // without metadata: "targets").
    const auto& input = ctx.data.meta.input;
    json::object physical{
        {"artifactLocation", json::object{{"uri", input.empty() || input == "-" ? "targets" : path_uri(input)}}}};
    if (line > 0) physical["region"] = json::object{{"startLine", line}};
    json::object location{{"physicalLocation", std::move(physical)}};
    location["logicalLocations"] =
        json::array{json::object{{"name", endpoint}, {"fullyQualifiedName", endpoint}, {"kind", "resource"}}};
    r["locations"] = json::array{std::move(location)};
    // v1's text for a target without SNI or STARTTLS, so that existing alerts keep theirs.
    std::string fingerprint = fmt::format("{}:{}|{}|{}", host, port, f.id, f.cert_sha256);
    if (!sni.empty() || !starttls.empty()) fingerprint += fmt::format("|{}|{}", sni, starttls);
    r["partialFingerprints"] = json::object{{"tlsauditFinding/v1", std::move(fingerprint)}};
    if (f.baseline != baseline_state::none)
        r["baselineState"] = f.baseline == baseline_state::new_finding ? "new" : "unchanged";
    json::object props{{"severity", to_string(f.level)}, {"host", host}, {"port", port}};
    if (!sni.empty()) props["sni"] = sni;
    if (!starttls.empty()) props["starttls"] = starttls;
    if (!address.empty()) props["address"] = address;
    if (!f.cert_sha256.empty()) {
        props["cert_sha256"] = f.cert_sha256;
        // Shown and cut as the message is (the JSON report holds the subject whole).
        props["cert_subject"] = text::shorten(text::show_invisible_controls(f.cert_subject), max_message_bytes);
    }
    if (!f.rule.empty()) props["catalogue_rule"] = f.rule;
    r["properties"] = std::move(props);
    ctx.results.emplace_back(std::move(r));
}

// Scan errors are about the run, not the code scanned: one notification per error class,
// level error for the classes that failed the run under --fail-on-errors (which also makes
// the execution unsuccessful), warning for the others (all of them when only the scan's
// not finishing failed it).
void add_scan_errors(json::object& invocation, const report_data& data) {
    const auto verdict = error_verdict_of(data);
    json::array notes;
    if (verdict.fails)
        notes.emplace_back(json::object{{"level", "error"},
                                        {"message", json::object{{"text", errors_sentence(data)}}},
                                        {"descriptor", json::object{{"id", "fail-on-errors"}}}});
    std::map<std::string, std::string> example;  // class -> first place it happened
    for (const auto& e : data.endpoints)
        if (!e.error_code.empty())
            example.try_emplace(
                e.error_code,
                fmt::format("{}{}: {}", target_text(e.host, e.port, identity_sni(e.host, e.sni), e.starttls),
                            e.address.empty() ? "" : " (" + e.address + ")", e.error_detail));
    if (!data.input_errors.empty())
        example.try_emplace(std::string(input_error_class), fmt::format("line {}: {}", data.input_errors.front().line,
                                                                        data.input_errors.front().error));
    for (const auto& [name, n] : verdict.by_class) {
        // A class fails the run only when the failures do: a scan that failed for not having
        // finished lists the ones it met so far as warnings (as JUnit does).
        const bool failing = verdict.too_many && data.on_errors.counts(name);
        const auto what = name == input_error_class
                              ? plural(n, "target line", "target lines") + " could not be read"
                              : plural(n, "endpoint", "endpoints") + " could not be scanned: " + name;
        notes.emplace_back(
            json::object{{"level", failing ? "error" : "warning"},
                         {"message", json::object{{"text", fmt::format("{} (e.g. {})", what, example[name])}}},
                         {"descriptor", json::object{{"id", name}}}});
    }
    if (!notes.empty()) invocation["toolExecutionNotifications"] = std::move(notes);
    invocation["executionSuccessful"] = !verdict.fails;
}

}  // namespace

void write_sarif_report(const report_data& data, std::ostream& out) {
    context ctx{data, {}, {}};
    std::map<std::string, severity, std::less<>> reported;  // finding id -> highest level in this report
    const auto note = [&](const std::string& id, severity level) {
        auto [it, fresh] = reported.try_emplace(id, level);
        if (!fresh) it->second = std::max(it->second, level);
    };
    for (const auto& e : data.endpoints)
        for (const auto& f : e.findings) note(f.id, f.level);
    for (const auto& n : data.names)
        for (const auto& f : n.findings) note(f.id, f.level);
    const auto reported_level = [&](std::string_view id) -> std::optional<severity> {
        const auto it = reported.find(id);
        return it == reported.end() ? std::nullopt : std::optional(it->second);
    };
    json::array rules;
    for (const auto& e : finding_kinds) {
        ctx.rule_index[std::string(e.id)] = rules.size();
        rules.emplace_back(rule_json(e.id, &e, reported_level(e.id)));
    }
    auto ensure_rule = [&](const std::string& id) {
        if (ctx.rule_index.count(id)) return;
        ctx.rule_index[id] = rules.size();
        rules.emplace_back(rule_json(id, nullptr, reported_level(id)));
    };
    const std::string direct;
    for (const auto& e : data.endpoints)
        for (const auto& f : e.findings) {
            ensure_rule(f.id);
            add_result(ctx, {e.host, e.port, identity_sni(e.host, e.sni), e.starttls, e.address, e.line}, f);
        }
    for (const auto& n : data.names)
        for (const auto& f : n.findings) {
            ensure_rule(f.id);
            add_result(ctx, {n.host, n.port, identity_sni(n.host, n.sni), n.starttls, direct, n.line}, f);
        }
    for (const auto& r : data.resolved) {
        ensure_rule(r.id);
        finding_row f;
        f.id = r.id;
        f.level = parse_severity(r.severity).value_or(severity::info);
        f.cert_sha256 = r.cert_sha256;
        f.message = r.message;
        add_result(ctx, {r.host, r.port, r.sni, r.starttls, direct, 0}, f);
        ctx.results.back().as_object()["baselineState"] = "absent";
    }
    json::object driver{{"name", "tlsaudit"},
                        {"version", data.meta.tool_version.empty() ? "unknown" : data.meta.tool_version},
                        {"rules", std::move(rules)}};
    if (!data.meta.rules_version.empty())
        driver["properties"] = json::object{{"rules_version", data.meta.rules_version}};
    json::object invocation{{"executionSuccessful", true}};
    add_scan_errors(invocation, data);
    if (!data.meta.started_at.empty()) invocation["startTimeUtc"] = data.meta.started_at;
    if (!data.meta.finished_at.empty()) invocation["endTimeUtc"] = data.meta.finished_at;
    json::object run{{"tool", json::object{{"driver", std::move(driver)}}},
                     {"invocations", json::array{std::move(invocation)}},
                     {"results", std::move(ctx.results)}};
    json::object doc{{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
                     {"version", "2.1.0"},
                     {"runs", json::array{std::move(run)}}};
    out << json::serialize(doc) << "\n";
}

}  // namespace tlsaudit::report
