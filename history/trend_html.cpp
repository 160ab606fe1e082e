// The trend as a self-contained HTML page in the scan report's style: rendered here, no
// script, so it opens anywhere and prints as it shows.

#include "text/utf8.hpp"
#include "text/xml_text.hpp"
#include <tlsaudit/history/trend.hpp>
#include <tlsaudit/report/html_report.hpp>

#include <fmt/format.h>
#include <fmt/ostream.h>

#include <algorithm>
#include <array>
#include <set>

namespace tlsaudit::history {
namespace {

// Escaped for HTML, with the invisible controls of certificate strings made visible.
std::string esc(std::string_view s) { return text::xml_escape(text::show_invisible_controls(s)); }

std::string day_of(const std::string& time) { return time.substr(0, 10); }

// "2026-02-01 06:00" from RFC 3339: short enough for a chart label.
std::string minute_of(const std::string& time) {
    return time.size() >= 16 ? time.substr(0, 10) + " " + time.substr(11, 5) : time;
}

constexpr std::string_view page_head = R"(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>tlsaudit trend</title>
<style>
)";

// What the trend page adds to the report's stylesheet.
constexpr std::string_view page_css = R"(.bar-label.incomplete-scan { color: #8a4b00; }
.state-open { color: var(--high); font-weight: 600; } .state-fixed { color: var(--ok); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.bar-track.stack { display: flex; } .bar-track.stack .bar { min-width: 0; border-radius: 0; }
.legend { display: flex; flex-wrap: wrap; gap: .2em .8em; font-size: 12px; margin: .2em 0 .4em; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: .3em; }
)";

struct bucket_style {
    std::string_view label, colour;
};
// In expiry_bucket order: the nearer the expiry, the hotter the colour.
constexpr std::array<bucket_style, expiry_buckets> bucket_styles = {{{"expired", "var(--critical)"},
                                                                     {"0-29 days", "var(--high)"},
                                                                     {"30-89 days", "var(--medium)"},
                                                                     {"90-179 days", "var(--low)"},
                                                                     {"180+ days", "var(--ok)"},
                                                                     {"unknown", "var(--info)"}}};

void write_cards(const trend_data& t, std::ostream& out) {
    const auto open =
        std::count_if(t.findings.begin(), t.findings.end(), [](const trend_finding& f) { return !f.fixed_at; });
    const auto incomplete =
        std::count_if(t.scans.begin(), t.scans.end(), [](const trend_scan& s) { return !s.complete; });
    out << "<div id=\"cards\" class=\"cards\">";
    auto card = [&](std::string_view id, auto n, std::string_view label) {
        fmt::print(out, "<div class=\"card\" id=\"card-{}\"><span class=\"n\">{}</span>{}</div>", id, n, label);
    };
    card("scans", t.scans.size(), "scans");
    card("incomplete", incomplete, "incomplete scans");
    card("open", open, "open findings");
    card("fixed", static_cast<std::ptrdiff_t>(t.findings.size()) - open, "fixed findings");
    card("new", t.new_in_latest, "new in the latest scan");
    card("fixed-latest", t.fixed_in_latest, "fixed in the latest scan");
    out << "</div>\n";
}

// One CSS bar chart per finding id: findings of that id in each scan of the window.
void write_burn_down(const trend_data& t, std::ostream& out) {
    std::set<std::string> ids;
    for (const auto& s : t.scans)
        for (const auto& [id, n] : s.by_id) ids.insert(id);
    out << "<section id=\"burn-down-section\"><h2>Burn-down by finding</h2>\n";
    if (ids.empty()) out << "<p class=\"note\">No findings in this window.</p>";
    out << "<div class=\"charts\">\n";
    for (const auto& id : ids) {
        std::size_t most = 1;
        for (const auto& s : t.scans)
            if (auto it = s.by_id.find(id); it != s.by_id.end()) most = std::max(most, it->second);
        fmt::print(out, "<figure class=\"burn-down\" data-id=\"{0}\"><figcaption>{0}</figcaption>\n", esc(id));
        for (const auto& s : t.scans) {
            const auto it = s.by_id.find(id);
            const std::size_t n = it == s.by_id.end() ? 0 : it->second;
            fmt::print(
                out,
                "<div class=\"bar-row\"><span class=\"bar-label{}\" title=\"{}{}\">{}</span><span class=\"bar-track\">"
                "<span class=\"bar\" style=\"width:{:.1f}%;background:var(--high)\"></span></span>"
                "<span class=\"bar-value\">{}</span></div>\n",
                s.complete ? "" : " incomplete-scan", esc(s.started_at), s.complete ? "" : " (incomplete)",
                esc(minute_of(s.started_at)), 100.0 * static_cast<double>(n) / static_cast<double>(most), n);
        }
        out << "</figure>\n";
    }
    out << "</div></section>\n";
}

// One stacked bar chart per rule of a CA to replace: its endpoints in each scan of the
// window, split by the days left on their leaves.
void write_replacement(const trend_data& t, std::ostream& out) {
    std::set<std::string> rules;
    for (const auto& s : t.scans)
        for (const auto& [rule, counts] : s.replace_by_expiry) rules.insert(rule);
    out << "<section id=\"replace-section\"><h2>Certificates to replace, by days to expiry</h2>\n"
           "<p class=\"hint\">Endpoints under a distrusted or discontinued CA (a rule of issuer-distrusted or "
           "issuer-discontinued), by the days from each scan to the expiry of their leaf.</p>\n";
    if (rules.empty()) out << "<p class=\"note\">No certificate under a CA to replace in this window.</p>";
    out << "<div class=\"charts\">\n";
    auto total = [](const expiry_counts& c) {
        std::size_t n = 0;
        for (const auto v : c) n += v;
        return n;
    };
    for (const auto& rule : rules) {
        std::size_t most = 1;
        for (const auto& s : t.scans)
            if (auto it = s.replace_by_expiry.find(rule); it != s.replace_by_expiry.end())
                most = std::max(most, total(it->second));
        fmt::print(
            out,
            "<figure class=\"expiry-chart\" data-rule=\"{0}\"><figcaption>{0}</figcaption>\n<div class=\"legend\">",
            esc(rule));
        for (const auto& b : bucket_styles)
            fmt::print(out, "<span><span class=\"swatch\" style=\"background:{}\"></span>{}</span>", b.colour, b.label);
        out << "</div>\n";
        for (const auto& s : t.scans) {
            const auto it = s.replace_by_expiry.find(rule);
            const expiry_counts counts = it == s.replace_by_expiry.end() ? expiry_counts{} : it->second;
            fmt::print(out,
                       "<div class=\"bar-row\"><span class=\"bar-label{}\" title=\"{}\">{}</span>"
                       "<span class=\"bar-track stack\">",
                       s.complete ? "" : " incomplete-scan", esc(s.started_at), esc(minute_of(s.started_at)));
            for (std::size_t b = 0; b < expiry_buckets; ++b) {
                if (counts[b] == 0) continue;
                fmt::print(out,
                           "<span class=\"bar\" data-bucket=\"{}\" title=\"{} {}\" "
                           "style=\"width:{:.1f}%;background:{}\"></span>",
                           expiry_bucket_keys[b], counts[b], bucket_styles[b].label,
                           100.0 * static_cast<double>(counts[b]) / static_cast<double>(most), bucket_styles[b].colour);
            }
            fmt::print(out, "</span><span class=\"bar-value\">{}</span></div>\n", total(counts));
        }
        out << "</figure>\n";
    }
    out << "</div></section>\n";
}

void write_time_to_fix(const trend_data& t, std::ostream& out) {
    out << "<section id=\"fix-section\"><h2>Time to fix</h2>\n<table id=\"fix-table\"><thead><tr><th>severity</th>"
           "<th class=\"num\">fixed</th><th class=\"num\">mean days</th><th class=\"num\">90th percentile days</th>"
           "</tr></thead><tbody>\n";
    for (auto level : {severity::critical, severity::high, severity::medium, severity::low, severity::info}) {
        const auto& f = t.by_severity[static_cast<std::size_t>(level)];
        if (f.fixed == 0) continue;
        fmt::print(out,
                   "<tr data-severity=\"{0}\"><td><span class=\"sev {0}\">{0}</span></td><td class=\"num\">{1}</td>"
                   "<td class=\"num\">{2:.1f}</td><td class=\"num\">{3:.1f}</td></tr>\n",
                   to_string(level), f.fixed, f.mean_days, f.p90_days);
    }
    out << "</tbody></table></section>\n";
}

void write_findings(const trend_data& t, std::ostream& out) {
    out << "<section id=\"findings-section\"><h2>Findings</h2>\n<p class=\"hint\">Open findings first, longest open "
           "first. Fixed: at the first complete scan after the last sighting that reached the endpoint.</p>\n"
           "<table id=\"trend-table\"><thead><tr><th>endpoint</th><th>finding</th><th>severity</th><th>first seen</th>"
           "<th>last seen</th><th>fixed at</th><th class=\"num\">days open</th><th>state</th></tr></thead><tbody>\n";
    const auto rows = std::min(t.findings.size(), t.html_rows);
    for (std::size_t i = 0; i < rows; ++i) {
        const auto& f = t.findings[i];
        const auto state = f.fixed_at ? "fixed" : "open";
        fmt::print(out,
                   "<tr><td>{}</td><td title=\"{}\">{}</td><td><span class=\"sev {}\">{}</span></td><td>{}</td>"
                   "<td>{}</td><td>{}</td><td class=\"num\">{:.1f}</td><td class=\"state-{}\">{}</td></tr>\n",
                   esc(report::target_text(f.host, f.port, f.sni, f.starttls)), esc(f.message), esc(f.id),
                   to_string(f.level), to_string(f.level), esc(f.first_seen), esc(f.last_seen),
                   f.fixed_at ? esc(*f.fixed_at) : "", f.days_open, state, state);
    }
    out << "</tbody></table>\n";
    if (rows < t.findings.size())
        fmt::print(out, "<p class=\"note\" id=\"truncated\">{} more findings are in the JSON trend report.</p>\n",
                   t.findings.size() - rows);
    out << "</section>\n";
}

void write_scans(const trend_data& t, std::ostream& out) {
    out << "<section id=\"scans-section\"><h2>Scans</h2>\n<table id=\"scan-table\"><thead><tr><th>scan</th>"
           "<th>started</th><th>complete</th><th class=\"num\">endpoints</th><th class=\"num\">findings</th></tr>"
           "</thead><tbody>\n";
    for (const auto& s : t.scans)
        fmt::print(
            out, "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>\n", s.id,
            esc(s.started_at), s.complete ? "yes" : "no (interrupted: never declares a fix)", s.endpoints, s.findings);
    out << "</tbody></table></section>\n";
}

}  // namespace

void write_trend_html(const trend_data& t, std::ostream& out) {
    out << page_head << report::html_stylesheet() << page_css << "</style>\n</head>\n<body>\n<header>\n";
    out << "<h1>tlsaudit trend</h1>\n";
    fmt::print(out, "<p id=\"window\">{} since {} ({} to {}), generated {}</p>\n", esc(t.database),
               esc(day_of(t.since)), t.scans.empty() ? "" : esc(t.scans.front().started_at),
               t.scans.empty() ? "" : esc(t.scans.back().started_at), esc(t.generated_at));
    write_cards(t, out);
    out << "</header>\n<main>\n";
    write_burn_down(t, out);
    write_replacement(t, out);
    write_time_to_fix(t, out);
    write_findings(t, out);
    write_scans(t, out);
    out << "</main>\n</body>\n</html>\n";
}

}  // namespace tlsaudit::history
