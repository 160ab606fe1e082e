#include "text/utf8.hpp"
#include <tlsaudit/report/csv_report.hpp>

#include <initializer_list>

namespace tlsaudit::report {
namespace {

void row(std::ostream& out, std::initializer_list<std::string_view> cells) {
    bool first = true;
    for (auto c : cells) {
        if (!first) out << ',';
        first = false;
        out << csv_cell(c);
    }
    out << "\r\n";
}

}  // namespace

std::string csv_cell(std::string_view raw) {
    // Controls a reader would take for binary, or that hide text, are shown as escapes; a
    // cell stays within what a spreadsheet holds (32,767 characters).
    const std::string text = text::shorten(text::show_invisible_controls(raw), 32000);
    std::string value;
    if (!text.empty() && std::string_view("=+-@\t\r").find(text.front()) != std::string_view::npos) value = "'";
    value += text;
    if (value.find_first_of(",\"\r\n") == std::string::npos) return value;
    std::string quoted = "\"";
    for (char c : value) {
        if (c == '"') quoted += '"';
        quoted += c;
    }
    return quoted + '"';
}

void write_csv_report(const report_data& data, std::ostream& out) {
    row(out, {"kind", "host", "port", "starttls", "sni", "address", "status", "error", "protocol", "leaf_subject",
              "leaf_issuer", "leaf_not_after", "leaf_sha256", "finding", "severity", "baseline", "cert_sha256",
              "message", "remediation"});
    for (const auto& e : data.endpoints) {
        const auto port = std::to_string(e.port);
        const std::string error = e.error_code.empty() ? "" : e.error_code + ": " + e.error_detail;
        auto endpoint_row = [&](const finding_row* f) {
            const std::string level = f ? std::string(to_string(f->level)) : "";
            // The leaf and protocol of the chain the finding is about: a finding on a chain
            // served to other probes (RSA-only clients) names that chain's leaf to reissue.
            const std::vector<cert_row>* chain = &e.chain;
            const std::string* protocol = &e.protocol;
            if (f && f->chain > 0)
                for (const auto& other : e.other_chains)
                    if (other.index == f->chain) {
                        chain = &other.chain;
                        protocol = &other.protocol;
                    }
            const cert_row* leaf = chain->empty() ? nullptr : &chain->front();
            row(out, {"endpoint", e.host, port, e.starttls, e.sni, e.address, e.status, error, *protocol,
                      leaf ? leaf->subject : "", leaf ? leaf->issuer : "", leaf ? leaf->not_after : "",
                      leaf ? leaf->sha256 : "", f ? f->id : "", level, f ? to_string(f->baseline) : "",
                      f ? f->cert_sha256 : "", f ? f->message : "", f ? f->remediation : ""});
        };
        if (e.findings.empty()) endpoint_row(nullptr);
        for (const auto& f : e.findings) endpoint_row(&f);
    }
    for (const auto& n : data.names) {
        const auto port = std::to_string(n.port);
        for (const auto& f : n.findings)
            row(out, {"name", n.host, port, n.starttls, n.sni, "", n.status, "", "", "", "", "", "", f.id,
                      to_string(f.level), to_string(f.baseline), f.cert_sha256, f.message, f.remediation});
    }
}

}  // namespace tlsaudit::report
