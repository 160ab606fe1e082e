#include "resume.hpp"

#include "exit_codes.hpp"

#include <tlsaudit/report/ndjson_reader.hpp>
#include <tlsaudit/report/ndjson_writer.hpp>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <system_error>
#include <unordered_map>

namespace tlsaudit::app {
namespace {

struct progress_of_target {
    std::size_t records = 0;
    std::size_t expected = 1;
};

// A record the writer was stopped in (killed, or the disk full): the stream's last line,
// with no line break, begun as every tlsaudit record begins. A file holding only that is a
// scan stopped before its first record was whole, resumed as an empty file is.
bool cut_short(const report::ndjson_line& line) {
    return !line.terminated && line.text.starts_with(R"({"schema_version":)");
}

// The scan pass: which targets have all of their endpoint records, and how many lines
// are damaged. A line that is JSON but no tlsaudit record counts as damaged, so a file of
// them (a JSON report, a SARIF log) is refused, not rewritten as a scan.
void find_complete_targets(resume_state& state) {
    const auto& file = state.file;
    std::ifstream in(file, std::ios::binary);
    if (!in) throw config_error("--resume: cannot read " + file.string() + ": " + std::strerror(errno));
    std::unordered_map<std::string, progress_of_target> seen;
    std::size_t records = 0;
    std::size_t cut_records = 0;
    bool first_start_seen = false;
    report::ndjson_lines lines(in);
    while (const auto line = lines.next()) {
        if (!line->record) {
            ++state.damaged_lines;
            if (cut_short(*line)) ++cut_records;
            continue;
        }
        if (!report::is_tlsaudit_record(*line->record)) {
            ++state.damaged_lines;  // dropped by the rewrite, as damaged lines are
            continue;
        }
        ++records;
        const auto type = report::record_type(*line->record);
        if (type == "scan-start" && !first_start_seen) {  // the one the rewrite keeps
            first_start_seen = true;
            const auto* options = line->record->if_contains("options");
            if (options && options->is_object()) state.recorded_options = options->get_object();
            if (const auto* trust = line->record->if_contains("trust_store"); trust && trust->is_string())
                state.recorded_trust_store = std::string(trust->get_string());
        }
        if (type == "scan-end")
            for (auto& key : report::settings_changed_on_resume_of(*line->record))
                state.changed_before.insert(std::move(key));
        if (type != "endpoint") continue;
        const auto tgt = report::target_of(*line->record);
        if (!tgt) continue;
        auto& p = seen[tgt->key()];
        ++p.records;
        p.expected = report::address_count_of(*line->record);
    }
    if (lines.bad()) throw config_error("--resume: cannot read " + file.string());
    if (records == 0 && state.damaged_lines > cut_records)
        throw config_error("--resume: " + file.string() + " holds no tlsaudit record");
    // Complete: every address has its record. Under --no-dedupe a target listed twice has
    // two full sets; a kill between the two leaves one, which counts as complete too (its
    // other occurrence is not scanned again: docs/operations.md).
    for (const auto& [key, p] : seen)
        if (p.records == p.expected || (p.expected > 0 && p.records % p.expected == 0)) state.done.insert(key);
}

// Whether the rewrite pass keeps `record`, counting what stays and goes: the first
// scan-start record and the endpoint records of complete targets stay; everything else
// goes.
bool keep_record(resume_state& state, const boost::json::object& record) {
    const auto type = report::record_type(record);
    bool keep = false;
    if (type == "scan-start") {
        keep = !state.has_scan_start;
        if (keep)
            if (const auto* input = record.if_contains("input"); input && input->is_string())
                state.recorded_input = std::string(input->get_string());
        state.has_scan_start = true;
    } else if (type == "endpoint") {
        const auto tgt = report::target_of(record);
        keep = tgt && state.done.contains(tgt->key());
        if (keep) {
            ++state.kept_endpoints;
            const auto* error = record.if_contains("error");
            const auto* code = error && error->is_object() ? error->get_object().if_contains("code") : nullptr;
            ++state.kept_errors[code && code->is_string() ? std::string(code->get_string()) : std::string()];
            if (const auto* status = record.if_contains("status"); status && status->is_string())
                ++state.kept_statuses[std::string(status->get_string())];
        }
    }
    if (!keep) ++state.dropped_records;
    return keep;
}

// The rewrite pass; atomic, so a failure leaves the file as it was.
void rewrite_with_complete_targets(resume_state& state) {
    try {
        report::rewrite_ndjson(state.file,
                               [&state](const boost::json::object& record) { return keep_record(state, record); });
    } catch (const std::system_error& e) {
        throw config_error("--resume: cannot rewrite " + state.file.string() + ": " + e.code().message());
    }
}

}  // namespace

std::vector<std::string> changed_settings(const resume_state& recorded, const boost::json::object& now) {
    std::vector<std::string> changed;
    static const boost::json::object none;
    const auto* options = now.if_contains("options");
    const auto& now_options = options != nullptr && options->is_object() ? options->get_object() : none;
    for (const char* key : {"ports", "probes", "tls_engine", "verify_handshake", "starttls", "profile", "at", "rules",
                            "expiry_warn_days", "revocation", "fetch_missing", "fetch_allow", "fetch_allow_private",
                            "fetch_max_destinations", "ipv4_only", "ipv6_only", "dedupe", "allow_large_cidr"}) {
        const auto* before = recorded.recorded_options.if_contains(key);
        const auto* after = now_options.if_contains(key);
        if (before != nullptr && after != nullptr && *before != *after) changed.emplace_back(key);
    }
    // The trust store (--ca-file, --ca-dir, --no-system-trust) is the record's own key.
    const auto* trust = now.if_contains("trust_store");
    if (recorded.recorded_trust_store && trust != nullptr && trust->is_string() &&
        trust->get_string() != *recorded.recorded_trust_store)
        changed.emplace_back("trust_store");
    return changed;
}

resume_state prepare_resume(const std::filesystem::path& file, const std::string& shard) {
    resume_state state;
    state.file = file;
    find_complete_targets(state);
    // Carried on as another shard, the file would gain another shard's targets: refused
    // before the file is rewritten. "shard" null: the whole list; absent (a scan-start
    // written before it was recorded): not checked.
    if (const auto* recorded = state.recorded_options.if_contains("shard")) {
        const std::string held = recorded->is_string() ? std::string(recorded->get_string()) : std::string();
        if (held != shard) {
            const auto what = [](const std::string& s) {
                return s.empty() ? std::string("the whole list") : "shard " + s;
            };
            throw config_error(
                "--resume " + file.string() + " holds " + what(held) + ", and this run would scan " + what(shard) +
                (held.empty() ? std::string(": leave out --shard and --shards") : ": give --shard " + held));
        }
    }
    rewrite_with_complete_targets(state);
    return state;
}

void for_each_kept_endpoint(const std::filesystem::path& file, const kept_endpoint_visitor& visit) {
    std::ifstream in(file, std::ios::binary);
    report::ndjson_lines lines(in);
    while (auto line = lines.next()) {
        if (!line->record) continue;
        if (auto served = report::served_chain_of(*line->record))
            visit(std::move(served->ep), std::move(served->chain));
    }
}

}  // namespace tlsaudit::app
