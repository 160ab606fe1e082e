#include "text/utf8.hpp"
#include "text/xml_text.hpp"
#include <tlsaudit/report/baseline.hpp>
#include <tlsaudit/report/finding_groups.hpp>
#include <tlsaudit/report/junit_report.hpp>
#include <tlsaudit/report/terminal.hpp>

#include <fmt/format.h>

#include <cstdint>
#include <map>
#include <sstream>
#include <tuple>

namespace tlsaudit::report {
namespace {

struct suite {
    std::vector<const endpoint_row*> endpoints;
    const name_row* name = nullptr;
};

// The server's strings on one line each, as the terminal shows them (a line feed in a SAN
// cannot start a line of its own in a CI tool's view, nor a U+202E reverse the fingerprint
// after it), and cut when huge.
std::string server_text(std::string_view text) { return text::shorten(terminal_safe(text), 2048); }

std::string finding_line(const finding_row& f) {
    std::string line = fmt::format("[{}] {}: {}", to_string(f.level), f.id, server_text(f.message));
    if (f.baseline != baseline_state::none) line += fmt::format(" ({})", to_string(f.baseline));
    if (!f.cert_sha256.empty())
        line += fmt::format("\n  certificate {} ({})", server_text(f.cert_subject), f.cert_sha256);
    if (!f.remediation.empty()) line += "\n  fix: " + f.remediation;
    return line;
}

// Writes one testcase; returns 1 when it failed, else 0. A testcase holds at most one
// <failure> (CI tools read one per case and count failed cases): the findings that fail
// the run, worst first as the report lists them, its type the first one's id.
std::size_t testcase(std::ostream& out, const report_data& data, const std::string& classname, const std::string& name,
                     const std::vector<finding_row>& findings, const std::string& skipped) {
    out << "    <testcase classname=\"" << text::xml_escape(classname) << "\" name=\"" << text::xml_escape(name)
        << "\">\n";
    std::vector<const finding_row*> failing;
    std::string other;
    for (const auto& f : findings) {
        if (counts_against(data, f)) failing.push_back(&f);
        else other += finding_line(f) + "\n";
    }
    if (!failing.empty()) {
        std::string message, text;
        for (const auto* f : failing) {
            message += fmt::format("{}{} ({})", message.empty() ? "" : ", ", f->id, to_string(f->level));
            text += finding_line(*f) + "\n";
        }
        out << "      <failure type=\"" << text::xml_escape(failing.front()->id) << "\" message=\""
            << text::xml_escape(message) << "\">" << text::xml_escape(text) << "</failure>\n";
    }
    if (!skipped.empty()) out << "      <skipped message=\"" << text::xml_escape(skipped) << "\"/>\n";
    if (!other.empty()) out << "      <system-out>" << text::xml_escape(other) << "</system-out>\n";
    out << "    </testcase>\n";
    return failing.empty() ? 0 : 1;
}

// Where each error class the policy counts happened: class -> one line per failure.
void add_error_places(const report_data& data, std::map<std::string, std::string>& places) {
    for (const auto& e : data.endpoints)
        if (!e.error_code.empty() && data.on_errors.counts(e.error_code))
            places[e.error_code] += fmt::format("{}{}: {}\n", host_port(e.host, e.port),
                                                e.address.empty() ? "" : " [" + e.address + "]", e.error_detail);
    const std::string input_class(input_error_class);
    if (data.on_errors.counts(input_class))
        for (const auto& e : data.input_errors)
            places[input_class] += fmt::format("line {}: {}: {}\n", e.line, e.input, e.error);
}

// When --fail-on-errors fails the run: one testcase per error class it counted, each an
// <error> listing where it happened, so CI shows why the run failed apart from findings;
// for a scan that did not finish, one testcase that says so.
// Returns the number of testcases (and errors) written.
std::size_t scan_error_suite(std::ostream& out, const report_data& data) {
    const auto verdict = error_verdict_of(data);
    if (!verdict.fails) return 0;
    std::map<std::string, std::string> places;  // class -> one line per failure
    if (!verdict.incomplete.empty()) {
        // The run did not finish: that is what fails it, not the classes counted so far.
        places["incomplete"] = verdict.incomplete + "\n";
    } else {
        add_error_places(data, places);
        // Nothing scanned and nothing failed (an empty target list) still fails: one case says so.
        if (places.empty()) places["no-targets"] = "the input held no target\n";
    }
    const std::string suite = "tlsaudit scan errors (--fail-on-errors " + to_string(data.on_errors) + ")";
    out << fmt::format("  <testsuite name=\"{}\" tests=\"{}\" failures=\"0\" errors=\"{}\" skipped=\"0\">\n",
                       text::xml_escape(suite), places.size(), places.size());
    for (const auto& [name, lines] : places) {
        const auto n = verdict.by_class.count(name) ? verdict.by_class.at(name) : 0;
        out << "    <testcase classname=\"" << text::xml_escape(suite) << "\" name=\"" << text::xml_escape(name)
            << "\">\n";
        const std::string message =
            name == "incomplete"        ? "the scan did not finish: " + verdict.incomplete
            : name == "no-targets"      ? std::string("the input held no target: nothing was scanned")
            : name == input_error_class ? plural(n, "target line", "target lines") + " could not be read"
                                        : plural(n, "endpoint", "endpoints") + " could not be scanned: " + name;
        out << "      <error type=\"" << text::xml_escape(name) << "\" message=\"" << text::xml_escape(message) << "\">"
            << text::xml_escape(lines) << "</error>\n";
        out << "    </testcase>\n";
    }
    out << "  </testsuite>\n";
    return places.size();
}

}  // namespace

void write_junit_report(const report_data& data, std::ostream& out) {
    // Suites keyed by host:port (SNI and STARTTLS kept apart), in report order.
    std::map<std::tuple<std::string, int, std::string, std::string>, suite> suites;
    for (const auto& e : data.endpoints) suites[{e.host, e.port, e.sni, e.starttls}].endpoints.push_back(&e);
    for (const auto& n : data.names) suites[{n.host, n.port, n.sni, n.starttls}].name = &n;

    std::size_t tests = 0, failures = 0, skipped = 0;
    std::string body;
    for (const auto& [key, s] : suites) {
        const auto& [host, port, sni, starttls] = key;
        const std::string suite_name = target_text(host, port, sni, starttls);
        std::ostringstream cases;
        std::size_t suite_failures = 0, suite_skipped = 0;
        for (const auto* e : s.endpoints) {
            const std::string skip =
                e->error_code.empty() ? "" : "scan error " + e->error_code + ": " + e->error_detail;
            suite_skipped += skip.empty() ? 0 : 1;
            suite_failures +=
                testcase(cases, data, suite_name, e->address.empty() ? "(unresolved)" : e->address, e->findings, skip);
        }
        if (s.name) suite_failures += testcase(cases, data, suite_name, "deployment", s.name->findings, "");
        const std::size_t suite_tests = s.endpoints.size() + (s.name ? 1 : 0);
        body += fmt::format("  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\">\n",
                            text::xml_escape(suite_name), suite_tests, suite_failures, suite_skipped);
        body += cases.str();
        body += "  </testsuite>\n";
        tests += suite_tests;
        failures += suite_failures;
        skipped += suite_skipped;
    }
    std::ostringstream error_suite;
    const std::size_t errors = scan_error_suite(error_suite, data);
    out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    out << fmt::format("<testsuites name=\"tlsaudit\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\">\n",
                       tests + errors, failures, errors, skipped);
    out << body << error_suite.str() << "</testsuites>\n";
}

}  // namespace tlsaudit::report
