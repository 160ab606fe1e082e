#include <tlsaudit/finding_catalogue.hpp>
#include <tlsaudit/report/executive_summary.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

namespace tlsaudit::report {
namespace {

std::string plural(std::size_t n, std::string_view one, std::string_view many) {
    return fmt::format("{} {}", n, n == 1 ? one : many);
}

std::string date_of(const std::string& iso) { return iso.substr(0, 10); }

// "3 endpoints (2 names)", or "2 names" for findings on whole names only.
std::string where(std::size_t endpoints, std::size_t names) {
    if (endpoints == 0) return plural(names, "name", "names");
    return fmt::format("{} ({})", plural(endpoints, "endpoint", "endpoints"), plural(names, "name", "names"));
}

// The value of the first CN= in an RFC 2253 subject, or the subject itself.
std::string common_name(const std::string& subject) {
    const auto at = subject.find("CN=");
    if (at == std::string::npos) return subject;
    std::string out;
    for (auto i = at + 3; i < subject.size() && subject[i] != ','; ++i) {
        if (subject[i] == '\\' && i + 1 < subject.size()) ++i;
        out += subject[i];
    }
    return out;
}

// The name a client asks for: the SNI when one was set (a target may be an address).
const std::string& name_of(const std::string& host, const std::string& sni) { return sni.empty() ? host : sni; }

// The kinds whose fix has a date: the not-after of the certificate concerned.
bool has_deadline(std::string_view id) {
    return id == "cert-expired" || id == "cert-expiring" || id == "issuer-discontinued" || id == "issuer-distrusted";
}

// What one group collects while the findings are walked.
struct group {
    summary_item item;
    std::set<std::tuple<std::string, int, std::string, std::string>> endpoints;
    std::set<std::string> hosts;                       // names asked for (SNI, else host)
    std::set<std::string> certs;                       // distinct certificates (SHA-256, or a stand-in)
    std::vector<std::string> programs;                 // issuer-distrusted: the root programs named, first seen first
    std::map<std::string, std::size_t> expiry_months;  // "2027-01" -> certificates
    std::set<std::string> cert_dates;                  // not-after of each counted certificate
    std::string subject;                               // the first certificate subject named
};

// The root programs a distrust message names: "... distrusted by Chrome 131+ (notBefore
// ... is after ...), Apple (...); the chain ..." gives Chrome 131+ and Apple.
void collect_programs(group& g, const std::string& message) {
    constexpr std::string_view marker = "distrusted by ";
    const auto at = message.find(marker);
    if (at == std::string::npos) return;
    std::string name;
    int depth = 0;
    auto flush = [&] {
        while (!name.empty() && name.back() == ' ') name.pop_back();
        if (name.starts_with("and ")) name.erase(0, 4);
        if (!name.empty() && std::find(g.programs.begin(), g.programs.end(), name) == g.programs.end())
            g.programs.push_back(name);
        name.clear();
    };
    for (auto i = at + marker.size(); i < message.size(); ++i) {
        const char ch = message[i];
        if (ch == '(') ++depth;
        else if (ch == ')') depth = std::max(0, depth - 1);
        else if (depth == 0 && (ch == ';' || ch == '.')) break;
        else if (depth == 0 && ch == ',') flush();
        else if (depth == 0 && !(name.empty() && ch == ' ')) name += ch;
    }
    flush();
}

std::string list_text(const std::vector<std::string>& items) {
    std::string out;
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i) out += i + 1 == items.size() ? " and " : ", ";
        out += items[i];
    }
    return out;
}

std::string headline_of(const group& g) {
    const auto& it = g.item;
    const auto w = where(it.endpoints, it.names);
    const auto c = g.certs.size();
    const auto certs = plural(c, "certificate", "certificates");
    if (it.id == "deprecated-intermediate")
        return fmt::format("{} still serve the retired intermediate {}.", w,
                           g.subject.empty() ? std::string("named by rule ") + it.rule : common_name(g.subject));
    if (it.id == "leaf-revoked") return fmt::format("{} on {} {} revoked.", certs, w, c == 1 ? "is" : "are");
    if (it.id == "issuer-distrusted")
        return fmt::format("{} on {} {} distrusted by {}.", certs, w, c == 1 ? "is" : "are",
                           g.programs.empty() ? "root programs" : list_text(g.programs));
    if (it.id == "issuer-discontinued")
        return fmt::format("{} on {} come{} from an issuer that can no longer sell or renew them.", certs, w,
                           c == 1 ? "s" : "");
    if (it.id == "cert-expired") return fmt::format("{} on {} {} expired.", certs, w, c == 1 ? "has" : "have");
    if (it.id == "cert-expiring") return fmt::format("{} on {} expire{} soon.", certs, w, c == 1 ? "s" : "");
    return fmt::format("{}: {}.", it.title.empty() ? it.id : it.title, w);
}

// "They expire between 2027-01-15 and 2027-05-01 (2 in 2027-01, 1 in 2027-05): replace
// the first by 2027-01-15."
std::string dates_of(const group& g) {
    const auto& it = g.item;
    if (!it.earliest_deadline) return "";
    const auto first = date_of(*it.earliest_deadline);
    if (it.id == "cert-expired") return fmt::format(" The first expired on {}.", first);
    if (it.id == "cert-expiring") return fmt::format(" The first expires on {}.", first);
    if (g.cert_dates.size() <= 1) return fmt::format(" It expires on {}: replace it by then.", first);
    std::string months;
    std::size_t shown = 0;
    for (const auto& [month, n] : g.expiry_months) {
        if (shown++ == 4) {
            months += ", ...";
            break;
        }
        months += fmt::format("{}{} in {}", shown > 1 ? ", " : "", n, month);
    }
    return fmt::format(" They expire between {} and {} ({}): replace the first by {}.", first,
                       date_of(*g.cert_dates.rbegin()), months, first);
}

void add(group& g, const finding_row& f, const cert_row* cert, finding_ref ref, const std::string& name) {
    auto& it = g.item;
    if (!it.level || f.level > *it.level) it.level = f.level;
    ++it.count;
    it.findings.push_back(ref);
    g.hosts.insert(name);
    if (std::find(it.remediations.begin(), it.remediations.end(), f.remediation) == it.remediations.end() &&
        !f.remediation.empty())
        it.remediations.push_back(f.remediation);
    if (g.subject.empty()) g.subject = f.cert_subject;
    if (f.id == "issuer-distrusted") collect_programs(g, f.message);
    std::string key = !f.cert_sha256.empty() ? f.cert_sha256 : cert && !cert->sha256.empty() ? cert->sha256 : "";
    if (key.empty()) key = fmt::format("{}/{}/{}", ref.name, ref.row, ref.finding);
    const bool new_cert = g.certs.insert(key).second;
    if (!cert || cert->not_after.empty() || !has_deadline(f.id)) return;
    if (!it.earliest_deadline || cert->not_after < *it.earliest_deadline) it.earliest_deadline = cert->not_after;
    if (!new_cert) return;
    g.cert_dates.insert(cert->not_after);
    ++g.expiry_months[cert->not_after.substr(0, 7)];
}

std::string errors_text(const report_data& data) {
    std::map<std::string, std::size_t> by_code;
    for (const auto& e : data.endpoints)
        if (!e.error_code.empty()) ++by_code[e.error_code];
    std::vector<std::pair<std::string, std::size_t>> codes(by_code.begin(), by_code.end());
    std::stable_sort(codes.begin(), codes.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
    std::vector<std::string> parts;
    for (const auto& [code, n] : codes) parts.push_back(fmt::format("{} {}", n, code));
    return list_text(parts);
}

}  // namespace

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
    std::map<std::pair<std::string, std::string>, group> groups;  // (id, rule)
    auto group_of = [&](const finding_row& f) -> group& {
        auto& g = groups[{f.id, f.rule}];
        if (g.item.id.empty()) {
            g.item.id = f.id;
            g.item.rule = f.rule.empty() ? f.id : f.rule;
            if (const auto* kind = find_finding_kind(f.id)) {
                g.item.title = kind->title;
                g.item.meaning = kind->description;
            }
        }
        return g;
    };
    for (std::size_t i = 0; i < data.endpoints.size(); ++i) {
        const auto& e = data.endpoints[i];
        for (std::size_t k = 0; k < e.findings.size(); ++k) {
            auto& g = group_of(e.findings[k]);
            add(g, e.findings[k], cert_of(e, e.findings[k]), {false, i, k}, name_of(e.host, e.sni));
            g.endpoints.emplace(e.host, e.port, e.sni, e.address);
        }
    }
    for (std::size_t i = 0; i < data.names.size(); ++i) {
        const auto& n = data.names[i];
        for (std::size_t k = 0; k < n.findings.size(); ++k)
            add(group_of(n.findings[k]), n.findings[k], nullptr, {true, i, k}, name_of(n.host, n.sni));
    }

    std::vector<summary_item> items;
    for (auto& [key, g] : groups) {
        auto& it = g.item;
        it.endpoints = g.endpoints.size();
        it.names = g.hosts.size();
        it.headline = headline_of(g);
        it.text = it.headline + dates_of(g);
        if (it.remediations.size() == 1) it.text += " Fix: " + it.remediations.front();
        else if (it.remediations.size() > 1)
            it.text += fmt::format(" Fix: {} (and {} more fixes, in the findings below)", it.remediations.front(),
                                   it.remediations.size() - 1);
        items.push_back(std::move(it));
    }
    std::stable_sort(items.begin(), items.end(), [](const summary_item& a, const summary_item& b) {
        return std::tuple(*b.level, b.count, a.rule) < std::tuple(*a.level, a.count, b.rule);
    });

    const auto c = count(data);
    if (c.endpoints_error) {
        summary_item it;
        it.rule = "scan-error";
        it.count = it.endpoints = c.endpoints_error;
        std::set<std::string> hosts;  // names asked for (SNI, else host)
        for (std::size_t i = 0; i < data.endpoints.size(); ++i)
            if (!data.endpoints[i].error_code.empty())
                hosts.insert(name_of(data.endpoints[i].host, data.endpoints[i].sni));
        it.names = hosts.size();
        it.headline = fmt::format("{} could not be scanned: {}.", where(it.endpoints, it.names), errors_text(data));
        it.text = it.headline + " Their certificates were not audited; see the endpoint list for each error.";
        items.push_back(std::move(it));
    }
    if (c.input_errors) {
        summary_item it;
        it.rule = "input-error";
        it.count = c.input_errors;
        it.headline = fmt::format("{} of the target list could not be read.", plural(c.input_errors, "line", "lines"));
        it.text = it.headline + " Fix the lines listed under \"Input errors\" and scan them again.";
        items.push_back(std::move(it));
    }
    return items;
}

std::string verdict_sentence(const report_data& data) {
    const bool scanned =
        data.unlisted_scanned > 0 || std::any_of(data.endpoints.begin(), data.endpoints.end(),
                                                 [](const endpoint_row& e) { return e.error_code.empty(); });
    if (!scanned) return "NOT VERIFIED: no endpoint was scanned, so no finding could be looked for.";
    if (!data.fail_on) return "PASS: the policy fails on nothing.";  // nothing counts against it
    const std::size_t against = failing_findings(data);
    const auto level = to_string(*data.fail_on);
    const std::string scope = data.fail_on_new ? "new " : "";
    if (against == 0) return fmt::format("PASS: no {}finding at or above {}.", scope, level);
    return fmt::format("FAIL: {} {}finding{} at or above {} (the policy: fail on {}{}).", against, scope,
                       against == 1 ? "" : "s", level, level, data.fail_on_new ? ", new findings only" : "");
}

namespace {

// What the policy fails on (its text, with the classes, comes before this).
std::string_view policy_rule(const error_policy& p) {
    switch (p.kind) {
    case error_policy::mode::none: return "never fails on them";
    case error_policy::mode::all: return "fails when no endpoint could be scanned";
    case error_policy::mode::count: return "fails when more could not";
    case error_policy::mode::share: return "fails when a larger share could not";
    }
    return "";
}

}  // namespace

std::string errors_sentence(const report_data& data) {
    const auto v = error_verdict_of(data);
    const std::string verdict = v.fails ? "FAIL" : "PASS";
    const std::string policy =
        fmt::format("the policy --fail-on-errors {} {}", to_string(data.on_errors), policy_rule(data.on_errors));
    if (v.counts.units == 0)
        return fmt::format("{}: the input held no target, so nothing was scanned; {}.", verdict, policy);
    if (v.failed == 0) return fmt::format("{}: every endpoint was scanned.", verdict);
    std::vector<std::string> parts;
    const std::size_t endpoints = data.endpoints.size() + data.unlisted_scanned;
    const std::size_t endpoints_failed = endpoints - v.counts.scanned;
    if (endpoints_failed) {
        std::string what =
            fmt::format("{} of {} could not be scanned", endpoints_failed, plural(endpoints, "endpoint", "endpoints"));
        what += " (" + errors_text(data) + ")";
        parts.push_back(std::move(what));
    }
    if (!data.input_errors.empty())
        parts.push_back(
            fmt::format("{} of the target list could not be read", plural(data.input_errors.size(), "line", "lines")));
    return fmt::format("{}: {}; {}.", verdict, list_text(parts), policy);
}

}  // namespace tlsaudit::report
