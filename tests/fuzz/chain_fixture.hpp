#pragma once
// The fixed world the chain and rules fuzz targets judge against: a trust store holding
// the real public roots of tests/data/real/ (and no system store, so results do not
// depend on the machine), a fixed evaluation time, and helpers to run parse + verify +
// audit + JSON record on a chain the way `tlsaudit check` does.

#include "fuzz_support.hpp"

#include <tlsaudit/audit.hpp>
#include <tlsaudit/report/json_records.hpp>
#include <tlsaudit/rules.hpp>
#include <tlsaudit/trust.hpp>
#include <tlsaudit/x509.hpp>

#include <boost/json/serialize.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace tlsaudit::fuzz {

// 2024-12-01T00:00:00Z: after the Entrust distrust dates, before most notAfters.
inline time_point fixed_time() { return std::chrono::sys_days{std::chrono::year{2024} / 12 / 1}; }

inline const std::vector<const char*>& real_roots() {
    static const std::vector<const char*> names = {"globalsign-root-ca-r3.pem", "entrust-root-ca-g2.pem",
                                                   "entrust-root-ca-2006.pem",  "entrust-root-ca-ec1.pem",
                                                   "entrust-net-ca-2048.pem",   "entrust-root-ca-g4.pem"};
    return names;
}

inline const x509::trust_store& fixed_store() {
    static const x509::trust_store store = [] {
        x509::trust_options o;
        o.system_default = false;
        for (const char* name : real_roots()) {
            const bytes pem = read_fixture(std::string("../data/real/") + name);
            for (auto& der : x509::pem_to_der(std::string_view(reinterpret_cast<const char*>(pem.data()), pem.size())))
                o.extra_roots.push_back(std::move(der));
        }
        return x509::trust_store(o);
    }();
    return store;
}

// Parses, validates and audits `chain` for `name` with `rules`, then renders the
// endpoint record; checks what the audit promises about every finding.
inline void audit_and_render(std::vector<bytes> chain, std::string_view name, const audit::catalogue& rules) {
    endpoint_result r;
    r.ep.tgt.host = std::string(name);
    r.ep.tgt.sni = std::string(name);
    r.ep.address = "127.0.0.1";
    r.cap.chain = std::move(chain);
    r.cap.scanned_at = fixed_time();
    for (const auto& der : r.cap.chain) {
        parsed_cert p;
        p.info = x509::parse_certificate(der, p.error);
        require(p.info.has_value() || !p.error.empty(), "parse failure without a reason");
        if (p.info) {
            require(p.info->sha256.size() == 64, "sha256 is 64 hex digits");
            (void)audit::hostname_matches(*p.info, name);
        }
        r.certs.push_back(std::move(p));
    }
    const chain_verdict verdict = fixed_store().verify(r.cap.chain, fixed_time());
    require(verdict.path.empty() || !verdict.path.front().der.empty(), "path certificate without DER");
    audit::options opts;
    r.findings = audit::audit_endpoint(r, fixed_time(), &verdict, rules, opts);
    for (const auto& f : r.findings) {
        require(!f.id.empty(), "finding without an id");
        if (f.cert && f.cert->position >= 0)
            require(static_cast<std::size_t>(f.cert->position) < r.cap.chain.size(), "finding position past the chain");
    }
    (void)audit::status_of(r);
    const std::string json = boost::json::serialize(report::to_json(r));
    require(!json.empty(), "empty JSON record");
}

}  // namespace tlsaudit::fuzz
