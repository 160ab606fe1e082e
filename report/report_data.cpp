#include <tlsaudit/report/report_data.hpp>

#include <tlsaudit/report/finding_groups.hpp>

#include "text/time_text.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <chrono>
#include <set>

namespace tlsaudit::report {

std::string_view to_string(baseline_state state) {
    switch (state) {
    case baseline_state::new_finding: return "new";
    case baseline_state::unchanged: return "unchanged";
    case baseline_state::none: break;
    }
    return "";
}

std::string status_of(const std::vector<finding_row>& findings) {
    std::optional<severity> worst;
    for (const auto& f : findings)
        if (!worst || f.level > *worst) worst = f.level;
    return worst ? std::string(tlsaudit::to_string(*worst)) : "ok";
}

report_counts count(const report_data& data) {
    report_counts c;
    auto add = [&](const std::vector<finding_row>& findings) {
        for (const auto& f : findings) {
            ++c.findings;
            ++c.by_severity[static_cast<std::size_t>(f.level)];
            ++c.by_id[f.id];
            if (f.baseline == baseline_state::new_finding) ++c.new_findings;
        }
    };
    c.endpoints = data.endpoints.size() + data.unlisted_scanned;
    c.endpoints_ok = data.unlisted_scanned;
    for (const auto& e : data.endpoints) {
        if (!e.error_code.empty()) {
            ++c.endpoints_error;
            ++c.by_error[e.error_code];
        } else {
            ++c.endpoints_ok;
        }
        if (!e.findings.empty()) ++c.endpoints_with_findings;
        add(e.findings);
        if (e.has_geo) {
            const std::string unknown = e.address_class.empty() ? "unknown" : e.address_class;
            auto& country = c.by_country[e.country.empty() ? unknown : e.country];
            auto& network = c.by_network[e.asn ? fmt::format("AS{} {}", *e.asn, e.organisation) : unknown];
            for (auto* g : {&country, &network}) {
                ++g->endpoints;
                g->findings += e.findings.size();
            }
        }
    }
    c.names = data.names.size();
    for (const auto& n : data.names) add(n.findings);
    c.input_errors = data.input_errors.size();
    c.resolved = data.resolved.size();
    return c;
}

bool counts_against(const report_data& data, const finding_row& f) {
    if (!data.fail_on || f.level < *data.fail_on) return false;
    return !data.fail_on_new || f.baseline == baseline_state::new_finding;
}

std::size_t failing_findings(const report_data& data) {
    std::size_t n = 0;
    auto tally = [&](const std::vector<finding_row>& findings) {
        for (const auto& f : findings) n += counts_against(data, f) ? 1 : 0;
    };
    for (const auto& e : data.endpoints) tally(e.findings);
    for (const auto& name : data.names) tally(name.findings);
    return n;
}

bool fails(const report_data& data) { return failing_findings(data) > 0; }

namespace {

// Why shards read together are not one run, as history import groups them ("" when they
// may be): a shard index read twice (a retried shard, or another run's file), or a shard
// that started more than 12 hours after the others ended (a stale file from an earlier run).
std::string runs_apart(std::vector<scan_meta::shard_span> spans) {
    std::set<std::string> seen;
    for (const auto& s : spans)
        if (!seen.insert(s.shard).second)
            return fmt::format(
                "the files hold shard {} twice, from two runs or a retried shard; history import "
                "tells them apart",
                s.shard);
    const auto time_of = [](const std::string& t) { return text::parse_rfc3339(t).value_or(time_point{}); };
    std::sort(spans.begin(), spans.end(),
              [&](const auto& a, const auto& b) { return time_of(a.start) < time_of(b.start); });
    time_point end{};
    for (std::size_t i = 0; i < spans.size(); ++i) {
        const auto start = time_of(spans[i].start);
        if (i > 0 && start > end + std::chrono::hours(12))
            return fmt::format(
                "the files hold shards of runs more than 12 hours apart (shard {} started {}, shard {} "
                "{}), not one run",
                spans[i - 1].shard, spans[i - 1].start, spans[i].shard, spans[i].start);
        end = std::max({end, start, time_of(spans[i].end)});
    }
    return "";
}

}  // namespace

std::string interrupted_at(const stop_point& stop) {
    if (stop.unread == 0)
        return fmt::format(
            "interrupted once the whole target list ({}) was read: endpoints still in flight then "
            "are missing",
            plural(stop.line, "line", "lines"));
    return fmt::format("interrupted after line {} of the target list was read{}", stop.line,
                       stop.unread ? fmt::format(": {} after it not read",
                                                 plural(*stop.unread, "line with targets", "lines with targets"))
                                   : "");
}

std::string scan_meta::incomplete_reason() const {
    if (shard_counts.size() > 1)
        return fmt::format("the files hold shards of {} different splits (of {}), not one run", shard_counts.size(),
                           fmt::join(shard_counts, ", of "));
    if (shard_count > 1 && whole_scans > 0)
        return fmt::format("the files hold a whole scan beside shards of a split in {}, not one run", shard_count);
    if (shards_missing()) {
        std::vector<std::string> missing;
        for (std::uint64_t i = 0; i < shard_count && missing.size() < 8; ++i)
            if (!shard_indexes.contains(i)) missing.push_back(fmt::format("{}/{}", i, shard_count));
        const auto absent = shard_count - shard_indexes.size();
        return fmt::format("{} of the run {} missing ({}{})", plural(absent, "shard", "shards"),
                           absent == 1 ? "is" : "are", fmt::join(missing, ", "),
                           absent > missing.size() ? ", ..." : "");
    }
    if (auto why = runs_apart(shard_spans); !why.empty()) return why;
    if (interrupted && stops.size() == 1 && scan_ends == 1) return interrupted_at(stops.front());
    if (interrupted) return "interrupted before every target was scanned";
    if (!being_written.empty())
        return fmt::format("still running: a scan was writing {} when it was read (the results so far)",
                           fmt::join(being_written, ", "));
    if (cut_records > 0) return "killed: its last record is cut short";
    if (scan_ends < shards) return "killed before its end: no scan-end record";
    return "";
}

error_verdict judge_errors(const report_data& data) {
    std::map<std::string, std::size_t> by_class;
    std::size_t scanned = data.unlisted_scanned;
    for (const auto& e : data.endpoints) {
        if (e.error_code.empty()) ++scanned;
        else ++by_class[e.error_code];
    }
    if (!data.input_errors.empty()) by_class[std::string(input_error_class)] = data.input_errors.size();
    const auto units = data.endpoints.size() + data.unlisted_scanned + data.input_errors.size();
    return judge_error_tally(std::move(by_class), scanned, units, data.on_errors, data.meta.incomplete_reason());
}

error_verdict judge_error_tally(std::map<std::string, std::size_t> by_class, std::size_t scanned, std::size_t units,
                                const error_policy& policy, std::string incomplete) {
    error_verdict v;
    for (const auto& [error_class, n] : by_class) {
        v.failed += n;
        if (policy.counts(error_class)) v.counts.counted += n;
    }
    v.by_class = std::move(by_class);
    v.counts.scanned = scanned;
    v.counts.units = units;
    v.incomplete = std::move(incomplete);
    v.too_many = exceeds(policy, v.counts);
    v.fails = v.too_many || (!v.incomplete.empty() && policy.kind != error_policy::mode::none);
    return v;
}

void settle_verdicts(report_data& data) { data.errors = judge_errors(data); }

error_verdict error_verdict_of(const report_data& data) { return data.errors ? *data.errors : judge_errors(data); }

void program_tallies::add(const std::vector<trust_row>& trust) {
    if (trust.empty()) return;
    ++judged;
    for (const auto& v : trust) {
        auto it =
            std::find_if(programs.begin(), programs.end(), [&](const tally& t) { return t.program == v.program; });
        if (it == programs.end()) it = programs.insert(programs.end(), tally{v.program});
        if (v.state == "untrusted") ++it->untrusted;
        if (v.state == "distrusted") ++it->distrusted;
    }
}

void program_tallies::merge(const program_tallies& other) {
    judged += other.judged;
    for (const auto& o : other.programs) {
        auto it =
            std::find_if(programs.begin(), programs.end(), [&](const tally& t) { return t.program == o.program; });
        if (it == programs.end()) it = programs.insert(programs.end(), tally{o.program});
        it->untrusted += o.untrusted;
        it->distrusted += o.distrusted;
    }
}

}  // namespace tlsaudit::report
