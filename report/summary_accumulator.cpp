#include <tlsaudit/report/ndjson_reader.hpp>
#include <tlsaudit/report/summary_accumulator.hpp>

#include <string>
#include <utility>

namespace tlsaudit::report {
namespace {

// The certificate fields the summary reads: where a finding points (cert_of), the
// certificate's identity and the date that bounds its fix.
std::vector<cert_row> certs_summarised(std::vector<cert_row>& chain) {
    std::vector<cert_row> out(chain.size());
    for (std::size_t i = 0; i < chain.size(); ++i) {
        out[i].position = chain[i].position;
        out[i].sha256 = std::move(chain[i].sha256);
        out[i].not_after = std::move(chain[i].not_after);
    }
    return out;
}

endpoint_row summarised(endpoint_row&& e) {
    endpoint_row row;
    row.host = std::move(e.host);
    row.port = e.port;
    row.sni = std::move(e.sni);
    row.starttls = std::move(e.starttls);
    row.address = std::move(e.address);
    row.status = std::move(e.status);
    row.error_code = std::move(e.error_code);
    row.chain = certs_summarised(e.chain);
    for (auto& other : e.other_chains) {
        auto& kept = row.other_chains.emplace_back();
        kept.index = other.index;
        kept.chain = certs_summarised(other.chain);
    }
    row.findings = std::move(e.findings);
    row.trust = std::move(e.trust);
    return row;
}

}  // namespace

void summary_accumulator::add(const boost::json::object& record) {
    std::lock_guard lock(mutex_);
    const std::size_t endpoints = data_.endpoints.size();
    add_record(record, "record " + std::to_string(++records_) + ": ", data_);
    if (data_.endpoints.size() == endpoints) return;
    auto& e = data_.endpoints.back();
    if (e.error_code.empty() && e.findings.empty()) {
        data_.unlisted_trust.add(e.trust);
        data_.endpoints.pop_back();
        ++data_.unlisted_scanned;
        return;
    }
    e = summarised(std::move(e));
}

report_data summary_accumulator::finish() {
    std::lock_guard lock(mutex_);
    report_data out = std::move(data_);
    finish_merge(out);
    return out;
}

}  // namespace tlsaudit::report
