#pragma once
// What the sinks receive for one endpoint: the capture, the parsed chain, and what the
// later stages (revocation, audit) concluded.

#include <tlsaudit/finding.hpp>
#include <tlsaudit/geo_info.hpp>
#include <tlsaudit/model.hpp>
#include <tlsaudit/program_verdict.hpp>

#include <algorithm>
#include <optional>
#include <vector>

namespace tlsaudit {

struct endpoint_result {
    endpoint ep{};
    capture cap{};
    std::vector<parsed_cert> certs{};                            // parallel to cap.chain
    std::vector<std::optional<revocation_status>> revocation{};  // parallel to cap.chain; empty: not checked
    std::vector<finding> findings{};
    std::string rules_version{};           // version of the rules catalogue behind the findings; "": not audited
    std::optional<geo_info> geo{};         // country / ASN / address class (scanner/geo); nullopt: not enriched
    std::optional<program_trust> trust{};  // per root program (audit::judge_programs); nullopt: not audited
    // One result per capture::other_chains entry, in order: that chain alone as its cap
    // (chain, staple, protocol; no probes), parsed, checked and audited like this one.
    // Their findings are also in `findings`, with finding::chain set (audit::merge_other_chains).
    std::vector<endpoint_result> other_chains{};

    // The highest severity among the findings; nullopt when there are none.
    std::optional<severity> worst() const {
        std::optional<severity> w;
        for (const auto& f : findings)
            if (!w || f.level > *w) w = f.level;
        return w;
    }
};

// Conclusions about a name as a whole, across the endpoints (addresses) behind one
// target, e.g. inconsistent-deployment. Written after the endpoint records.
struct name_result {
    target tgt{};
    std::vector<std::string> addresses{};  // endpoints that served a chain
    std::vector<finding> findings{};
    std::string rules_version{};
};

}  // namespace tlsaudit
