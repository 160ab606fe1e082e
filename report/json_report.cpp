#include <tlsaudit/report/executive_summary.hpp>
#include <tlsaudit/report/json_records.hpp>
#include <tlsaudit/report/json_report.hpp>

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

namespace tlsaudit::report {
namespace {

namespace json = boost::json;

json::value opt_string(const std::string& s) { return s.empty() ? json::value(nullptr) : json::value(s); }

template <typename Row>
json::object target_json(const Row& r) {
    return json::object{{"input", r.input}, {"line", r.line},           {"host", r.host},
                        {"port", r.port},   {"sni", opt_string(r.sni)}, {"starttls", opt_string(r.starttls)}};
}

json::array findings_json(const std::vector<finding_row>& findings) {
    json::array out;
    for (const auto& f : findings) {
        json::object o;
        o["id"] = f.id;
        o["severity"] = std::string(to_string(f.level));
        if (f.cert_position)
            o["cert"] =
                json::object{{"position", *f.cert_position}, {"subject", f.cert_subject}, {"sha256", f.cert_sha256}};
        else o["cert"] = nullptr;
        o["message"] = f.message;
        o["remediation"] = f.remediation;
        o["rule"] = opt_string(f.rule);
        o["baseline"] =
            f.baseline == baseline_state::none ? json::value(nullptr) : json::value(std::string(to_string(f.baseline)));
        o["chain"] = f.chain;
        out.emplace_back(std::move(o));
    }
    return out;
}

json::object cert_json(const cert_row& c) {
    json::object o;
    o["position"] = c.position;
    o["subject"] = c.subject;
    o["issuer"] = c.issuer;
    o["serial"] = c.serial;
    o["not_before"] = c.not_before;
    o["not_after"] = c.not_after;
    o["sha256"] = c.sha256;
    o["spki_sha256"] = c.spki_sha256;
    o["key"] = c.key;
    o["signature_algorithm"] = c.signature_algorithm;
    json::array sans;
    for (const auto& s : c.san_dns) sans.emplace_back(s);
    o["san_dns"] = std::move(sans);
    o["is_ca"] = c.is_ca;
    o["parse_error"] = opt_string(c.parse_error);
    o["revocation"] = opt_string(c.revocation);
    return o;
}

json::array certs_json(const std::vector<cert_row>& chain) {
    json::array out;
    for (const auto& c : chain) out.emplace_back(cert_json(c));
    return out;
}

json::array strings_json(const std::vector<std::string>& items) {
    json::array out;
    for (const auto& s : items) out.emplace_back(s);
    return out;
}

json::object counts_by_severity(const report_counts& c) {
    json::object o;
    for (auto s : {severity::critical, severity::high, severity::medium, severity::low, severity::info})
        o[to_string(s)] = c.by_severity[static_cast<std::size_t>(s)];
    return o;
}

json::object scan_json(const scan_meta& m) {
    json::object o;
    o["tool"] = "tlsaudit";
    o["tool_version"] = m.tool_version;
    o["started_at"] = opt_string(m.started_at);
    o["finished_at"] = opt_string(m.finished_at);
    o["input"] = opt_string(m.input);
    o["rules_version"] = opt_string(m.rules_version);
    o["mozilla_store"] = opt_string(m.mozilla_store);
    o["trust_store"] = opt_string(m.trust_store);
    o["options"] = m.options;
    json::array sources;
    for (const auto& s : m.sources) sources.emplace_back(s);
    o["sources"] = std::move(sources);
    o["shards"] = m.shards;
    o["complete"] = m.complete();
    const auto reason = m.incomplete_reason();
    o["incomplete_reason"] = reason.empty() ? json::value(nullptr) : json::value(reason);
    json::array changed;
    for (const auto& key : m.settings_changed_on_resume) changed.emplace_back(key);
    o["settings_changed_on_resume"] = std::move(changed);
    json::array differ;
    for (const auto& key : m.settings_differ) differ.emplace_back(key);
    o["settings_differ"] = std::move(differ);
    return o;
}

json::object summary_item_json(const summary_item& s) {
    json::object o;
    o["rule"] = s.rule;
    o["id"] = opt_string(s.id);
    o["severity"] = s.level ? json::value(std::string(to_string(*s.level))) : json::value(nullptr);
    o["title"] = opt_string(s.title);
    o["meaning"] = opt_string(s.meaning);
    o["count"] = s.count;
    o["endpoints"] = s.endpoints;
    o["names"] = s.names;
    o["earliest_deadline"] = s.earliest_deadline ? json::value(*s.earliest_deadline) : json::value(nullptr);
    o["headline"] = s.headline;
    o["text"] = s.text;
    o["remediations"] = strings_json(s.remediations);
    json::array refs;
    for (const auto& r : s.findings)
        refs.emplace_back(json::object{{r.name ? "name" : "endpoint", r.row}, {"finding", r.finding}});
    o["findings"] = std::move(refs);
    return o;
}

void write_array_items(std::ostream& out, const char* key, std::size_t n, auto&& item) {
    out << ",\"" << key << "\":[";
    for (std::size_t i = 0; i < n; ++i) {
        if (i) out << ',';
        out << serialize_visible(item(i));
    }
    out << ']';
}

}  // namespace

json::object endpoint_json(const endpoint_row& e) {
    json::object o;
    o["target"] = target_json(e);
    o["address"] = opt_string(e.address);
    o["scanned_at"] = opt_string(e.scanned_at);
    o["status"] = e.status;
    o["error"] = e.error_code.empty() ? json::value(nullptr)
                                      : json::value(json::object{{"code", e.error_code}, {"detail", e.error_detail}});
    o["tls"] = e.protocol.empty() ? json::value(nullptr)
                                  : json::value(json::object{{"protocol", e.protocol}, {"cipher", e.cipher}});
    o["geo"] = e.has_geo ? json::value(json::object{{"country", opt_string(e.country)},
                                                    {"asn", e.asn ? json::value(*e.asn) : json::value(nullptr)},
                                                    {"organisation", opt_string(e.organisation)},
                                                    {"class", opt_string(e.address_class)}})
                         : json::value(nullptr);
    o["chain"] = certs_json(e.chain);
    o["probes"] = strings_json(e.probes);
    json::array others;
    for (const auto& c : e.other_chains) {
        others.emplace_back(json::object{
            {"chain_index", c.index},
            {"probes", strings_json(c.probes)},
            {"tls", c.protocol.empty() ? json::value(nullptr)
                                       : json::value(json::object{{"protocol", c.protocol}, {"cipher", c.cipher}})},
            {"chain", certs_json(c.chain)}});
    }
    o["other_chains"] = std::move(others);
    o["findings"] = findings_json(e.findings);
    json::array trust;
    for (const auto& t : e.trust)
        trust.emplace_back(json::object{{"program", t.program},
                                        {"state", t.state},
                                        {"reason", t.reason},
                                        {"date", opt_string(t.date)},
                                        {"rule", opt_string(t.rule)}});
    o["trust"] = std::move(trust);
    return o;
}

json::object name_json(const name_row& n) {
    json::object o;
    o["target"] = target_json(n);
    json::array addresses;
    for (const auto& a : n.addresses) addresses.emplace_back(a);
    o["addresses"] = std::move(addresses);
    o["status"] = n.status;
    o["findings"] = findings_json(n.findings);
    return o;
}

json::array baseline_rows(const std::vector<resolved_row>& rows) {
    json::array out;
    for (const auto& r : rows)
        out.emplace_back(json::object{{"host", r.host},
                                      {"port", r.port},
                                      {"id", r.id},
                                      {"cert_sha256", opt_string(r.cert_sha256)},
                                      {"severity", r.severity},
                                      {"message", r.message},
                                      {"sni", opt_string(r.sni)},
                                      {"starttls", opt_string(r.starttls)}});
    return out;
}

json::object scan_errors_json(const report_data& data) {
    const auto v = error_verdict_of(data);
    json::object by_class;
    for (const auto& [name, n] : v.by_class) by_class[name] = n;
    return json::object{{"verdict", v.fails ? "fail" : "pass"}, {"text", errors_sentence(data)},
                        {"scanned", v.counts.scanned},          {"failed", v.failed},
                        {"counted", v.counts.counted},          {"by_class", std::move(by_class)}};
}

json::object summary_json(const report_data& data) {
    const auto c = count(data);
    json::object o;
    o["verdict"] = fails(data) || error_verdict_of(data).fails ? "fail" : "pass";
    o["verdict_text"] = verdict_sentence(data);
    o["scan_errors"] = scan_errors_json(data);
    o["endpoints"] = c.endpoints;
    o["endpoints_ok"] = c.endpoints_ok;
    o["endpoints_error"] = c.endpoints_error;
    o["endpoints_with_findings"] = c.endpoints_with_findings;
    o["names"] = c.names;
    o["input_errors"] = c.input_errors;
    o["findings"] = c.findings;
    o["by_severity"] = counts_by_severity(c);
    json::object by_id;
    for (const auto& [id, n] : c.by_id) by_id[id] = n;
    o["by_id"] = std::move(by_id);
    json::object by_error;
    for (const auto& [code, n] : c.by_error) by_error[code] = n;
    o["by_error"] = std::move(by_error);
    auto groups = [](const std::map<std::string, report_counts::group>& in) {
        json::object out;
        for (const auto& [key, g] : in) out[key] = json::object{{"endpoints", g.endpoints}, {"findings", g.findings}};
        return out;
    };
    if (!c.by_country.empty()) o["by_country"] = groups(c.by_country);
    if (!c.by_network.empty()) o["by_network"] = groups(c.by_network);
    if (data.meta.has_fetches)
        o["fetches"] = json::object{{"destinations", data.meta.fetch_destinations},
                                    {"bytes", data.meta.fetch_bytes},
                                    {"refused", data.meta.fetch_refused}};
    return o;
}

void write_json_report(const report_data& data, std::ostream& out) {
    out << "{\"format\":\"tlsaudit-report\",\"report_schema_version\":" << report_schema_version;
    out << ",\"scan\":" << serialize_visible(scan_json(data.meta));
    json::object policy{
        {"fail_on", data.fail_on ? json::value(std::string(to_string(*data.fail_on))) : json::value("none")},
        {"fail_on_new", data.fail_on_new},
        {"fail_on_errors", to_string(data.on_errors)}};
    out << ",\"policy\":" << json::serialize(policy);
    out << ",\"summary\":" << serialize_visible(summary_json(data));
    const auto items = executive_summary(data);
    write_array_items(out, "executive_summary", items.size(),
                      [&](std::size_t i) { return summary_item_json(items[i]); });
    if (data.has_baseline) {
        const auto c = count(data);
        out << ",\"baseline\":"
            << serialize_visible(json::object{{"source", data.baseline_source},
                                              {"new", c.new_findings},
                                              {"unchanged", c.findings - c.new_findings},
                                              {"resolved", baseline_rows(data.resolved)},
                                              {"not_verified", baseline_rows(data.not_verified)}});
    } else {
        out << ",\"baseline\":null";
    }
    write_array_items(out, "names", data.names.size(), [&](std::size_t i) { return name_json(data.names[i]); });
    write_array_items(out, "endpoints", data.endpoints.size(),
                      [&](std::size_t i) { return endpoint_json(data.endpoints[i]); });
    write_array_items(out, "input_errors", data.input_errors.size(), [&](std::size_t i) {
        const auto& e = data.input_errors[i];
        return json::object{{"line", e.line}, {"input", e.input}, {"error", e.error}};
    });
    out << "}\n";
}

}  // namespace tlsaudit::report
