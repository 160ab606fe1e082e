#include "text/utf8.hpp"
#include <tlsaudit/report/executive_summary.hpp>
#include <tlsaudit/report/json_records.hpp>
#include <tlsaudit/report/terminal.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <utility>
#include <vector>

namespace tlsaudit::report {
namespace {

// Decodes one code point of valid UTF-8 at `i`; returns its length.
std::size_t decode(std::string_view s, std::size_t i, char32_t& cp) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    cp = n == 1 ? c : n == 2 ? c & 0x1F : n == 3 ? c & 0x0F : c & 0x07;
    for (std::size_t k = 1; k < n && i + k < s.size(); ++k)
        cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    return n;
}

const char* color_of(severity s) {
    switch (s) {
    case severity::critical: return "\x1b[1;31m";
    case severity::high: return "\x1b[31m";
    case severity::medium: return "\x1b[33m";
    case severity::low: return "\x1b[36m";
    case severity::info: break;
    }
    return "";
}

// C1 controls (U+009B is a one-byte CSI), bidirectional marks, embeddings, overrides
// and isolates (text that reads differently from what it is), and the line/paragraph
// separators (a fake line break).
bool invisible_control(char32_t cp) {
    return (cp >= 0x80 && cp <= 0x9F) || cp == 0x061C || cp == 0x200E || cp == 0x200F ||
           (cp >= 0x2028 && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

const finding_row& finding_at(const report_data& data, const finding_ref& ref) {
    return ref.name ? data.names[ref.row].findings[ref.finding] : data.endpoints[ref.row].findings[ref.finding];
}

// "host:port (smtp) sni=name [address]" for an endpoint, "host:port (name)" for a whole name.
std::string place_of(const report_data& data, const finding_ref& ref) {
    if (ref.name) return fmt::format("{}:{} (name)", data.names[ref.row].host, data.names[ref.row].port);
    const auto& e = data.endpoints[ref.row];
    return fmt::format("{}:{}{}{}{}", e.host, e.port, e.starttls.empty() ? "" : " (" + e.starttls + ")",
                       e.sni.empty() || e.sni == e.host ? "" : " sni=" + e.sni,
                       e.address.empty() || e.address == e.host ? "" : " [" + e.address + "]");
}

// "  root programs: Mozilla 2 untrusted, 1 distrusted; ... (of N endpoints judged)\n", or
// "" when every program trusts (or has no constraint on) every endpoint judged.
std::string program_counts(const report_data& data) {
    program_tallies all;
    for (const auto& e : data.endpoints) all.add(e.trust);
    all.merge(data.unlisted_trust);
    const std::size_t judged = all.judged;
    std::string line;
    for (const auto& t : all.programs) {
        if (t.untrusted == 0 && t.distrusted == 0) continue;
        std::string counts;
        if (t.untrusted) counts = fmt::format("{} untrusted", t.untrusted);
        if (t.distrusted) counts += fmt::format("{}{} distrusted", counts.empty() ? "" : ", ", t.distrusted);
        line += fmt::format("{}{} {}", line.empty() ? "" : "; ", terminal_safe(program_label(t.program)), counts);
    }
    if (line.empty()) return {};
    return fmt::format("  root programs: {} (of {} endpoint{} judged)\n", line, judged, judged == 1 ? "" : "s");
}

}  // namespace

std::string program_label(std::string_view program) {
    if (program == "system") return "system store";
    if (program == "mozilla") return "Mozilla";
    constexpr std::string_view suffix = "-constraints";
    std::string name(program);
    std::string tail;
    if (name.size() > suffix.size() && name.ends_with(suffix)) {
        name.resize(name.size() - suffix.size());
        tail = " constraints";
    }
    if (!name.empty()) name[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(name[0])));
    return name + tail;
}

std::string format_program_table(const program_trust& trust) {
    std::string out = fmt::format("  programs (Mozilla store {}):\n", terminal_safe(trust.mozilla_store));
    for (const auto& v : trust.verdicts) {
        std::string detail = v.state == "no-constraint" ? std::string() : terminal_safe(v.reason);
        if (!v.date.empty()) detail += fmt::format("{}[{}]", detail.empty() ? "" : " ", terminal_safe(v.date));
        out += fmt::format("    {:<20} {:<14} {}", terminal_safe(program_label(v.program)), terminal_safe(v.state),
                           detail);
        while (!out.empty() && out.back() == ' ') out.pop_back();
        out += '\n';
    }
    return out;
}

std::string terminal_safe(std::string_view raw) {
    const std::string text = text::sanitize_utf8(raw);
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        char32_t cp = 0;
        const std::size_t n = decode(text, i, cp);
        if (cp < 0x20 || cp == 0x7F) {
            out += fmt::format("\\x{:02x}", static_cast<unsigned>(cp));
        } else if (invisible_control(cp)) {
            out += fmt::format("\\u{{{:x}}}", static_cast<unsigned>(cp));
        } else if (cp == '\\') {
            out += "\\\\";
        } else {
            out.append(text, i, n);
        }
        i += n;
    }
    return out;
}

std::string format_summary(const report_data& data, const summary_options& options) {
    const auto c = count(data);
    auto paint = [&](severity s, std::string_view text) {
        return options.color ? fmt::format("{}{}\x1b[0m", color_of(s), text) : std::string(text);
    };
    std::string out;
    const auto errors = error_verdict_of(data);
    // The headline is the run's exit status; a pass that scanned nothing is not a PASS.
    const char* verdict = fails(data) || errors.fails ? "FAIL" : c.endpoints_ok == 0 ? "NOT VERIFIED" : "PASS";
    out += fmt::format("tlsaudit: {} — {} endpoints ({} scanned, {} failed to scan), {} findings\n", verdict,
                       c.endpoints, c.endpoints_ok, c.endpoints_error, c.findings);
    std::string counts;
    for (auto s : {severity::critical, severity::high, severity::medium, severity::low, severity::info}) {
        const auto n = c.by_severity[static_cast<std::size_t>(s)];
        if (n == 0) continue;
        if (!counts.empty()) counts += ", ";
        counts += paint(s, fmt::format("{} {}", n, to_string(s)));
    }
    if (!counts.empty()) out += "  by severity: " + counts + "\n";
    out += fmt::format("  findings: {}\n", verdict_sentence(data));
    out += fmt::format("  scan errors: {}\n", errors_sentence(data));
    out += program_counts(data);
    if (data.has_baseline)
        out += fmt::format("  baseline: {} new, {} unchanged, {} resolved, {} not verified\n", c.new_findings,
                           c.findings - c.new_findings, c.resolved, data.not_verified.size());

    const auto items = executive_summary(data);
    if (!items.empty()) out += "summary:\n";
    for (const auto& it : items)
        out +=
            fmt::format("  - {}{}\n", terminal_safe(it.headline),
                        it.earliest_deadline ? fmt::format(" (earliest {})", it.earliest_deadline->substr(0, 10)) : "");

    // Each finding once, with its fix, its count and the first few places: a thousand
    // endpoints sharing one problem make one entry, not a thousand.
    std::size_t listed = 0, groups = 0;
    for (const auto& it : items) {
        if (!it.level) continue;
        ++groups;
        if (listed == options.max_findings) continue;
        if (listed++ == 0) out += "worst findings:\n";
        const auto& first = finding_at(data, it.findings.front());
        out += fmt::format("  {:<8} {:<26} {} on {}\n", paint(*it.level, to_string(*it.level)), it.id,
                           it.count == 1 ? std::string("1 finding") : fmt::format("{} findings", it.count),
                           it.endpoints ? fmt::format("{} endpoint{}", it.endpoints, it.endpoints == 1 ? "" : "s")
                                        : fmt::format("{} name{}", it.names, it.names == 1 ? "" : "s"));
        out += fmt::format("           {}{}\n", it.count > 1 ? "e.g. " : "", terminal_safe(first.message));
        if (!it.remediations.empty())
            out += fmt::format(
                "           fix: {}{}\n", terminal_safe(it.remediations.front()),
                it.remediations.size() > 1 ? fmt::format(" (and {} variants)", it.remediations.size() - 1) : "");
        std::string places;
        std::size_t shown = 0, fresh = 0, total = 0;
        const finding_ref* last = nullptr;
        for (const auto& ref : it.findings) {
            if (finding_at(data, ref).baseline == baseline_state::new_finding) ++fresh;
            if (last && last->name == ref.name && last->row == ref.row) continue;  // one place, several certificates
            last = &ref;
            ++total;
            if (shown == options.places) continue;
            places += fmt::format("{}{}", shown++ ? ", " : "", terminal_safe(place_of(data, ref)));
        }
        if (total > shown) places += fmt::format(" and {} more", total - shown);
        out += fmt::format("           at {}{}\n", places, fresh ? fmt::format("  ({} NEW)", fresh) : "");
    }
    if (groups > listed) out += fmt::format("  ... and {} more kinds of finding (see the reports)\n", groups - listed);
    for (const auto& r : data.resolved)
        out += fmt::format("  resolved {:<26} {}:{}\n", terminal_safe(r.id), terminal_safe(r.host), r.port);
    return out;
}

}  // namespace tlsaudit::report
