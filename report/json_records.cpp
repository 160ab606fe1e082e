#include <tlsaudit/report/json_records.hpp>

#include "text/time_text.hpp"
#include "text/utf8.hpp"

#include "ossl/encoding.hpp"

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <cmath>
#include <optional>

#include <fmt/chrono.h>
#include <fmt/format.h>

namespace tlsaudit::report {
namespace {

namespace json = boost::json;

// Every node of one record comes from the record's storage (`sp`): a node made with
// another one would be copied, not moved, into its parent.

// Nearly every string is valid already: no intermediate copy for those.
json::string str(std::string_view text, const json::storage_ptr& sp) {
    if (text::find_invalid_utf8(text) == std::string_view::npos) return json::string(text, sp);
    return json::string(text::sanitize_utf8(text), sp);
}

// The text, or null when it is empty.
json::value str_or_null(std::string_view text, const json::storage_ptr& sp) {
    if (text.empty()) return json::value(nullptr, sp);
    return json::value(str(text, sp));
}

// Bytes as base64, written straight into the record's storage.
json::string base64(std::span<const unsigned char> data, const json::storage_ptr& sp) {
    json::string out(sp);
    out.resize(ossl::base64_length(data.size()));
    ossl::base64_encode_to(data, out.data());
    return out;
}

json::array strings(const std::vector<std::string>& items, const json::storage_ptr& sp) {
    json::array out(sp);
    out.reserve(items.size());
    for (const auto& item : items) out.emplace_back(str(item, sp));
    return out;
}

json::value optional_ms(const std::optional<double>& ms, const json::storage_ptr& sp) {
    if (!ms) return json::value(nullptr, sp);
    return json::value(std::round(*ms * 1000.0) / 1000.0, sp);
}

json::value to_json_value(const scan_error& e, const json::storage_ptr& sp) {
    return json::object({{"stage", str(e.stage, sp)}, {"code", str(e.code, sp)}, {"detail", str(e.detail, sp)}}, sp);
}

json::object target_json(const target& t, const json::storage_ptr& sp) {
    return json::object({{"input", str(t.input, sp)},
                         {"line", t.line_no},
                         {"host", str(t.host, sp)},
                         {"port", t.port},
                         {"sni", str_or_null(t.sni, sp)},
                         {"starttls", str_or_null(t.starttls, sp)}},
                        sp);
}

json::object chain_entry(const bytes& der, const parsed_cert& parsed, const json::storage_ptr& sp) {
    json::object entry(sp);
    if (parsed.info) {
        entry = to_json(*parsed.info, sp);
    } else {
        entry["sha256"] = ossl::sha256_hex(der);
        entry["parse_error"] = str(parsed.error, sp);
    }
    entry["der"] = base64(der, sp);
    return entry;
}

// Revocation status of one chain certificate (scanner/revocation); null: not checked.
json::value revocation_json(const std::optional<revocation_status>& s, const json::storage_ptr& sp) {
    if (!s) return json::value(nullptr, sp);
    json::object o(
        {{"state", str(s->state, sp)}, {"source", str_or_null(s->source, sp)}, {"reason", str_or_null(s->reason, sp)}},
        sp);
    o["revoked_at"] = s->revoked_at ? json::value(text::rfc3339(*s->revoked_at), sp) : json::value(nullptr, sp);
    o["staple_rejected"] = str_or_null(s->staple_rejected, sp);
    return o;
}

// Findings (audit, revocation): {id, severity, cert: {position, subject, sha256} | null,
// message, remediation, rule | null}.
json::array findings_json(const std::vector<finding>& findings, const json::storage_ptr& sp) {
    json::array out(sp);
    out.reserve(findings.size());
    for (const auto& f : findings) {
        json::object o({{"id", str(f.id, sp)}, {"severity", to_string(f.level)}}, sp);
        o["cert"] = f.cert ? json::value(json::object({{"position", f.cert->position},
                                                       {"subject", str(f.cert->subject, sp)},
                                                       {"sha256", str(f.cert->sha256, sp)}},
                                                      sp))
                           : json::value(nullptr, sp);
        o["message"] = str(f.message, sp);
        o["remediation"] = str(f.remediation, sp);
        o["rule"] = str_or_null(f.rule, sp);
        o["chain"] = f.chain;
        out.emplace_back(std::move(o));
    }
    return out;
}

// Per-program verdicts: {mozilla_store, programs: {<program>: {state, reason, date, rule}}}.
json::value trust_json(const std::optional<program_trust>& t, const json::storage_ptr& sp) {
    if (!t) return json::value(nullptr, sp);
    json::object programs(sp);
    for (const auto& v : t->verdicts) {
        programs[v.program] = json::object({{"state", str(v.state, sp)},
                                            {"reason", str(v.reason, sp)},
                                            {"date", str_or_null(v.date, sp)},
                                            {"rule", str_or_null(v.rule, sp)}},
                                           sp);
    }
    return json::object({{"mozilla_store", str(t->mozilla_store, sp)}, {"programs", std::move(programs)}}, sp);
}

json::value tls_json(const capture& cap, const json::storage_ptr& sp) {
    if (cap.protocol.empty()) return json::value(nullptr, sp);
    return json::object(
        {{"protocol", str(cap.protocol, sp)}, {"cipher", str(cap.cipher, sp)}, {"alpn", str_or_null(cap.alpn, sp)}},
        sp);
}

json::value staple_json(const capture& cap, const json::storage_ptr& sp) {
    if (cap.stapled_ocsp.empty()) return json::value(nullptr, sp);
    return base64(cap.stapled_ocsp, sp);
}

// The served chain, each certificate with its revocation status.
json::array chain_json(const endpoint_result& r, const json::storage_ptr& sp) {
    json::array chain(sp);
    chain.reserve(r.cap.chain.size());
    for (std::size_t i = 0; i < r.cap.chain.size(); ++i) {
        static const parsed_cert unparsed{};
        json::object entry = chain_entry(r.cap.chain[i], i < r.certs.size() ? r.certs[i] : unparsed, sp);
        entry["revocation"] = i < r.revocation.size() ? revocation_json(r.revocation[i], sp) : json::value(nullptr, sp);
        chain.emplace_back(std::move(entry));
    }
    return chain;
}

// Every probe made: {probe, chain (index or null), engine, fallback, error}.
json::array probes_json(const capture& cap, const json::storage_ptr& sp) {
    json::array out(sp);
    out.reserve(cap.probes.size());
    for (const auto& p : cap.probes) {
        out.emplace_back(
            json::object({{"probe", str(p.probe, sp)},
                          {"chain", p.chain >= 0 ? json::value(p.chain, sp) : json::value(nullptr, sp)},
                          {"engine", str_or_null(p.engine, sp)},  // null: no engine ran (the connection failed)
                          {"fallback", str_or_null(p.fallback, sp)},
                          {"error", p.error ? to_json_value(*p.error, sp) : json::value(nullptr, sp)}},
                         sp));
    }
    return out;
}

// The chains other probes received: {chain_index, probes, tls, stapled_ocsp, chain}.
json::array other_chains_json(const endpoint_result& r, const json::storage_ptr& sp) {
    json::array out(sp);
    for (std::size_t k = 0; k < r.other_chains.size(); ++k) {
        const int index = static_cast<int>(k) + 1;
        json::array probes(sp);
        for (const auto& p : r.cap.probes)
            if (p.chain == index) probes.emplace_back(str(p.probe, sp));
        const auto& other = r.other_chains[k];
        out.emplace_back(json::object({{"chain_index", index},
                                       {"probes", std::move(probes)},
                                       {"tls", tls_json(other.cap, sp)},
                                       {"stapled_ocsp", staple_json(other.cap, sp)},
                                       {"chain", chain_json(other, sp)}},
                                      sp));
    }
    return out;
}

}  // namespace

json::object to_json(const geo_info& g, json::storage_ptr sp) {
    return json::object({{"country", str_or_null(g.country, sp)},
                         {"asn", g.asn ? json::value(*g.asn, sp) : json::value(nullptr, sp)},
                         {"organisation", str_or_null(g.organisation, sp)},
                         {"class", str_or_null(g.address_class, sp)}},
                        sp);
}

json::object to_json(const cert_info& c, json::storage_ptr sp) {
    json::object o(sp);
    o.reserve(14);  // the keys below, "revocation" and "der": no rehash while filling
    o["subject"] = str(c.subject, sp);
    o["issuer"] = str(c.issuer, sp);
    o["serial"] = str(c.serial_hex, sp);
    o["not_before"] = text::rfc3339(c.not_before);
    o["not_after"] = text::rfc3339(c.not_after);
    o["sha256"] = str(c.sha256, sp);
    o["spki_sha256"] = str(c.spki_sha256, sp);
    o["san_dns"] = strings(c.dns_names, sp);
    o["san_ip"] = strings(c.ip_addresses, sp);
    json::object key({{"type", str(c.key_type, sp)}, {"bits", c.key_bits}}, sp);
    if (!c.curve.empty()) key["curve"] = str(c.curve, sp);
    o["key"] = std::move(key);
    o["signature_algorithm"] = str(c.signature_algorithm, sp);
    o["is_ca"] = c.is_ca;
    return o;
}

json::object to_json(const endpoint_result& r, json::storage_ptr sp) {
    const capture& cap = r.cap;
    json::object o(sp);
    o.reserve(19);  // the keys below: no rehash while filling
    o["schema_version"] = ndjson_schema_version;
    o["type"] = "endpoint";
    o["scanned_at"] = text::rfc3339(cap.scanned_at);
    o["target"] = target_json(r.ep.tgt, sp);
    o["address"] = str_or_null(r.ep.address, sp);
    // How many endpoint records the target has: --resume knows a target is complete.
    o["addresses"] = r.ep.address_count;
    o["geo"] = r.geo ? json::value(to_json(*r.geo, sp)) : json::value(nullptr, sp);  // null: not enriched
    // "error" when the endpoint could not be scanned, else the highest finding severity, else "ok".
    const auto worst = r.worst();
    o["status"] = cap.error ? "error" : worst ? to_string(*worst) : "ok";
    o["error"] = cap.error ? to_json_value(*cap.error, sp) : json::value(nullptr, sp);
    o["tls"] = tls_json(cap, sp);
    o["timings_ms"] = json::object({{"dns", optional_ms(cap.timings.dns_ms, sp)},
                                    {"connect", optional_ms(cap.timings.connect_ms, sp)},
                                    {"handshake", optional_ms(cap.timings.handshake_ms, sp)},
                                    {"starttls", optional_ms(cap.timings.starttls_ms, sp)}},
                                   sp);
    o["attempts"] = cap.attempts;
    o["stapled_ocsp"] = staple_json(cap, sp);
    o["chain"] = chain_json(r, sp);
    o["probes"] = probes_json(cap, sp);
    o["other_chains"] = other_chains_json(r, sp);
    o["findings"] = findings_json(r.findings, sp);
    o["trust"] = trust_json(r.trust, sp);
    o["rules_version"] = str_or_null(r.rules_version, sp);
    return o;
}

json::object to_json(const name_result& n) {
    json::object o;
    o["schema_version"] = ndjson_schema_version;
    o["type"] = "name";
    o["target"] = target_json(n.tgt, {});
    json::array addresses;
    for (const auto& a : n.addresses) addresses.emplace_back(str(a, {}));
    o["addresses"] = std::move(addresses);
    std::optional<severity> worst;
    for (const auto& f : n.findings)
        if (!worst || f.level > *worst) worst = f.level;
    o["status"] = worst ? std::string(to_string(*worst)) : "ok";
    o["findings"] = findings_json(n.findings, {});
    o["rules_version"] = str(n.rules_version, {});
    return o;
}

json::object to_json(const input_error& e) {
    return json::object{{"schema_version", ndjson_schema_version},
                        {"type", "input-error"},
                        {"line", e.line_no},
                        {"input", str(e.input, {})},
                        {"error", str(e.message, {})}};
}

std::string serialize_visible(const json::value& v) {
    const std::string text = json::serialize(v);
    std::string scratch;
    return std::string(text::json_escape_invisible(text, scratch));
}

}  // namespace tlsaudit::report
