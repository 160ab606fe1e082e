#include "text/time_text.hpp"
#include "text/utf8.hpp"
#include <tlsaudit/report/json_records.hpp>
#include <tlsaudit/report/scan_records.hpp>

#include <boost/json/array.hpp>

namespace tlsaudit::report {
namespace {

namespace json = boost::json;

// A setting as typed (a path, a name): not necessarily UTF-8.
json::value text_or_null(const std::string& text) {
    return text.empty() ? json::value(nullptr) : json::value(text::sanitize_utf8(text));
}

json::array strings(const std::vector<std::string>& items) {
    json::array out;
    for (const auto& item : items) out.emplace_back(text::sanitize_utf8(item));
    return out;
}

json::object options_json(const scan_settings& s) {
    json::array ports;
    for (auto port : s.ports) ports.emplace_back(port);
    json::array allow;
    for (const auto& entry : s.fetch_allow) allow.emplace_back(text::sanitize_utf8(entry));
    return json::object{
        {"ports", std::move(ports)},
        {"concurrency", s.concurrency},
        {"threads", s.threads},
        {"rate", s.rate},
        {"retries", s.retries},
        {"ipv4_only", s.ipv4_only},
        {"ipv6_only", s.ipv6_only},
        {"resolver", text_or_null(s.resolver)},
        {"dns_timeout_ms", s.dns_timeout.count()},
        {"connect_timeout_ms", s.connect_timeout.count()},
        {"handshake_timeout_ms", s.handshake_timeout.count()},
        {"starttls_timeout_ms", s.starttls_timeout.count()},
        {"per_host_concurrency", s.per_host_concurrency},
        {"dedupe", s.dedupe},
        {"allow_large_cidr", s.allow_large_cidr},
        {"fail_on", s.fail_on},
        {"fail_on_new", s.fail_on_new},
        {"fail_on_errors", text_or_null(s.fail_on_errors)},
        {"baseline", text_or_null(s.baseline)},
        {"rules", s.rules ? json::value(text::sanitize_utf8(*s.rules)) : json::value(nullptr)},
        {"at", text_or_null(s.at)},
        {"expiry_warn_days", s.expiry_warn_days},
        {"fetch_allow", std::move(allow)},
        {"fetch_allow_private", s.fetch_allow_private},
        {"fetch_max_destinations", s.fetch_max_destinations},
        {"probes", strings(s.probes)},
        {"tls_engine", s.tls_engine},
        {"verify_handshake", s.verify_handshake},
        {"profile", s.profile},
        {"evaluated_at", text::rfc3339(s.evaluated_at)},
        {"fetch_missing", s.fetch_missing},
        {"starttls", text_or_null(s.starttls)},
        {"shard", text_or_null(s.shard)},
        {"revocation", s.revocation ? json::value(json::object{{"mode", s.revocation->hard ? "hard" : "soft"},
                                                               {"depth", s.revocation->depth},
                                                               {"order", strings(s.revocation->order)},
                                                               {"timeout_ms", s.revocation->timeout.count()},
                                                               {"crl_max_bytes", s.revocation->crl_max_bytes}})
                                    : json::value(nullptr)}};
}

std::string trust_text(const trust_sources& t) {
    std::string text = t.system ? "system" : "";
    auto add = [&text](const std::string& part) { text += (text.empty() ? "" : " + ") + part; };
    for (const auto& f : t.ca_files) add("ca-file " + f);
    for (const auto& d : t.ca_dirs) add("ca-dir " + d);
    if (t.lab_roots != 0) add(std::to_string(t.lab_roots) + " lab roots");
    return text;
}

}  // namespace

json::object to_json(const scan_start& start) {
    return json::object{{"schema_version", ndjson_schema_version},
                        {"type", "scan-start"},
                        {"tool", "tlsaudit"},
                        {"version", start.tool_version},
                        {"started_at", text::rfc3339(start.started_at)},
                        {"input", text::sanitize_utf8(start.input)},
                        {"trust_store", text::sanitize_utf8(trust_text(start.trust))},
                        {"options", options_json(start.settings)}};
}

json::object to_json(const scan_end& end) {
    json::object o{{"schema_version", ndjson_schema_version},
                   {"type", "scan-end"},
                   {"finished_at", text::rfc3339(end.finished_at)},
                   {"targets", end.targets},
                   {"endpoints", end.endpoints},
                   {"input_errors", end.input_errors},
                   {"complete", end.complete},
                   {"resumed_targets", end.resumed_targets},
                   {"fetches", json::object{{"destinations", end.fetch_destinations},
                                            {"bytes", end.fetch_bytes},
                                            {"refused", end.fetch_refused}}}};
    if (!end.complete) {
        o["stopped_at_line"] = end.stopped.line;
        o["target_lines_unread"] = end.stopped.unread ? json::value(*end.stopped.unread) : json::value(nullptr);
    }
    if (!end.settings_changed_on_resume.empty()) {
        json::array changed;
        for (const auto& key : end.settings_changed_on_resume) changed.emplace_back(key);
        o["settings_changed_on_resume"] = std::move(changed);
    }
    return o;
}

}  // namespace tlsaudit::report
