#include <tlsaudit/report/json_records.hpp>

#include "text/time_text.hpp"
#include "text/utf8.hpp"

#include "ossl/encoding.hpp"

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <cmath>
#include <optional>

#include <fmt/chrono.h>
#include <fmt/format.h>

namespace tlsaudit::report {
namespace {

namespace json = boost::json;

// Nearly every string is valid already: no intermediate copy for those.
json::string str(std::string_view text) {
    if (text::find_invalid_utf8(text) == std::string_view::npos) return json::string(text);
    return json::string(text::sanitize_utf8(text));
}

json::array strings(const std::vector<std::string>& items) {
    json::array out;
    for (const auto& item : items) out.emplace_back(str(item));
    return out;
}

json::value optional_ms(const std::optional<double>& ms) {
    if (!ms) return nullptr;
    return std::round(*ms * 1000.0) / 1000.0;
}

json::value to_json_value(const scan_error& e) {
    return json::object{{"stage", str(e.stage)}, {"code", str(e.code)}, {"detail", str(e.detail)}};
}

json::object target_json(const target& t) {
    return json::object{{"input", str(t.input)},
                        {"line", t.line_no},
                        {"host", str(t.host)},
                        {"port", t.port},
                        {"sni", t.sni.empty() ? json::value(nullptr) : json::value(str(t.sni))},
                        {"starttls", t.starttls.empty() ? json::value(nullptr) : json::value(str(t.starttls))}};
}

json::object chain_entry(const bytes& der, const parsed_cert& parsed) {
    json::object entry;
    if (parsed.info) {
        entry = to_json(*parsed.info);
    } else {
        entry["sha256"] = ossl::sha256_hex(der);
        entry["parse_error"] = str(parsed.error);
    }
    entry["der"] = ossl::base64_encode(der);
    return entry;
}

// Revocation status of one chain certificate (scanner/revocation); null: not checked.
json::value revocation_json(const std::optional<revocation_status>& s) {
    if (!s) return nullptr;
    json::object o{{"state", str(s->state)},
                   {"source", s->source.empty() ? json::value(nullptr) : json::value(str(s->source))},
                   {"reason", s->reason.empty() ? json::value(nullptr) : json::value(str(s->reason))}};
    o["revoked_at"] = s->revoked_at ? json::value(text::rfc3339(*s->revoked_at)) : json::value(nullptr);
    return o;
}

// Findings (audit, revocation): {id, severity, cert: {position, subject, sha256} | null,
// message, remediation, rule | null}.
json::array findings_json(const std::vector<finding>& findings) {
    json::array out;
    for (const auto& f : findings) {
        json::object o{{"id", str(f.id)}, {"severity", std::string(to_string(f.level))}};
        o["cert"] = f.cert ? json::value(json::object{{"position", f.cert->position},
                                                      {"subject", str(f.cert->subject)},
                                                      {"sha256", str(f.cert->sha256)}})
                           : json::value(nullptr);
        o["message"] = str(f.message);
        o["remediation"] = str(f.remediation);
        o["rule"] = f.rule.empty() ? json::value(nullptr) : json::value(str(f.rule));
        o["chain"] = f.chain;
        out.emplace_back(std::move(o));
    }
    return out;
}

// Per-program verdicts: {mozilla_store, programs: {<program>: {state, reason, date, rule}}}.
json::value trust_json(const std::optional<program_trust>& t) {
    if (!t) return nullptr;
    json::object programs;
    for (const auto& v : t->verdicts) {
        programs[v.program] = json::object{{"state", str(v.state)},
                                           {"reason", str(v.reason)},
                                           {"date", v.date.empty() ? json::value(nullptr) : json::value(str(v.date))},
                                           {"rule", v.rule.empty() ? json::value(nullptr) : json::value(str(v.rule))}};
    }
    return json::object{{"mozilla_store", str(t->mozilla_store)}, {"programs", std::move(programs)}};
}

json::value tls_json(const capture& cap) {
    if (cap.protocol.empty()) return nullptr;
    return json::object{{"protocol", str(cap.protocol)},
                        {"cipher", str(cap.cipher)},
                        {"alpn", cap.alpn.empty() ? json::value(nullptr) : json::value(str(cap.alpn))}};
}

json::value staple_json(const capture& cap) {
    return cap.stapled_ocsp.empty() ? json::value(nullptr) : json::value(ossl::base64_encode(cap.stapled_ocsp));
}

// The served chain, each certificate with its revocation status.
json::array chain_json(const endpoint_result& r) {
    json::array chain;
    for (std::size_t i = 0; i < r.cap.chain.size(); ++i) {
        static const parsed_cert unparsed{};
        json::object entry = chain_entry(r.cap.chain[i], i < r.certs.size() ? r.certs[i] : unparsed);
        entry["revocation"] = i < r.revocation.size() ? revocation_json(r.revocation[i]) : json::value(nullptr);
        chain.emplace_back(std::move(entry));
    }
    return chain;
}

// Every probe made: {probe, chain (index or null), engine, fallback, error}.
json::array probes_json(const capture& cap) {
    json::array out;
    for (const auto& p : cap.probes) {
        out.emplace_back(
            json::object{{"probe", str(p.probe)},
                         {"chain", p.chain >= 0 ? json::value(p.chain) : json::value(nullptr)},
                         {"engine", str(p.engine)},
                         {"fallback", p.fallback.empty() ? json::value(nullptr) : json::value(str(p.fallback))},
                         {"error", p.error ? to_json_value(*p.error) : json::value(nullptr)}});
    }
    return out;
}

// The chains other probes received: {chain_index, probes, tls, stapled_ocsp, chain}.
json::array other_chains_json(const endpoint_result& r) {
    json::array out;
    for (std::size_t k = 0; k < r.other_chains.size(); ++k) {
        const int index = static_cast<int>(k) + 1;
        json::array probes;
        for (const auto& p : r.cap.probes)
            if (p.chain == index) probes.emplace_back(str(p.probe));
        const auto& other = r.other_chains[k];
        out.emplace_back(json::object{{"chain_index", index},
                                      {"probes", std::move(probes)},
                                      {"tls", tls_json(other.cap)},
                                      {"stapled_ocsp", staple_json(other.cap)},
                                      {"chain", chain_json(other)}});
    }
    return out;
}

}  // namespace

json::object to_json(const geo_info& g) {
    const auto text = [](const std::string& s) { return s.empty() ? json::value(nullptr) : json::value(str(s)); };
    return json::object{{"country", text(g.country)},
                        {"asn", g.asn ? json::value(*g.asn) : json::value(nullptr)},
                        {"organisation", text(g.organisation)},
                        {"class", text(g.address_class)}};
}

json::object to_json(const cert_info& c) {
    json::object o;
    o.reserve(14);  // the keys below, "revocation" and "der": no rehash while filling
    o["subject"] = str(c.subject);
    o["issuer"] = str(c.issuer);
    o["serial"] = str(c.serial_hex);
    o["not_before"] = text::rfc3339(c.not_before);
    o["not_after"] = text::rfc3339(c.not_after);
    o["sha256"] = str(c.sha256);
    o["spki_sha256"] = str(c.spki_sha256);
    o["san_dns"] = strings(c.dns_names);
    o["san_ip"] = strings(c.ip_addresses);
    json::object key{{"type", str(c.key_type)}, {"bits", c.key_bits}};
    if (!c.curve.empty()) key["curve"] = str(c.curve);
    o["key"] = std::move(key);
    o["signature_algorithm"] = str(c.signature_algorithm);
    o["is_ca"] = c.is_ca;
    return o;
}

json::object to_json(const endpoint_result& r) {
    const capture& cap = r.cap;
    json::object o;
    o.reserve(19);  // the keys below: no rehash while filling
    o["schema_version"] = ndjson_schema_version;
    o["type"] = "endpoint";
    o["scanned_at"] = text::rfc3339(cap.scanned_at);
    o["target"] = target_json(r.ep.tgt);
    o["address"] = r.ep.address.empty() ? json::value(nullptr) : json::value(str(r.ep.address));
    // How many endpoint records the target has: --resume knows a target is complete.
    o["addresses"] = r.ep.address_count;
    o["geo"] = r.geo ? json::value(to_json(*r.geo)) : json::value(nullptr);  // null: not enriched
    // "error" when the endpoint could not be scanned, else the highest finding severity, else "ok".
    const auto worst = r.worst();
    o["status"] = cap.error ? "error" : worst ? std::string(to_string(*worst)) : "ok";
    o["error"] = cap.error ? to_json_value(*cap.error) : json::value(nullptr);
    o["tls"] = tls_json(cap);
    o["timings_ms"] = json::object{{"dns", optional_ms(cap.timings.dns_ms)},
                                   {"connect", optional_ms(cap.timings.connect_ms)},
                                   {"handshake", optional_ms(cap.timings.handshake_ms)},
                                   {"starttls", optional_ms(cap.timings.starttls_ms)}};
    o["attempts"] = cap.attempts;
    o["stapled_ocsp"] = staple_json(cap);
    o["chain"] = chain_json(r);
    o["probes"] = probes_json(cap);
    o["other_chains"] = other_chains_json(r);
    o["findings"] = findings_json(r.findings);
    o["trust"] = trust_json(r.trust);
    o["rules_version"] = r.rules_version.empty() ? json::value(nullptr) : json::value(str(r.rules_version));
    return o;
}

json::object to_json(const name_result& n) {
    json::object o;
    o["schema_version"] = ndjson_schema_version;
    o["type"] = "name";
    o["target"] = target_json(n.tgt);
    json::array addresses;
    for (const auto& a : n.addresses) addresses.emplace_back(str(a));
    o["addresses"] = std::move(addresses);
    std::optional<severity> worst;
    for (const auto& f : n.findings)
        if (!worst || f.level > *worst) worst = f.level;
    o["status"] = worst ? std::string(to_string(*worst)) : "ok";
    o["findings"] = findings_json(n.findings);
    o["rules_version"] = str(n.rules_version);
    return o;
}

json::object to_json(const input_error& e) {
    return json::object{{"schema_version", ndjson_schema_version},
                        {"type", "input-error"},
                        {"line", e.line_no},
                        {"input", str(e.input)},
                        {"error", str(e.message)}};
}

}  // namespace tlsaudit::report
