#include <tlsaudit/report/prometheus_report.hpp>

#include "text/time_text.hpp"
#include "text/utf8.hpp"

#include <fmt/format.h>

#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <utility>
#include <vector>

namespace tlsaudit::report {
namespace {

// Name and value, viewed: the strings must outlive the labels_text call that reads them.
using label = std::pair<std::string_view, std::string_view>;

std::string labels_text(const std::vector<label>& labels) {
    if (labels.empty()) return {};
    std::string out = "{";
    for (const auto& [name, value] : labels) {
        if (out.size() > 1) out += ',';
        out += name;
        out += "=\"";
        out += prometheus_label_value(value);
        out += '"';
    }
    return out + '}';
}

// One metric family: HELP and TYPE before its samples (a family with no sample is left
// out), each label set once (the textfile collector rejects a file that repeats a
// series). Samples are held until flush() or destruction, so families filled side by
// side still come out whole, as the format requires.
class gauge {
public:
    gauge(std::ostream& out, std::string_view name, std::string_view help) : out_(out), name_(name), help_(help) {}
    gauge(const gauge&) = delete;
    gauge& operator=(const gauge&) = delete;
    ~gauge() { flush(); }

    void add(const std::string& labels, long long value) {
        if (!seen_.insert(labels).second) return;
        samples_ += fmt::format("{}{} {}\n", name_, labels, value);
    }

    void flush() {
        if (samples_.empty()) return;
        out_ << "# HELP " << name_ << ' ' << help_ << "\n# TYPE " << name_ << " gauge\n" << samples_;
        samples_.clear();
    }

private:
    std::ostream& out_;
    std::string_view name_, help_;
    std::set<std::string> seen_;
    std::string samples_;
};

std::optional<long long> unix_seconds(const std::string& text) {
    const auto t = text::parse_rfc3339(text);
    if (!t) return std::nullopt;
    return t->time_since_epoch().count();
}

// The policies that decide the exit code, each with whether it fails this run.
// --fail-on-errors (scan errors failing the run) belongs here as {"errors", ...}.
std::vector<std::pair<std::string_view, bool>> verdicts(const report_data& data) {
    return {{"findings", fails(data)}, {"errors", error_verdict_of(data).fails}};
}

void write_scan(const report_data& data, std::ostream& out) {
    const auto& m = data.meta;
    gauge(out, "tlsaudit_scan_info", "Tool and rules catalogue versions of the scan (always 1)")
        .add(labels_text({{"version", m.tool_version}, {"rules_version", m.rules_version}}), 1);
    gauge(out, "tlsaudit_scan_complete",
          "1 when every scan (every shard) ran to its end; 0 when one was interrupted or killed")
        .add({}, m.complete() ? 1 : 0);
    const auto started = unix_seconds(m.started_at);
    const auto finished = unix_seconds(m.finished_at);
    if (started) gauge(out, "tlsaudit_scan_start_timestamp_seconds", "When the scan started").add({}, *started);
    if (finished)
        gauge(out, "tlsaudit_scan_end_timestamp_seconds", "When the scan completed (the last shard's end)")
            .add({}, *finished);
    if (started && finished)
        gauge(out, "tlsaudit_scan_duration_seconds", "From the scan's start to its end (first shard to last)")
            .add({}, *finished - *started);
    gauge failed(out, "tlsaudit_scan_failed",
                 "1 when this policy fails the run: policy=findings is --fail-on/--fail-on-new (exit code 1), "
                 "policy=errors is --fail-on-errors or an unfinished scan (exit code 4)");
    for (const auto& [policy, failing] : verdicts(data)) failed.add(labels_text({{"policy", policy}}), failing ? 1 : 0);
    failed.flush();
}

void write_counts(const report_data& data, std::ostream& out) {
    const auto c = count(data);
    gauge(out, "tlsaudit_endpoints", "Endpoints (name, port and address) in the scan, those that failed included")
        .add({}, static_cast<long long>(c.endpoints));
    gauge errors(out, "tlsaudit_endpoints_failed", "Endpoints that gave no certificate chain, by error class");
    for (const auto& [code, n] : c.by_error) errors.add(labels_text({{"error", code}}), static_cast<long long>(n));
    errors.flush();
    gauge(out, "tlsaudit_input_errors", "Target lines that could not be read")
        .add({}, static_cast<long long>(c.input_errors));
    gauge by_severity(out, "tlsaudit_findings", "Findings of this scan by severity");
    for (auto s : {severity::info, severity::low, severity::medium, severity::high, severity::critical})
        by_severity.add(labels_text({{"severity", to_string(s)}}),
                        static_cast<long long>(c.by_severity[static_cast<std::size_t>(s)]));
    by_severity.flush();

    std::map<std::string, long long> by_rule;
    auto tally = [&](const std::vector<finding_row>& findings) {
        for (const auto& f : findings) ++by_rule[labels_text({{"finding", f.id}, {"rule", f.rule}})];
    };
    for (const auto& e : data.endpoints) tally(e.findings);
    for (const auto& n : data.names) tally(n.findings);
    gauge rules(out, "tlsaudit_rule_findings",
                "Findings of this scan by finding id and catalogue rule (rule empty for built-in checks)");
    for (const auto& [labels, n] : by_rule) rules.add(labels, n);
}

// Adds one to `counts` per finding, keyed by `where` plus the finding's id, rule and severity.
void tally_findings(std::map<std::string, long long>& counts, std::vector<label> where,
                    const std::vector<finding_row>& findings) {
    const auto place = where.size();
    for (const auto& f : findings) {
        where.resize(place);
        where.insert(where.end(), {{"finding", f.id}, {"rule", f.rule}, {"severity", to_string(f.level)}});
        ++counts[labels_text(where)];
    }
}

void write_findings(const report_data& data, std::ostream& out) {
    std::map<std::string, long long> per_endpoint, per_name;
    for (const auto& e : data.endpoints) {
        const auto port = std::to_string(e.port);
        tally_findings(
            per_endpoint,
            {{"host", e.host}, {"port", port}, {"sni", e.sni}, {"starttls", e.starttls}, {"address", e.address}},
            e.findings);
    }
    for (const auto& n : data.names) {
        const auto port = std::to_string(n.port);
        tally_findings(per_name, {{"host", n.host}, {"port", port}, {"sni", n.sni}, {"starttls", n.starttls}},
                       n.findings);
    }
    gauge endpoint_findings(out, "tlsaudit_endpoint_findings", "Findings of this scan per endpoint, finding and rule");
    for (const auto& [labels, n] : per_endpoint) endpoint_findings.add(labels, n);
    endpoint_findings.flush();
    gauge name_findings(out, "tlsaudit_name_findings",
                        "Findings about a name as a whole (all its addresses), per finding and rule");
    for (const auto& [labels, n] : per_name) name_findings.add(labels, n);
}

// The three leaf families, filled one served chain at a time.
class leaf_families {
public:
    explicit leaf_families(std::ostream& out)
        : not_after_(out, "tlsaudit_leaf_not_after_timestamp_seconds", "When the served leaf certificate expires"),
          time_left_(out, "tlsaudit_leaf_time_to_expiry_seconds",
                     "Seconds from the endpoint's scan to the leaf's expiry (negative: expired)"),
          info_(out, "tlsaudit_leaf_info", "The served leaf certificate (always 1)") {}

    // `chain` as in finding_row::chain; `scanned_at` the time the expiry is counted from.
    void add(const endpoint_row& e, int chain, const std::vector<cert_row>& certs, const std::string& scanned_at) {
        if (certs.empty() || certs.front().position != 0 || !certs.front().parse_error.empty()) return;
        const auto& c = certs.front();
        const auto port = std::to_string(e.port);
        const auto index = std::to_string(chain);
        std::vector<label> labels{{"host", e.host},         {"port", port},         {"sni", e.sni},
                                  {"starttls", e.starttls}, {"address", e.address}, {"chain", index}};
        const auto key = labels_text(labels);
        labels.insert(labels.end(), {{"subject", c.subject}, {"issuer", c.issuer}, {"sha256", c.sha256}});
        info_.add(labels_text(labels), 1);
        const auto expiry = unix_seconds(c.not_after);
        if (!expiry) return;
        not_after_.add(key, *expiry);
        if (const auto scanned = unix_seconds(scanned_at)) time_left_.add(key, *expiry - *scanned);
    }

    void flush() {
        for (auto* family : {&not_after_, &time_left_, &info_}) family->flush();
    }

private:
    gauge not_after_, time_left_, info_;
};

// The leaf of every chain an endpoint served (chain 0, then each other probe's chain).
void write_leaves(const report_data& data, std::ostream& out) {
    leaf_families leaves(out);
    for (const auto& e : data.endpoints) {
        const auto& scanned_at = e.scanned_at.empty() ? data.meta.finished_at : e.scanned_at;
        leaves.add(e, 0, e.chain, scanned_at);
        for (const auto& o : e.other_chains) leaves.add(e, o.index, o.chain, scanned_at);
    }
    leaves.flush();
}

}  // namespace

std::string prometheus_label_value(std::string_view text) {
    // A subject is a label: invisible controls shown, and cut where a server's label length
    // limit (label_value_length_limit) would refuse the whole scrape.
    const auto valid = text::shorten(text::show_invisible_controls(text), 1024);
    std::string out;
    out.reserve(valid.size());
    for (char c : valid) {
        switch (c) {
        case '\\': out += "\\\\"; break;
        case '"': out += "\\\""; break;
        case '\n': out += "\\n"; break;
        default: out += c;
        }
    }
    return out;
}

void write_prometheus_report(const report_data& data, std::ostream& out) {
    write_scan(data, out);
    write_counts(data, out);
    write_findings(data, out);
    write_leaves(data, out);
}

}  // namespace tlsaudit::report
