#include "text/ascii.hpp"
#include <tlsaudit/report/json_records.hpp>
#include <tlsaudit/report/ndjson_reader.hpp>

#include <boost/json/value.hpp>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <span>
#include <stdexcept>
#include <tuple>

namespace tlsaudit::report {
namespace {

namespace json = boost::json;

std::string get_string(const json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    if (!v || !v->is_string()) return {};
    return std::string(v->get_string());
}

int get_int(const json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    if (!v || !v->is_number()) return 0;
    return v->to_number<int>();
}

// A non-negative count that may exceed int (bytes); 0 when absent or not one.
std::uint64_t get_count(const json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    if (!v || !v->is_number()) return 0;
    boost::system::error_code ec;
    const auto n = v->to_number<std::uint64_t>(ec);
    return ec ? 0 : n;
}

const json::object* get_object(const json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    return v && v->is_object() ? &v->get_object() : nullptr;
}

const json::array* get_array(const json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    return v && v->is_array() ? &v->get_array() : nullptr;
}

std::vector<finding_row> read_findings(const json::object& record) {
    std::vector<finding_row> out;
    const auto* findings = get_array(record, "findings");
    if (!findings) return out;
    for (const auto& item : *findings) {
        if (!item.is_object()) continue;
        const auto& f = item.get_object();
        finding_row row;
        row.id = get_string(f, "id");
        row.level = parse_severity(get_string(f, "severity")).value_or(severity::info);
        if (const auto* cert = get_object(f, "cert")) {
            row.cert_position = get_int(*cert, "position");
            row.cert_subject = get_string(*cert, "subject");
            row.cert_sha256 = text::ascii_lower(get_string(*cert, "sha256"));
        }
        row.message = get_string(f, "message");
        row.remediation = get_string(f, "remediation");
        row.rule = get_string(f, "rule");
        row.chain = get_int(f, "chain");
        out.push_back(std::move(row));
    }
    // Worst first, then by id: a stable order whatever order the audit produced.
    std::stable_sort(out.begin(), out.end(), [](const finding_row& a, const finding_row& b) {
        return std::tie(b.level, a.id, a.chain, a.cert_position) < std::tie(a.level, b.id, b.chain, b.cert_position);
    });
    return out;
}

std::string key_text(const json::object& cert) {
    const auto* key = get_object(cert, "key");
    if (!key) return {};
    std::string text = get_string(*key, "type");
    if (const int bits = get_int(*key, "bits"); bits > 0) text += " " + std::to_string(bits);
    if (auto curve = get_string(*key, "curve"); !curve.empty()) text += " " + curve;
    return text;
}

std::vector<cert_row> read_chain(const json::object& record) {
    std::vector<cert_row> out;
    const auto* chain = get_array(record, "chain");
    if (!chain) return out;
    const auto* revocation = get_array(record, "revocation");
    for (std::size_t i = 0; i < chain->size(); ++i) {
        if (!(*chain)[i].is_object()) continue;
        const auto& c = (*chain)[i].get_object();
        cert_row row;
        row.position = static_cast<int>(i);
        row.subject = get_string(c, "subject");
        row.issuer = get_string(c, "issuer");
        row.serial = text::ascii_lower(get_string(c, "serial"));
        row.not_before = get_string(c, "not_before");
        row.not_after = get_string(c, "not_after");
        row.sha256 = text::ascii_lower(get_string(c, "sha256"));  // upper case in schema_version 1
        row.spki_sha256 = text::ascii_lower(get_string(c, "spki_sha256"));
        row.key = key_text(c);
        row.signature_algorithm = get_string(c, "signature_algorithm");
        if (const auto* sans = get_array(c, "san_dns"))
            for (const auto& s : *sans)
                if (s.is_string()) row.san_dns.emplace_back(s.get_string());
        if (const auto* ca = c.if_contains("is_ca"); ca && ca->is_bool()) row.is_ca = ca->get_bool();
        row.parse_error = get_string(c, "parse_error");
        if (const auto* r = get_object(c, "revocation")) row.revocation = get_string(*r, "state");
        else if (revocation && i < revocation->size() && (*revocation)[i].is_object())
            row.revocation = get_string((*revocation)[i].get_object(), "state");
        out.push_back(std::move(row));
    }
    return out;
}

template <typename Row>
void read_target(const json::object& record, Row& row) {
    const auto* t = get_object(record, "target");
    if (!t) return;
    row.input = get_string(*t, "input");
    row.line = get_int(*t, "line");
    row.host = get_string(*t, "host");
    row.port = get_int(*t, "port");
    row.sni = get_string(*t, "sni");
    row.starttls = get_string(*t, "starttls");
}

std::vector<std::string> strings_in(const json::array* items) {
    std::vector<std::string> out;
    if (!items) return out;
    for (const auto& s : *items)
        if (s.is_string()) out.emplace_back(s.get_string());
    return out;
}

// The probes that received the record's chain, and the chains other probes received.
void read_probes(const json::object& record, endpoint_row& row) {
    if (const auto* probes = get_array(record, "probes")) {
        for (const auto& p : *probes) {
            const auto* chain = p.is_object() ? p.get_object().if_contains("chain") : nullptr;
            if (chain && chain->is_number() && chain->to_number<int>() == 0)
                row.probes.push_back(get_string(p.get_object(), "probe"));
        }
    }
    const auto* others = get_array(record, "other_chains");
    if (!others) return;
    for (const auto& item : *others) {
        if (!item.is_object()) continue;
        const auto& o = item.get_object();
        other_chain_row chain;
        chain.index = get_int(o, "chain_index");
        chain.probes = strings_in(get_array(o, "probes"));
        if (const auto* tls = get_object(o, "tls")) {
            chain.protocol = get_string(*tls, "protocol");
            chain.cipher = get_string(*tls, "cipher");
        }
        chain.chain = read_chain(o);
        row.other_chains.push_back(std::move(chain));
    }
}

void read_trust(const json::object& record, endpoint_row& row, scan_meta& meta) {
    const auto* trust = get_object(record, "trust");
    if (trust == nullptr) return;
    if (meta.mozilla_store.empty()) meta.mozilla_store = get_string(*trust, "mozilla_store");
    const auto* programs = get_object(*trust, "programs");
    if (programs == nullptr) return;
    for (const auto& [program, value] : *programs) {
        if (!value.is_object()) continue;
        const auto& v = value.get_object();
        row.trust.push_back({std::string(program), get_string(v, "state"), get_string(v, "reason"),
                             get_string(v, "date"), get_string(v, "rule")});
    }
}

void read_endpoint(const json::object& record, report_data& data) {
    endpoint_row row;
    read_target(record, row);
    row.address = get_string(record, "address");
    row.scanned_at = get_string(record, "scanned_at");
    if (const auto* e = get_object(record, "error")) {
        row.error_code = get_string(*e, "code");
        row.error_detail = get_string(*e, "detail");
    }
    if (const auto* tls = get_object(record, "tls")) {
        row.protocol = get_string(*tls, "protocol");
        row.cipher = get_string(*tls, "cipher");
    }
    if (const auto* geo = get_object(record, "geo")) {
        row.has_geo = true;
        row.country = get_string(*geo, "country");
        row.organisation = get_string(*geo, "organisation");
        row.address_class = get_string(*geo, "class");
        if (const auto* asn = geo->if_contains("asn"); asn && asn->is_number()) row.asn = asn->to_number<long long>();
    }
    row.chain = read_chain(record);
    read_probes(record, row);
    row.findings = read_findings(record);
    read_trust(record, row, data.meta);
    row.status = row.error_code.empty() ? status_of(row.findings) : "error";
    if (data.meta.rules_version.empty()) data.meta.rules_version = get_string(record, "rules_version");
    data.endpoints.push_back(std::move(row));
}

void read_name(const json::object& record, report_data& data) {
    name_row row;
    read_target(record, row);
    if (const auto* addresses = get_array(record, "addresses"))
        for (const auto& a : *addresses)
            if (a.is_string()) row.addresses.emplace_back(a.get_string());
    row.findings = read_findings(record);
    row.status = status_of(row.findings);
    data.names.push_back(std::move(row));
}

void read_scan_start(const json::object& record, report_data& data) {
    auto& m = data.meta;
    ++m.shards;
    const auto started = get_string(record, "started_at");
    if (!started.empty() && (m.started_at.empty() || started < m.started_at)) m.started_at = started;
    if (m.tool_version.empty()) m.tool_version = get_string(record, "version");
    if (m.input.empty()) m.input = get_string(record, "input");
    // The first input's catalogue names the report; another one in a later input is said.
    if (auto rules = get_string(record, "rules_version"); !rules.empty()) {
        if (m.shards > 1 && !m.rules_version.empty() && rules != m.rules_version)
            m.settings_differ.insert("rules_version");
        if (m.rules_version.empty()) m.rules_version = std::move(rules);
    }
    const auto trust_store = get_string(record, "trust_store");
    if (m.shards > 1 && !trust_store.empty() && !m.trust_store.empty() && trust_store != m.trust_store)
        m.settings_differ.insert("trust_store");
    if (m.trust_store.empty()) m.trust_store = trust_store;
    const auto* options = get_object(record, "options");
    if (!options) return;
    if (m.shards > 1 && !m.options.empty()) {
        const auto first = result_settings(m.options), now = result_settings(*options);
        for (const auto& [key, value] : now)
            if (const auto* before = first.if_contains(key); before == nullptr || *before != value)
                m.settings_differ.insert(std::string(key));
        for (const auto& [key, value] : first)
            if (!now.contains(key)) m.settings_differ.insert(std::string(key));
    }
    const auto shard = get_string(*options, "shard");
    if (const auto slash = shard.find('/'); slash != std::string::npos) {
        std::uint64_t index = 0, count = 0;
        const auto* text = shard.data();
        const auto [i_end, i_ec] = std::from_chars(text, text + slash, index);
        const auto [n_end, n_ec] = std::from_chars(text + slash + 1, text + shard.size(), count);
        if (i_ec == std::errc() && n_ec == std::errc() && i_end == text + slash && n_end == text + shard.size() &&
            index < count) {
            m.shard_count = std::max(m.shard_count, count);
            m.shard_indexes.insert(index);
            m.shard_counts.insert(count);
            m.shard_spans.push_back({shard, started, ""});
        }
    } else {
        ++m.whole_scans;
    }
    if (m.options.empty()) m.options = *options;
    else if (get_string(m.options, "shard") != shard) m.options["shard"] = nullptr;  // several shards: no one of them
}

void read_record(const json::object& record, report_data& data) {
    const auto type = get_string(record, "type");
    if (type == "endpoint") {
        read_endpoint(record, data);
    } else if (type == "name") {
        read_name(record, data);
    } else if (type == "input-error") {
        data.input_errors.push_back(
            {get_int(record, "line"), get_string(record, "input"), get_string(record, "error")});
    } else if (type == "scan-start") {
        read_scan_start(record, data);
    } else if (type == "scan-end") {
        const auto finished = get_string(record, "finished_at");
        if (finished > data.meta.finished_at) data.meta.finished_at = finished;
        // The scan-end of the shard whose scan-start came last (one file holds one scan).
        if (auto& spans = data.meta.shard_spans; !spans.empty() && spans.back().end.empty())
            spans.back().end = finished;
        ++data.meta.scan_ends;
        if (const auto* c = record.if_contains("complete"); c && c->is_bool() && !c->get_bool()) {
            data.meta.interrupted = true;
            if (const auto line = get_count(record, "stopped_at_line"); line > 0) {
                const auto* unread = record.if_contains("target_lines_unread");
                data.meta.stops.push_back({line, unread && !unread->is_null()
                                                     ? std::optional(get_count(record, "target_lines_unread"))
                                                     : std::nullopt});
            }
        }
        for (auto& key : settings_changed_on_resume_of(record))
            data.meta.settings_changed_on_resume.insert(std::move(key));
        if (const auto* f = get_object(record, "fetches")) {
            data.meta.has_fetches = true;
            data.meta.fetch_destinations += get_count(*f, "destinations");
            data.meta.fetch_bytes += get_count(*f, "bytes");
            data.meta.fetch_refused += get_count(*f, "refused");
        }
    }
}

// What a record needs before it can be read ("" when it has it): a damaged endpoint record
// read leniently would count as a clean endpoint (host "", port 0, no error, no findings)
// and pass a CI gate. Fields added since schema_version 1 stay optional.
std::string endpoint_problem(const json::object& record) {
    const auto* target = get_object(record, "target");
    if (!target || get_string(*target, "host").empty()) return "an endpoint record without target.host";
    const auto port = get_count(*target, "port");
    if (port < 1 || port > 65535) return "an endpoint record without a target.port (1-65535)";
    const auto* address = record.if_contains("address");  // null when resolution failed
    if (!address || !(address->is_string() || address->is_null())) return "an endpoint record without an address";
    const auto* error = record.if_contains("error");
    if (!error || !(error->is_null() || (error->is_object() && !get_string(error->get_object(), "code").empty())))
        return "an endpoint record whose error is neither null nor an object with a code";
    if (!get_array(record, "chain")) return "an endpoint record without a chain (an array)";
    return {};
}

// Endpoint and name records: findings, when present, each with an id and a severity (one
// whose severity was lost would count as info and pass --fail-on).
std::string findings_problem(const json::object& record) {
    const auto* findings = record.if_contains("findings");
    if (!findings) return {};
    if (!findings->is_array()) return "findings that are not an array";
    for (const auto& f : findings->get_array())
        if (!f.is_object() || get_string(f.get_object(), "id").empty() ||
            !parse_severity(get_string(f.get_object(), "severity")))
            return "a finding without an id and a severity (info, low, medium, high, critical)";
    return {};
}

std::string record_problem(const json::object& record) {
    const auto* version = record.if_contains("schema_version");
    if (!version || !(version->is_int64() || version->is_uint64()) || get_count(record, "schema_version") < 1)
        return "no schema_version (a whole number)";
    const auto* type = record.if_contains("type");
    if (!type || !type->is_string()) return "no type";
    if (type->get_string() == "endpoint") {
        if (auto problem = endpoint_problem(record); !problem.empty()) return problem;
    } else if (type->get_string() != "name") {
        return {};
    }
    return findings_problem(record);
}

}  // namespace

void add_record(const json::object& record, const std::string& where, report_data& data) {
    if (const auto version = get_count(record, "schema_version"); version > ndjson_schema_version)
        throw std::runtime_error(where + "schema_version " + std::to_string(version) +
                                 " is newer than this tlsaudit reads (" + std::to_string(ndjson_schema_version) + ")");
    if (const auto problem = record_problem(record); !problem.empty())
        throw std::runtime_error(where + "not a tlsaudit record: " + problem);
    read_record(record, data);
}

namespace {

// A name row read before this file (from `names_before` on, its own) whose target this file
// scanned again: a re-run. The name was judged again with it, and a consistent name writes
// no record, so the old inconsistent-deployment must not outlive the fix.
void drop_names_scanned_again(report_data& data, std::size_t endpoints_before, std::size_t names_before) {
    using key = std::tuple<std::string_view, int, std::string_view, std::string_view>;
    std::vector<key> again;
    for (std::size_t i = endpoints_before; i < data.endpoints.size(); ++i) {
        const auto& e = data.endpoints[i];
        again.emplace_back(e.host, e.port, e.sni, e.starttls);
    }
    if (again.empty() || names_before == 0) return;
    std::sort(again.begin(), again.end());
    const auto earlier_end = data.names.begin() + static_cast<std::ptrdiff_t>(names_before);
    const auto kept_end = std::remove_if(data.names.begin(), earlier_end, [&](const name_row& n) {
        return std::binary_search(again.begin(), again.end(), key(n.host, n.port, n.sni, n.starttls));
    });
    data.names.erase(kept_end, earlier_end);
}

}  // namespace

void read_ndjson_stream(std::istream& in, const std::string& name, report_data& data, ndjson_observer* observer,
                        rows_kept keep) {
    const auto endpoints_before = data.endpoints.size();
    const auto names_before = data.names.size();
    ndjson_lines lines(in);
    while (const auto line = lines.next()) {
        const auto where = name + ":" + std::to_string(line->number) + ": ";
        if (!line->record) {
            // A killed scan can leave its last record half-written: the scan is incomplete,
            // not the file malformed. A damaged line with a line break after it is damage, and
            // so is a last line that is not the start of a record (garbage, a target list).
            if (!line->terminated && std::string_view(line->text).starts_with(R"({"schema_version":)")) {
                ++data.meta.cut_records;
                continue;
            }
            throw std::runtime_error(where + line->error);
        }
        const auto endpoints = data.endpoints.size();
        const auto names = data.names.size();
        add_record(*line->record, where, data);
        if (observer)
            observer->record(line->text, std::span(data.endpoints).subspan(endpoints),
                             std::span(data.names).subspan(names));
        if (keep == rows_kept::none) {
            data.endpoints.clear();
            data.names.clear();
            data.input_errors.clear();
        }
    }
    if (lines.bad()) throw std::runtime_error("cannot read " + name);
    if (keep != rows_kept::none) drop_names_scanned_again(data, endpoints_before, names_before);
    if (observer) observer->end_file();
    data.meta.sources.push_back(name);
}

// Sorts `rows` by `key` and keeps, of rows with equal keys (a shard read twice, a re-run),
// the last one read.
template <class Row, class Key>
void sort_keeping_last(std::vector<Row>& rows, Key key) {
    std::stable_sort(rows.begin(), rows.end(), [&](const Row& a, const Row& b) { return key(a) < key(b); });
    std::vector<Row> unique;
    unique.reserve(rows.size());
    for (auto& row : rows) {
        if (!unique.empty() && key(unique.back()) == key(row)) unique.back() = std::move(row);
        else unique.push_back(std::move(row));
    }
    rows = std::move(unique);
}

void finish_merge(report_data& data) {
    sort_keeping_last(data.endpoints,
                      [](const endpoint_row& e) { return std::tie(e.host, e.port, e.sni, e.starttls, e.address); });
    sort_keeping_last(data.names, [](const name_row& n) { return std::tie(n.host, n.port, n.sni, n.starttls); });
    // Only shard 0 writes input errors, one per line: the same one twice is a file read twice.
    // In the order of the file, for whoever mends it.
    sort_keeping_last(data.input_errors, [](const input_error_row& e) { return std::tie(e.line, e.input, e.error); });
}

report_data read_ndjson(const std::vector<std::filesystem::path>& files, ndjson_observer* observer, rows_kept keep) {
    report_data data;
    for (const auto& file : files) {
        if (file == "-") {
            read_ndjson_stream(std::cin, "stdin", data, observer, keep);
            continue;
        }
        std::ifstream in(file, std::ios::binary);
        if (!in) throw std::runtime_error("cannot read " + file.string());
        read_ndjson_stream(in, file.string(), data, observer, keep);
    }
    finish_merge(data);
    return data;
}

}  // namespace tlsaudit::report
