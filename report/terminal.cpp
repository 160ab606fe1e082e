#include <tlsaudit/report/json_records.hpp>
#include <tlsaudit/report/terminal.hpp>
#include "text/utf8.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace tlsaudit::report {
namespace {

// Decodes one code point of valid UTF-8 at `i`; returns its length.
std::size_t decode(std::string_view s, std::size_t i, char32_t& cp) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    cp = n == 1 ? c : n == 2 ? c & 0x1F : n == 3 ? c & 0x0F : c & 0x07;
    for (std::size_t k = 1; k < n && i + k < s.size(); ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
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

struct listed {
    const finding_row* f;
    std::string where;
};

}  // namespace

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
    const bool failed = fails(data);
    out += fmt::format("tlsaudit: {} — {} endpoints ({} scanned, {} failed to scan), {} findings\n",
                       failed ? "FAIL" : "PASS", c.endpoints, c.endpoints_ok, c.endpoints_error, c.findings);
    std::string counts;
    for (auto s : {severity::critical, severity::high, severity::medium, severity::low, severity::info}) {
        const auto n = c.by_severity[static_cast<std::size_t>(s)];
        if (n == 0) continue;
        if (!counts.empty()) counts += ", ";
        counts += paint(s, fmt::format("{} {}", n, to_string(s)));
    }
    if (!counts.empty()) out += "  by severity: " + counts + "\n";
    if (data.fail_on)
        out += fmt::format("  policy: fail on {}{}\n", to_string(*data.fail_on), data.fail_on_new ? " (new findings only)" : "");
    if (data.has_baseline)
        out += fmt::format("  baseline: {} new, {} unchanged, {} resolved\n", c.new_findings,
                           c.findings - c.new_findings, c.resolved);

    std::vector<listed> all;
    for (const auto& e : data.endpoints)
        for (const auto& f : e.findings)
            all.push_back({&f, fmt::format("{}:{}{}{}", e.host, e.port, e.starttls.empty() ? "" : " (" + e.starttls + ")",
                                            e.address.empty() ? "" : " [" + e.address + "]")});
    for (const auto& n : data.names)
        for (const auto& f : n.findings) all.push_back({&f, fmt::format("{}:{} (name)", n.host, n.port)});
    std::stable_sort(all.begin(), all.end(), [](const listed& a, const listed& b) { return a.f->level > b.f->level; });
    if (!all.empty()) out += "worst findings:\n";
    for (std::size_t i = 0; i < all.size() && i < options.max_findings; ++i) {
        const auto& f = *all[i].f;
        out += fmt::format("  {:<8} {:<26} {}{}\n", paint(f.level, to_string(f.level)), f.id, terminal_safe(all[i].where),
                           f.baseline == baseline_state::new_finding ? "  NEW" : "");
        out += fmt::format("           {}\n", terminal_safe(f.message));
        if (!f.remediation.empty()) out += fmt::format("           fix: {}\n", terminal_safe(f.remediation));
    }
    if (all.size() > options.max_findings)
        out += fmt::format("  ... and {} more (see the reports)\n", all.size() - options.max_findings);
    if (!c.by_error.empty()) {
        out += "scan errors:";
        for (const auto& [code, n] : c.by_error) out += fmt::format(" {} {}", n, terminal_safe(code));
        out += "\n";
    }
    for (const auto& r : data.resolved)
        out += fmt::format("  resolved {:<26} {}:{}\n", terminal_safe(r.id), terminal_safe(r.host), r.port);
    if (c.input_errors) out += fmt::format("input errors: {} (lines tlsaudit could not read)\n", c.input_errors);
    return out;
}

}  // namespace tlsaudit::report
