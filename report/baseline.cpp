#include "text/ascii.hpp"
#include <tlsaudit/report/baseline.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>

namespace tlsaudit::report {
namespace {

namespace json = boost::json;

std::string str(const json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

void add_findings(baseline& b, const json::object& owner) {
    const auto* target = owner.if_contains("target");
    const auto* findings = owner.if_contains("findings");
    if (!target || !target->is_object() || !findings || !findings->is_array()) return;
    const auto& t = target->get_object();
    const auto* port = t.if_contains("port");
    const auto host = str(t, "host");
    finding_identity key{host,
                         port && port->is_number() ? port->to_number<int>() : 0,
                         "",
                         "",
                         identity_sni(host, str(t, "sni")),
                         str(t, "starttls")};
    for (const auto& item : findings->get_array()) {
        if (!item.is_object()) continue;
        const auto& f = item.get_object();
        key.id = str(f, "id");
        key.cert_sha256.clear();
        if (const auto* cert = f.if_contains("cert"); cert && cert->is_object())
            key.cert_sha256 =
                text::ascii_lower(str(cert->get_object(), "sha256"));  // upper case in report_schema_version 1
        b.findings.emplace(key, baseline_finding{str(f, "severity"), str(f, "message")});
    }
}

// One row of a report's baseline.not_verified: {host, port, id, cert_sha256, severity, message,
// sni, starttls} (the last two absent in older reports: the host itself, direct TLS).
void add_carried(baseline& b, const json::object& row) {
    const auto* port = row.if_contains("port");
    finding_identity key{str(row, "host"), port && port->is_number() ? port->to_number<int>() : 0,
                         str(row, "id"),   text::ascii_lower(str(row, "cert_sha256")),
                         str(row, "sni"),  str(row, "starttls")};
    if (key.host.empty() || key.id.empty()) return;
    b.findings.emplace(std::move(key), baseline_finding{str(row, "severity"), str(row, "message")});
}

finding_identity identity(const std::string& host, int port, const std::string& sni, const std::string& starttls,
                          const finding_row& f) {
    return {host, port, f.id, f.cert_sha256, identity_sni(host, sni), starttls};
}

}  // namespace

baseline load_baseline(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read baseline " + file.string());
    std::stringstream text;
    text << in.rdbuf();
    boost::system::error_code ec;
    const auto doc = json::parse(text.str(), ec);
    if (ec || !doc.is_object() || str(doc.get_object(), "format") != "tlsaudit-report")
        throw std::runtime_error("baseline " + file.string() + " is not a tlsaudit JSON report (--json output)");
    // A newer layout could mark findings wrongly; a report without its endpoints would
    // make every finding new.
    const auto* version = doc.get_object().if_contains("report_schema_version");
    if (!version || !(version->is_int64() || version->is_uint64()) || version->to_number<double>() < 1 ||
        version->to_number<double>() > report_schema_version)
        throw std::runtime_error("baseline " + file.string() + ": report_schema_version is not 1 to " +
                                 std::to_string(report_schema_version) + " (a report of a newer tlsaudit?)");
    const auto* endpoints = doc.get_object().if_contains("endpoints");
    if (!endpoints || !endpoints->is_array())
        throw std::runtime_error("baseline " + file.string() + " has no endpoints: a damaged JSON report");
    baseline b;
    b.source = file.string();
    for (const auto* section : {"endpoints", "names"}) {
        const auto* items = doc.get_object().if_contains(section);
        if (!items || !items->is_array()) continue;
        for (const auto& item : items->get_array())
            if (item.is_object()) add_findings(b, item.get_object());
    }
    // The findings that report carried without seeing them (a server down that day) are
    // still known: a server back up with them is no regression.
    if (const auto* old = doc.get_object().if_contains("baseline"); old && old->is_object())
        if (const auto* rows = old->get_object().if_contains("not_verified"); rows && rows->is_array())
            for (const auto& row : rows->get_array())
                if (row.is_object()) add_carried(b, row.get_object());
    return b;
}

std::string host_port(const std::string& host, int port) {
    return (host.find(':') == std::string::npos ? host : "[" + host + "]") + ":" + std::to_string(port);
}

std::string target_text(const std::string& host, int port, const std::string& sni, const std::string& starttls) {
    const auto shown_sni = identity_sni(host, sni);
    return (starttls.empty() ? "" : starttls + "://") + host_port(host, port) +
           (shown_sni.empty() ? "" : " sni=" + shown_sni);
}

void apply_baseline(report_data& data, const baseline& old) {
    data.has_baseline = true;
    data.baseline_source = old.source;
    std::set<finding_identity> seen;
    auto mark = [&](const std::string& host, int port, const std::string& sni, const std::string& starttls,
                    std::vector<finding_row>& findings) {
        for (auto& f : findings) {
            auto key = identity(host, port, sni, starttls, f);
            f.baseline = old.findings.count(key) ? baseline_state::unchanged : baseline_state::new_finding;
            seen.insert(std::move(key));
        }
    };
    // The site of a finding's identity (host, port, SNI, STARTTLS) -> every endpoint of it was
    // scanned. Another site of the same host and port (a virtual host, the port over STARTTLS)
    // proves nothing about this one.
    using site = std::tuple<std::string, int, std::string, std::string>;
    std::map<site, bool> looked;
    for (auto& e : data.endpoints) {
        mark(e.host, e.port, e.sni, e.starttls, e.findings);
        bool& all_scanned =
            looked.try_emplace({e.host, e.port, identity_sni(e.host, e.sni), e.starttls}, true).first->second;
        all_scanned = all_scanned && e.error_code.empty();
    }
    for (auto& n : data.names) mark(n.host, n.port, n.sni, n.starttls, n.findings);
    data.resolved.clear();
    data.not_verified.clear();
    for (const auto& [key, f] : old.findings) {
        if (seen.count(key)) continue;
        const auto at = looked.find({key.host, key.port, key.sni, key.starttls});
        auto& list = at != looked.end() && at->second ? data.resolved : data.not_verified;
        list.push_back({key.host, key.port, key.id, key.cert_sha256, f.severity, f.message, key.sni, key.starttls});
    }
}

}  // namespace tlsaudit::report
