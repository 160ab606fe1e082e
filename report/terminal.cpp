#include "text/utf8.hpp"
#include <tlsaudit/report/baseline.hpp>
#include <tlsaudit/report/executive_summary.hpp>
#include <tlsaudit/report/json_records.hpp>
#include <tlsaudit/report/summary_digest.hpp>
#include <tlsaudit/report/terminal.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

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

// "host:port (smtp) sni=name [address]" for an endpoint, "host:port (name)" for a whole name.
std::string place_of(const report_position& at) {
    if (at.name) return fmt::format("{} (name)", host_port(at.host, at.port));
    return fmt::format("{}{}{}{}", host_port(at.host, at.port), at.starttls.empty() ? "" : " (" + at.starttls + ")",
                       at.sni.empty() || at.sni == at.host ? "" : " sni=" + at.sni,
                       at.address.empty() || at.address == at.host ? "" : " [" + at.address + "]");
}

// "  root programs: Mozilla 2 untrusted, 1 distrusted; ... (of N endpoints judged)\n", or
// "" when every program trusts (or has no constraint on) every endpoint judged.
std::string program_counts(const program_tallies& all) {
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
        std::string detail = v.state == "no-constraint" ? std::string() : terminal_excerpt(v.reason);
        if (!v.date.empty()) detail += fmt::format("{}[{}]", detail.empty() ? "" : " ", terminal_safe(v.date));
        out += fmt::format("    {:<20} {:<14} {}", terminal_safe(program_label(v.program)), terminal_safe(v.state),
                           detail);
        while (!out.empty() && out.back() == ' ') out.pop_back();
        out += '\n';
    }
    return out;
}

std::string terminal_excerpt(std::string_view text) { return text::shorten(terminal_safe(text), 1024); }

std::string terminal_safe(std::string_view raw) {
    const std::string text = text::sanitize_utf8(raw);
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        char32_t cp = 0;
        const std::size_t n = decode(text, i, cp);
        if (cp < 0x20 || cp == 0x7F) {
            out += fmt::format("\\x{:02x}", static_cast<unsigned>(cp));
        } else if (text::is_invisible_control(cp)) {  // U+009B is a one-byte CSI
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
    return format_summary(digest_of(data, options.places), options);
}

std::string format_summary(const summary_digest& d, const summary_options& options) {
    auto paint = [&](severity s, std::string_view text) {
        return options.color ? fmt::format("{}{}\x1b[0m", color_of(s), text) : std::string(text);
    };
    std::string out;
    const auto errors = error_verdict_of(d);
    // The headline is the run's exit status; a pass that scanned nothing is not a PASS, nor
    // is one that did not finish.
    const char* verdict = fails(d)                     ? "FAIL"
                          : !errors.incomplete.empty() ? "INCOMPLETE"
                          : errors.fails               ? "FAIL"
                          : d.endpoints_ok == 0        ? "NOT VERIFIED"
                                                       : "PASS";
    out += fmt::format("tlsaudit: {} — {} ({} scanned, {} failed to scan), {}\n", verdict,
                       plural(d.endpoints, "endpoint", "endpoints"), d.endpoints_ok, d.endpoints_error,
                       plural(d.findings, "finding", "findings"));
    std::string counts;
    for (auto s : {severity::critical, severity::high, severity::medium, severity::low, severity::info}) {
        const auto n = d.by_severity[static_cast<std::size_t>(s)];
        if (n == 0) continue;
        if (!counts.empty()) counts += ", ";
        counts += paint(s, fmt::format("{} {}", n, to_string(s)));
    }
    if (!counts.empty()) out += "  by severity: " + counts + "\n";
    out += fmt::format("  findings: {}\n", terminal_safe(verdict_sentence(d)));
    out += fmt::format("  scan errors: {}\n", terminal_safe(errors_sentence(d)));  // codes read from the files
    out += program_counts(d.programs);
    if (d.has_baseline)
        out += fmt::format("  baseline: {} new, {} unchanged, {} resolved, {} not verified\n", d.new_findings,
                           d.findings - d.new_findings, d.resolved.size(), d.not_verified);

    if (!d.headlines.empty()) out += "summary:\n";
    for (const auto& h : d.headlines)
        out +=
            fmt::format("  - {}{}\n", terminal_safe(h.text),
                        h.earliest_deadline ? fmt::format(" (earliest {})", h.earliest_deadline->substr(0, 10)) : "");

    // Each finding once, with its fix, its count and the first few places: a thousand
    // endpoints sharing one problem make one entry, not a thousand.
    std::size_t listed = 0;
    for (const auto& g : d.groups) {
        if (listed == options.max_findings) break;
        if (listed++ == 0) out += "worst findings:\n";
        out += fmt::format("  {:<8} {:<26} {} on {}\n", paint(g.level, to_string(g.level)), terminal_safe(g.id),
                           g.count == 1 ? std::string("1 finding") : fmt::format("{} findings", g.count),
                           g.endpoints ? fmt::format("{} endpoint{}", g.endpoints, g.endpoints == 1 ? "" : "s")
                                       : fmt::format("{} name{}", g.names, g.names == 1 ? "" : "s"));
        out += fmt::format("           {}{}\n", g.count > 1 ? "e.g. " : "", terminal_excerpt(g.places.first_message));
        if (g.remediations)
            out += fmt::format("           fix: {}{}\n", terminal_safe(g.first_remediation),
                               g.remediations > 1 ? fmt::format(" (and {} {})", g.remediations - 1,
                                                                g.remediations == 2 ? "variant" : "variants")
                                                  : "");
        std::string places;
        std::size_t shown = 0;
        for (const auto& at : g.places.places) {
            if (shown == options.places) break;
            places += fmt::format("{}{}", shown++ ? ", " : "", terminal_safe(place_of(at)));
        }
        if (g.places.rows > shown) places += fmt::format(" and {} more", g.places.rows - shown);
        out += fmt::format("           at {}{}\n", places,
                           g.places.fresh ? fmt::format("  ({} NEW)", g.places.fresh) : "");
    }
    if (d.groups.size() > listed)
        out += fmt::format("  ... and {} more kinds of finding (see the reports)\n", d.groups.size() - listed);
    for (const auto& r : d.resolved)
        out += fmt::format("  resolved {:<26} {}\n", terminal_safe(r.id),
                           terminal_safe(target_text(r.host, r.port, r.sni, r.starttls)));
    if (!d.meta.complete()) {
        // Only an interrupted or killed scan is resumed (as the HTML report says it).
        const auto why = d.meta.incomplete_reason();
        const bool resumable = why.starts_with("interrupted") || why.starts_with("killed");
        const char* next = resumable                          ? "carry on with tlsaudit scan --resume FILE.ndjson"
                           : why.starts_with("still running") ? "report it again once the scan has ended"
                           : d.meta.shards_missing() && !why.starts_with("the files hold")
                               ? "report every shard's NDJSON together"
                               : "report the files of one run together";
        out += fmt::format("INCOMPLETE: the scan did not finish ({}); the results are partial ({})\n",
                           terminal_safe(why), next);
    }
    if (!d.meta.settings_changed_on_resume.empty())
        out += fmt::format(
            "MIXED SETTINGS: a resume changed {}; the targets kept from before it were scanned with "
            "the options the scan-start record names, the others with the resume's\n",
            terminal_safe(fmt::format("{}", fmt::join(d.meta.settings_changed_on_resume, ", "))));
    if (!d.meta.settings_differ.empty())
        out += fmt::format(
            "MIXED SETTINGS: the inputs were scanned with different {}; the options shown are the first "
            "input's\n",
            terminal_safe(fmt::format("{}", fmt::join(d.meta.settings_differ, ", "))));
    return out;
}

}  // namespace tlsaudit::report
