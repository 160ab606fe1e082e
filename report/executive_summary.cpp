#include <tlsaudit/finding_catalogue.hpp>
#include <tlsaudit/report/executive_summary.hpp>
#include <tlsaudit/report/finding_groups.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

namespace tlsaudit::report {

const cert_row* cert_of(const endpoint_row& e, const finding_row& f) {
    const std::vector<cert_row>* chain = &e.chain;
    if (f.chain > 0) {
        chain = nullptr;
        for (const auto& o : e.other_chains)
            if (o.index == f.chain) chain = &o.chain;
    }
    if (!chain || chain->empty()) return nullptr;
    if (f.cert_position)
        for (const auto& c : *chain)
            if (c.position == *f.cert_position) return &c;
    return &chain->front();
}

std::vector<summary_item> executive_summary(const report_data& data) {
    finding_groups groups(0, true);
    for (std::size_t i = 0; i < data.endpoints.size(); ++i) groups.add_endpoint(data.endpoints[i], i, i, i);
    for (std::size_t i = 0; i < data.names.size(); ++i) groups.add_name(data.names[i], i, i, data.endpoints.size() + i);
    std::vector<summary_item> items;
    const auto* evaluated = data.meta.options.if_contains("evaluated_at");
    const std::string now = evaluated != nullptr && evaluated->is_string() ? std::string(evaluated->as_string()) : "";
    for (auto& g : groups.items(now)) items.push_back(std::move(g.item));

    const auto c = count(data);
    std::set<std::string> hosts;  // names asked for (SNI, else host)
    for (const auto& e : data.endpoints)
        if (!e.error_code.empty()) hosts.insert(e.sni.empty() ? e.host : e.sni);
    for (auto& it : error_items(c.endpoints_error, hosts.size(), c.by_error, c.input_errors))
        items.push_back(std::move(it));
    return items;
}

std::string verdict_sentence(const report_data& data) {
    const bool scanned =
        data.unlisted_scanned > 0 || std::any_of(data.endpoints.begin(), data.endpoints.end(),
                                                 [](const endpoint_row& e) { return e.error_code.empty(); });
    return verdict_sentence(scanned, data.fail_on, data.fail_on_new, scanned ? failing_findings(data) : 0);
}

std::string verdict_sentence(bool scanned, std::optional<severity> fail_on, bool fail_on_new, std::size_t against) {
    if (!scanned) return "NOT VERIFIED: no endpoint was scanned, so no finding could be looked for.";
    if (!fail_on) return "PASS: the policy fails on nothing.";  // nothing counts against it
    const auto level = to_string(*fail_on);
    const std::string scope = fail_on_new ? "new " : "";
    if (against == 0) return fmt::format("PASS: no {}finding at or above {}.", scope, level);
    return fmt::format("FAIL: {} {}finding{} at or above {} (the policy: fail on {}{}).", against, scope,
                       against == 1 ? "" : "s", level, level, fail_on_new ? ", new findings only" : "");
}

namespace {

// What the policy fails on (its text, with the classes, comes before this).
std::string_view policy_rule(const error_policy& p) {
    switch (p.kind) {
    case error_policy::mode::none: return "never fails on them";
    case error_policy::mode::all: return "fails when no endpoint could be scanned";
    case error_policy::mode::count: return "fails when more than that many could not be scanned";
    case error_policy::mode::share: return "fails when a larger share could not";
    }
    return "";
}

}  // namespace

std::string errors_sentence(const report_data& data) {
    const auto c = count(data);
    return errors_sentence(error_verdict_of(data), data.on_errors, c.endpoints, c.by_error, c.input_errors);
}

std::string errors_sentence(const error_verdict& v, const error_policy& policy, std::size_t endpoints,
                            const std::map<std::string, std::size_t>& by_error, std::size_t input_errors) {
    const std::string verdict = v.fails ? "FAIL" : "PASS";
    const std::string rule = fmt::format("the policy --fail-on-errors {} {}", to_string(policy), policy_rule(policy));
    if (!v.incomplete.empty()) {
        // What was not reached is not counted anywhere: the unfinished scan is the failure.
        return fmt::format(
            "{}: the scan did not finish ({}){}; {}.", verdict, v.incomplete,
            v.failed ? fmt::format(", and {} of the {} it reached failed", v.failed, v.counts.units) : std::string(),
            policy.kind == error_policy::mode::none ? rule : "an unfinished scan fails every policy but none");
    }
    if (v.counts.units == 0)
        return fmt::format("{}: the input held no target, so nothing was scanned; {}.", verdict, rule);
    if (v.failed == 0) return fmt::format("{}: every endpoint was scanned.", verdict);
    std::vector<std::string> parts;
    const std::size_t endpoints_failed = endpoints - v.counts.scanned;
    if (endpoints_failed) {
        std::string what =
            fmt::format("{} of {} could not be scanned", endpoints_failed, plural(endpoints, "endpoint", "endpoints"));
        what += " (" + errors_text(by_error) + ")";
        parts.push_back(std::move(what));
    }
    if (input_errors)
        parts.push_back(fmt::format("{} of the target list could not be read", plural(input_errors, "line", "lines")));
    // With classes, the count the policy judged is not the total above: say it.
    const std::string counted =
        policy.classes.empty() ? std::string() : fmt::format("; {} in the classes it counts", v.counts.counted);
    return fmt::format("{}: {}{}; {}.", verdict, list_text(parts), counted, rule);
}

}  // namespace tlsaudit::report
