// Grouping the files of one import into scans, from their scan-start and scan-end records.

#include <tlsaudit/history/import_plan.hpp>
#include <tlsaudit/report/ndjson_reader.hpp>

#include "history/record_reader.hpp"
#include "text/time_text.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <optional>
#include <set>
#include <tuple>
#include <variant>

namespace tlsaudit::history {
namespace {

namespace json = boost::json;

struct file_run {
    std::filesystem::path file;
    std::size_t order = 0;   // on the command line
    std::string identity;    // input, version, trust store, options
    std::string shard;       // its index ("I" of --shard I/N); "" for a whole run
    std::string start, end;  // end: the latest scan-end, else the start
    std::string error;       // why the file cannot be imported ("": it can)
    // Did not run to its end: no scan-end (killed), or one that says it was interrupted
    // (SIGTERM, as CI and Kubernetes stop a job; Ctrl-C). A retry may follow.
    bool killed = false;
};

// The instant a record's time names; the epoch when it names none.
time_point time_of(const std::string& text) { return text::parse_rfc3339(text).value_or(time_point{}); }

// Shards of one run made one after another (a CI matrix with fewer runners than shards)
// do not overlap in time: a shard joins the run when it starts at most this long after
// the run's shards so far end. Two runs of a daily schedule are a day apart.
constexpr auto sequential_gap = std::chrono::hours(12);

// The file's run: nullopt without a scan-start record, or a run with `error` set when a
// scan-start or scan-end line is not a record (after the scan-start records read so far:
// its shards are refused with it). Throws std::runtime_error naming the file and line
// when nothing of the run could be read.
std::optional<file_run> read_run(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + file.string());
    report::report_data data;
    std::string line, error;
    std::size_t number = 0;
    while (error.empty() && std::getline(in, line)) {
        ++number;
        // Only the two record types are parsed: an endpoint line costs a substring search.
        if (line.find("\"scan-start\"") == std::string::npos && line.find("\"scan-end\"") == std::string::npos)
            continue;
        const auto where = file.string() + ":" + std::to_string(number) + ": ";
        std::error_code ec;
        auto value = json::parse(line, ec);
        if (ec || !value.is_object()) {
            error = where + "not a JSON object";
            break;
        }
        const auto type = report::record_type(value.get_object());
        try {
            if (type == "scan-start" || type == "scan-end") report::add_record(value.get_object(), where, data);
        } catch (const std::runtime_error& e) {
            error = e.what();
        }
    }
    if (error.empty() && in.bad()) throw std::runtime_error("cannot read " + file.string());
    const auto& m = data.meta;
    if (m.shards == 0) {
        if (!error.empty()) throw std::runtime_error(error);
        return std::nullopt;
    }
    // Only shards of one count are one run: they differ in their shard option alone. A whole
    // run stands alone, even beside another started in the same second.
    const auto& options = m.options;
    const auto* shard = options.if_contains("shard");
    const auto slash = shard != nullptr && shard->is_string() ? shard->get_string().find('/') : json::string::npos;
    const std::string group = slash == json::string::npos ? "whole:" + file.string()
                                                          : "of " + std::string(shard->get_string().subview(slash + 1));
    const std::string index = slash == json::string::npos ? "" : std::string(shard->get_string().subview(0, slash));
    // The run's settings (a killed shard is often run again more slowly: pacing is none).
    const auto identity = m.input + '\0' + m.tool_version + '\0' + m.trust_store + '\0' +
                          json::serialize(report::result_settings(options)) + '\0' + group;
    // In UTC, so that runs order by time ("...T10:00:00+05:00" is before "...T06:00:00Z").
    const auto start = detail::utc_start(m.started_at, file.string());
    const auto end = std::max(time_of(start), text::parse_rfc3339(m.finished_at).value_or(time_of(start)));
    return file_run{
        file, 0, identity, index, start, text::rfc3339(end), error, m.scan_ends < m.shards || m.interrupted};
}

// What makes two names one file: its device and inode (demo/scan.ndjson and
// ./demo/scan.ndjson, or a link), else, for a file that cannot be found, its name.
using file_identity = std::variant<std::pair<dev_t, ino_t>, std::filesystem::path>;

file_identity identity_of(const std::filesystem::path& file) {
    struct stat st {};
    if (file != "-" && ::stat(file.c_str(), &st) == 0) return std::pair{st.st_dev, st.st_ino};
    return file;
}

}  // namespace

import_plan plan_import(const std::vector<std::filesystem::path>& files) {
    import_plan plan;
    std::vector<std::filesystem::path> distinct;
    std::set<file_identity> seen;
    for (const auto& file : files)
        if (seen.insert(identity_of(file)).second) distinct.push_back(file);
    // One file is one scan: nothing to group or order, and no reason to read a file of
    // gigabytes once more before its import reads it.
    if (distinct.size() == 1) {
        plan.scans.push_back({distinct, ""});
        return plan;
    }
    std::vector<file_run> runs;
    std::vector<planned_scan> undated;
    std::optional<planned_scan> from_stdin;
    for (const auto& file : distinct) {
        if (file == "-") {
            from_stdin = planned_scan{{file}, ""};
            continue;
        }
        try {
            if (auto run = read_run(file)) {
                run->order = runs.size() + undated.size();
                runs.push_back(std::move(*run));
            } else {
                undated.push_back({{file}, ""});
            }
        } catch (const std::runtime_error& e) {
            plan.refused.push_back({file, e.what()});
        }
    }
    // Runs of one identity by start. A shard joins the group before it when that group
    // lacks its index and it starts no later than sequential_gap after the group ends (at
    // once or one after another); a shard index seen twice starts the next run when both
    // attempts ran to their end. Otherwise the later one is the run's when the earlier did
    // not finish (a retried shard, after one or more attempts killed or interrupted), and a
    // later attempt that did not finish beside a finished one is left out of it: each
    // attempt left out is a scan of its own.
    std::sort(runs.begin(), runs.end(), [](const file_run& a, const file_run& b) {
        return std::tie(a.identity, a.start, a.order) < std::tie(b.identity, b.start, b.order);
    });
    std::vector<std::vector<const file_run*>> groups;
    std::vector<const file_run*> attempts;  // killed shards a retry replaced
    time_point group_end{};
    std::set<std::string> indexes;  // the shard indexes of the last group
    for (std::size_t i = 0; i < runs.size(); ++i) {
        const auto& r = runs[i];
        bool next_run = i == 0 || r.identity != runs[i - 1].identity || time_of(r.start) > group_end + sequential_gap;
        if (!next_run && indexes.contains(r.shard)) {
            auto& group = groups.back();
            const auto same =
                std::find_if(group.begin(), group.end(), [&](const file_run* g) { return g->shard == r.shard; });
            if ((*same)->killed) {
                attempts.push_back(*same);
                *same = &r;
                group_end = std::max(group_end, time_of(r.end));
                continue;
            }
            if (r.killed) {
                attempts.push_back(&r);
                continue;
            }
            next_run = true;
        }
        if (next_run) {
            groups.emplace_back();
            group_end = {};
            indexes.clear();
        }
        groups.back().push_back(&r);
        indexes.insert(r.shard);
        group_end = std::max(group_end, time_of(r.end));
    }
    for (const auto* a : attempts) groups.push_back({a});
    for (auto& group : groups) {
        std::sort(group.begin(), group.end(), [](const file_run* a, const file_run* b) { return a->order < b->order; });
        // A scan is all or nothing: a shard that cannot be imported keeps its siblings out.
        const auto broken =
            std::find_if(group.begin(), group.end(), [](const file_run* r) { return !r->error.empty(); });
        if (broken != group.end()) {
            for (const auto* r : group)
                plan.refused.push_back({r->file, r == *broken
                                                     ? r->error
                                                     : r->file.string() + ": a shard of the same run as " +
                                                           (*broken)->file.string() + ", which cannot be imported"});
            continue;
        }
        planned_scan scan;
        scan.started_at = group.front()->start;
        for (const auto* r : group) {
            scan.files.push_back(r->file);
            scan.started_at = std::min(scan.started_at, r->start);
        }
        plan.scans.push_back(std::move(scan));
    }
    std::stable_sort(plan.scans.begin(), plan.scans.end(),
                     [](const planned_scan& a, const planned_scan& b) { return a.started_at < b.started_at; });
    for (auto& u : undated) plan.scans.push_back(std::move(u));
    if (from_stdin) plan.scans.push_back(std::move(*from_stdin));
    return plan;
}

}  // namespace tlsaudit::history
