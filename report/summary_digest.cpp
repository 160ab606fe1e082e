#include <tlsaudit/report/executive_summary.hpp>
#include <tlsaudit/report/summary_digest.hpp>

namespace tlsaudit::report {
namespace {

void count_findings(summary_digest& d, const std::vector<finding_row>& findings) {
    d.findings += findings.size();
    for (const auto& f : findings) {
        ++d.by_severity[static_cast<std::size_t>(f.level)];
        if (f.baseline != baseline_state::new_finding) continue;
        ++d.new_findings;
        ++d.new_by_severity[static_cast<std::size_t>(f.level)];
    }
}

}  // namespace

digest_builder::digest_builder(std::size_t places) : groups_(places, false) {}

void digest_builder::add_endpoint(const endpoint_row& e, std::size_t rank, std::size_t sequence) {
    auto& d = digest_;
    ++d.endpoints;
    if (e.error_code.empty()) {
        ++d.endpoints_ok;
    } else {
        ++d.endpoints_error;
        ++d.by_error[e.error_code];
        error_names_.insert(e.sni.empty() ? e.host : e.sni);
    }
    count_findings(d, e.findings);
    d.programs.add(e.trust);
    groups_.add_endpoint(e, 0, rank, sequence);
}

void digest_builder::add_name(const name_row& n, std::size_t rank, std::size_t sequence) {
    count_findings(digest_, n.findings);
    groups_.add_name(n, 0, rank, sequence);
}

void digest_builder::add_input_errors(std::size_t n) { digest_.input_errors += n; }

void digest_builder::add_unlisted(std::size_t scanned, const program_tallies& trust) {
    digest_.endpoints += scanned;
    digest_.endpoints_ok += scanned;
    digest_.programs.merge(trust);
}

summary_digest digest_builder::finish() {
    auto d = std::move(digest_);
    for (auto& g : groups_.items()) {
        d.headlines.push_back({g.item.headline, g.item.earliest_deadline});
        d.groups.push_back({g.item.id, *g.item.level, g.item.count, g.item.endpoints, g.item.names,
                            g.item.remediations.empty() ? std::string() : g.item.remediations.front(),
                            g.item.remediations.size(), std::move(g.places)});
    }
    for (auto& it : error_items(d.endpoints_error, error_names_.size(), d.by_error, d.input_errors))
        d.headlines.push_back({std::move(it.headline), std::nullopt});
    return d;
}

summary_digest digest_of(const report_data& data, std::size_t places) {
    digest_builder builder(places);
    for (std::size_t i = 0; i < data.endpoints.size(); ++i) builder.add_endpoint(data.endpoints[i], i, i);
    builder.add_unlisted(data.unlisted_scanned, data.unlisted_trust);
    for (std::size_t i = 0; i < data.names.size(); ++i) builder.add_name(data.names[i], i, data.endpoints.size() + i);
    builder.add_input_errors(data.input_errors.size());
    auto d = builder.finish();
    d.meta = data.meta;
    d.has_baseline = data.has_baseline;
    d.not_verified = data.not_verified.size();
    d.resolved = data.resolved;
    d.fail_on = data.fail_on;
    d.fail_on_new = data.fail_on_new;
    d.on_errors = data.on_errors;
    d.errors = data.errors;
    return d;
}

std::size_t failing_findings(const summary_digest& d) {
    if (!d.fail_on) return 0;
    const auto& counted = d.fail_on_new ? d.new_by_severity : d.by_severity;
    std::size_t n = 0;
    for (auto s = static_cast<std::size_t>(*d.fail_on); s < counted.size(); ++s) n += counted[s];
    return n;
}

bool fails(const summary_digest& d) { return failing_findings(d) > 0; }

error_verdict judge_errors(const summary_digest& d) {
    auto by_class = d.by_error;
    if (d.input_errors) by_class[std::string(input_error_class)] = d.input_errors;
    return judge_error_tally(std::move(by_class), d.endpoints_ok, d.endpoints + d.input_errors, d.on_errors,
                             d.meta.incomplete_reason());
}

void settle_verdicts(summary_digest& d) { d.errors = judge_errors(d); }

error_verdict error_verdict_of(const summary_digest& d) { return d.errors ? *d.errors : judge_errors(d); }

std::string verdict_sentence(const summary_digest& d) {
    return verdict_sentence(d.endpoints_ok > 0, d.fail_on, d.fail_on_new, failing_findings(d));
}

std::string errors_sentence(const summary_digest& d) {
    return errors_sentence(error_verdict_of(d), d.on_errors, d.endpoints, d.by_error, d.input_errors);
}

}  // namespace tlsaudit::report
