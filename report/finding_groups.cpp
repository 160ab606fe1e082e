#include <tlsaudit/finding_catalogue.hpp>
#include <tlsaudit/report/finding_groups.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

namespace tlsaudit::report {
namespace {

std::string date_of(const std::string& iso) { return iso.substr(0, 10); }

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

// The kinds whose fix has a date: the not-after of the certificate concerned. Not
// issuer-distrusted: the programs named reject the certificate already, whatever its expiry.
bool has_deadline(std::string_view id) {
    return id == "cert-expired" || id == "cert-expiring" || id == "issuer-discontinued";
}

// A text with the report position where it first appears.
template <class Key>
struct first_seen {
    Key at;
    std::string text;
};

// Keeps `text` at the earliest position it was seen at.
template <class Key>
void note_first(std::vector<first_seen<Key>>& seen, const std::string& text, const Key& at) {
    auto it = std::find_if(seen.begin(), seen.end(), [&](const auto& s) { return s.text == text; });
    if (it == seen.end()) seen.push_back({at, text});
    else if (at < it->at) it->at = at;
}

template <class Key>
std::vector<std::string> in_order(std::vector<first_seen<Key>> seen) {
    std::sort(seen.begin(), seen.end(), [](const auto& a, const auto& b) { return a.at < b.at; });
    std::vector<std::string> out;
    for (auto& s : seen) out.push_back(std::move(s.text));
    return out;
}

using program_key = std::pair<report_position, std::size_t>;  // the finding, the name's place in its message

// What one group collects while the findings come in.
struct group {
    summary_item item;
    std::unordered_set<std::uint32_t> endpoints, hosts, certs;  // ids of distinct strings
    std::size_t unnamed_certs = 0;                              // certificates without a fingerprint: each distinct
    std::vector<first_seen<report_position>> remediations;
    std::vector<first_seen<program_key>> programs;       // issuer-distrusted: the root programs named,
    std::map<std::string, std::size_t> program_certs;    // and how many distinct certificates each names
    std::map<std::string, std::size_t> expiry_months;    // "2027-01" -> certificates
    std::optional<std::string> one_date;                 // not-after of the counted certificates: one of them,
    bool several_dates = false;                          // whether another differs,
    std::string last_date;                               // and the latest
    std::optional<first_seen<report_position>> subject;  // the first certificate subject named
    std::optional<first_seen<report_position>> message;  // the first finding's
    group_places places;
    std::optional<std::size_t> last_row;
};

// The root programs a distrust message names: "... distrusted by Chrome 131+ (notBefore
// ... is after ...), Apple (...); the chain ..." gives Chrome 131+ and Apple. `new_cert`:
// the finding is the first about its certificate in the group (each program counts it once).
void collect_programs(group& g, const std::string& message, const report_position& at, bool new_cert) {
    constexpr std::string_view marker = "distrusted by ";
    const auto start = message.find(marker);
    if (start == std::string::npos) return;
    std::string name;
    std::size_t index = 0;
    int depth = 0;
    auto flush = [&] {
        while (!name.empty() && name.back() == ' ') name.pop_back();
        if (name.starts_with("and ")) name.erase(0, 4);
        if (!name.empty()) {
            note_first(g.programs, name, program_key{at, index++});
            if (new_cert) ++g.program_certs[name];
        }
        name.clear();
    };
    for (auto i = start + marker.size(); i < message.size(); ++i) {
        const char ch = message[i];
        if (ch == '(') ++depth;
        else if (ch == ')') depth = std::max(0, depth - 1);
        else if (depth == 0 && (ch == ';' || ch == '.')) break;
        else if (depth == 0 && ch == ',') flush();
        else if (depth == 0 && !(name.empty() && ch == ' ')) name += ch;
    }
    flush();
}

// "3 endpoints (2 names)", or "2 names" for findings on whole names only.
std::string where(std::size_t endpoints, std::size_t names) {
    if (endpoints == 0) return plural(names, "name", "names");
    return fmt::format("{} ({})", plural(endpoints, "endpoint", "endpoints"), plural(names, "name", "names"));
}

// `it`: the group's item with its distinct counts filled in.
std::string headline_of(const group& g, const summary_item& it, const std::vector<std::string>& programs) {
    const auto w = where(it.endpoints, it.names);
    const auto c = g.certs.size() + g.unnamed_certs;
    const auto certs = plural(c, "certificate", "certificates");
    const std::string subject = g.subject ? g.subject->text : "";
    if (it.id == "deprecated-intermediate")
        return fmt::format("{} still chain{} through the retired intermediate {}.", w, it.endpoints == 1 ? "s" : "",
                           subject.empty() ? std::string("named by rule ") + it.rule : common_name(subject));
    if (it.id == "leaf-revoked") return fmt::format("{} on {} {} revoked.", certs, w, c == 1 ? "is" : "are");
    if (it.id == "issuer-distrusted") {
        // Each program with its count when they do not all distrust every certificate (Mozilla's
        // cut-off is later than Chrome's and Apple's): the report must not overstate one.
        const bool all_alike = std::all_of(programs.begin(), programs.end(), [&](const std::string& p) {
            const auto n = g.program_certs.find(p);
            return n != g.program_certs.end() && n->second == c;
        });
        std::vector<std::string> named = programs;
        if (!all_alike)
            for (auto& p : named) {
                const auto n = g.program_certs.find(p);
                p += fmt::format(" ({} of them)", n == g.program_certs.end() ? 0 : n->second);
            }
        return fmt::format("{} on {} {} distrusted by {}.", certs, w, c == 1 ? "is" : "are",
                           named.empty() ? "root programs" : list_text(named));
    }
    if (it.id == "issuer-discontinued")
        return fmt::format("{} on {} come{} from an issuer that can no longer sell or renew {}.", certs, w,
                           c == 1 ? "s" : "", c == 1 ? "it" : "them");
    if (it.id == "cert-expired") return fmt::format("{} on {} {} expired.", certs, w, c == 1 ? "has" : "have");
    if (it.id == "cert-expiring") return fmt::format("{} on {} expire{} soon.", certs, w, c == 1 ? "s" : "");
    return fmt::format("{}: {}.", it.title.empty() ? it.id : it.title, w);
}

// "They expire between 2027-01-15 and 2027-05-01 (2 in 2027-01, 1 in 2027-05): replace
// the first by 2027-01-15."
// `now`: the evaluation time (RFC 3339), when known; a deadline before it is overdue.
std::string dates_of(const group& g, const summary_item& it, std::string_view now) {
    if (it.id == "issuer-distrusted")
        return g.certs.size() + g.unnamed_certs == 1 ? " The programs named reject it already: replace it now."
                                                     : " The programs named reject them already: replace them now.";
    if (!it.earliest_deadline) return "";
    const auto first = date_of(*it.earliest_deadline);
    if (it.id == "cert-expired") return fmt::format(" The first expired on {}.", first);
    if (it.id == "cert-expiring") return fmt::format(" The first expires on {}.", first);
    const bool overdue = !now.empty() && *it.earliest_deadline < now;
    if (!g.several_dates)
        return overdue ? fmt::format(" It expired on {}: replace it now.", first)
                       : fmt::format(" It expires on {}: replace it by then.", first);
    std::string months;
    std::size_t shown = 0;
    for (const auto& [month, n] : g.expiry_months) {
        if (shown++ == 4) {
            months += ", ...";
            break;
        }
        months += fmt::format("{}{} in {}", shown > 1 ? ", " : "", n, month);
    }
    if (overdue)
        return fmt::format(" They expire between {} and {} ({}): the first expired on {}, replace them now.", first,
                           date_of(g.last_date), months, first);
    return fmt::format(" They expire between {} and {} ({}): replace the first by {}.", first, date_of(g.last_date),
                       months, first);
}

}  // namespace

std::string plural(std::size_t n, std::string_view one, std::string_view many) {
    return fmt::format("{} {}", n, n == 1 ? one : many);
}

std::string list_text(const std::vector<std::string>& items) {
    std::string out;
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i) out += i + 1 == items.size() ? " and " : ", ";
        out += items[i];
    }
    return out;
}

struct finding_groups::state {
    std::size_t places = 0;
    bool keep_refs = false;
    std::map<std::pair<std::string, std::string>, group> groups;  // (id, rule)
    std::unordered_map<std::string, std::uint32_t> ids;           // distinct strings, shared by every group

    std::uint32_t id_of(std::string key) {
        return ids.try_emplace(std::move(key), static_cast<std::uint32_t>(ids.size())).first->second;
    }

    group& group_of(const finding_row& f) {
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
    }

    // The row's place among the group's first few, in report order.
    void place(group& g, const report_position& at) {
        if (g.last_row == at.row) return;  // the row's findings come together: one place
        g.last_row = at.row;
        ++g.places.rows;
        auto& kept = g.places.places;
        const auto it = std::upper_bound(kept.begin(), kept.end(), at);
        if (kept.size() == places && it == kept.end()) return;
        kept.insert(it, at);
        if (kept.size() > places) kept.pop_back();
    }

    void add(group& g, const finding_row& f, const cert_row* cert, const report_position& at, finding_ref ref,
             const std::string& name) {
        auto& it = g.item;
        if (!it.level || f.level > *it.level) it.level = f.level;
        ++it.count;
        if (keep_refs) it.findings.push_back(ref);
        place(g, at);
        if (f.baseline == baseline_state::new_finding) ++g.places.fresh;
        if (!g.message || at < g.message->at) g.message = {at, f.message};
        g.hosts.insert(id_of(name));
        if (!f.remediation.empty()) note_first(g.remediations, f.remediation, at);
        if (!f.cert_subject.empty() && (!g.subject || at < g.subject->at)) g.subject = {at, f.cert_subject};
        const std::string& key = !f.cert_sha256.empty() ? f.cert_sha256 : cert ? cert->sha256 : f.cert_sha256;
        bool new_cert = true;
        if (key.empty()) ++g.unnamed_certs;
        else new_cert = g.certs.insert(id_of(key)).second;
        if (f.id == "issuer-distrusted") collect_programs(g, f.message, at, new_cert);
        if (!cert || cert->not_after.empty() || !has_deadline(f.id)) return;
        if (!it.earliest_deadline || cert->not_after < *it.earliest_deadline) it.earliest_deadline = cert->not_after;
        if (!new_cert) return;
        if (!g.one_date) g.one_date = cert->not_after;
        else if (*g.one_date != cert->not_after) g.several_dates = true;
        g.last_date = std::max(g.last_date, cert->not_after);
        ++g.expiry_months[cert->not_after.substr(0, 7)];
    }
};

finding_groups::finding_groups(std::size_t places, bool keep_refs) : state_(std::make_unique<state>()) {
    state_->places = places;
    state_->keep_refs = keep_refs;
}

finding_groups::~finding_groups() = default;
finding_groups::finding_groups(finding_groups&&) noexcept = default;
finding_groups& finding_groups::operator=(finding_groups&&) noexcept = default;

void finding_groups::add_endpoint(const endpoint_row& e, std::size_t row, std::size_t rank, std::size_t sequence) {
    if (e.findings.empty()) return;
    const auto endpoint =
        state_->id_of(fmt::format("{}\n{}\n{}\n{}\n{}", e.host, e.port, e.sni, e.starttls, e.address));
    for (std::size_t k = 0; k < e.findings.size(); ++k) {
        const auto& f = e.findings[k];
        auto& g = state_->group_of(f);
        state_->add(g, f, cert_of(e, f), {false, rank, e.host, e.port, e.sni, e.starttls, e.address, sequence, k},
                    {false, row, k}, name_of(e.host, e.sni));
        g.endpoints.insert(endpoint);
    }
}

void finding_groups::add_name(const name_row& n, std::size_t row, std::size_t rank, std::size_t sequence) {
    for (std::size_t k = 0; k < n.findings.size(); ++k) {
        const auto& f = n.findings[k];
        state_->add(state_->group_of(f), f, nullptr, {true, rank, n.host, n.port, n.sni, n.starttls, "", sequence, k},
                    {true, row, k}, name_of(n.host, n.sni));
    }
}

std::vector<grouped_item> finding_groups::items(std::string_view now) const {
    std::vector<grouped_item> items;
    for (const auto& [key, g] : state_->groups) {
        grouped_item out{g.item, g.places};
        auto& it = out.item;
        it.endpoints = g.endpoints.size();
        it.names = g.hosts.size();
        it.remediations = in_order(g.remediations);
        it.headline = headline_of(g, it, in_order(g.programs));
        it.text = it.headline + dates_of(g, it, now);
        if (it.remediations.size() == 1) it.text += " Fix: " + it.remediations.front();
        else if (it.remediations.size() > 1)
            it.text += fmt::format(" Fix: {} (and {} more {}, in the findings below)", it.remediations.front(),
                                   it.remediations.size() - 1, it.remediations.size() == 2 ? "fix" : "fixes");
        if (g.message) out.places.first_message = g.message->text;
        items.push_back(std::move(out));
    }
    // Worst first; within a level, the most endpoints (then names) affected first: three
    // findings on one endpoint (a key on a whole chain) weigh less than one on each of three.
    std::stable_sort(items.begin(), items.end(), [](const grouped_item& x, const grouped_item& y) {
        const auto &a = x.item, &b = y.item;
        return std::tuple(*b.level, b.endpoints, b.names, b.count, a.rule) <
               std::tuple(*a.level, a.endpoints, a.names, a.count, b.rule);
    });
    return items;
}

std::string errors_text(const std::map<std::string, std::size_t>& by_error) {
    std::vector<std::pair<std::string, std::size_t>> codes(by_error.begin(), by_error.end());
    std::stable_sort(codes.begin(), codes.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
    std::vector<std::string> parts;
    for (const auto& [code, n] : codes) parts.push_back(fmt::format("{} {}", n, code));
    return list_text(parts);
}

std::vector<summary_item> error_items(std::size_t endpoints_error, std::size_t error_names,
                                      const std::map<std::string, std::size_t>& by_error, std::size_t input_errors) {
    std::vector<summary_item> items;
    if (endpoints_error) {
        summary_item it;
        it.rule = "scan-error";
        it.count = it.endpoints = endpoints_error;
        it.names = error_names;
        it.headline = fmt::format("{} could not be scanned: {}.", where(it.endpoints, it.names), errors_text(by_error));
        it.text = it.headline + " Their certificates were not audited; see the endpoint list for each error.";
        items.push_back(std::move(it));
    }
    if (input_errors) {
        summary_item it;
        it.rule = "input-error";
        it.count = input_errors;
        it.headline = fmt::format("{} of the target list could not be read.", plural(input_errors, "line", "lines"));
        it.text = it.headline + " Fix the lines listed under \"Input errors\" and scan them again.";
        items.push_back(std::move(it));
    }
    return items;
}

}  // namespace tlsaudit::report
