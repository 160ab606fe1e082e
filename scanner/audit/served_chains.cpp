// Chains served to different probes: an endpoint with an ECDSA and an RSA certificate
// sends each to the clients that ask for it, so each chain is audited and its findings
// name the clients that receive it.

#include <tlsaudit/audit.hpp>
#include <tlsaudit/finding_catalogue.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <set>

namespace tlsaudit::audit {
namespace {

std::set<std::string> finding_ids(const std::vector<finding>& findings) {
    std::set<std::string> ids;
    for (const auto& f : findings) ids.insert(f.id);
    return ids;
}

std::string describe_chain(const endpoint_result& r) {
    if (r.certs.empty() || !r.certs.front().info) return "an unparsable leaf";
    const auto& leaf = *r.certs.front().info;
    const std::string issuer = leaf.issuer_cn.empty() ? leaf.issuer : leaf.issuer_cn;
    return fmt::format("leaf {}… ({}, {} {}) issued by {}", leaf.sha256.substr(0, 16), leaf.subject_cn, leaf.key_type,
                       leaf.key_bits, issuer);
}

std::optional<scan_error> undecodable(const std::vector<parsed_cert>& certs) {
    for (std::size_t i = 0; i < certs.size(); ++i) {
        if (certs[i].info) continue;
        return scan_error{"handshake", error_codes::bad_certificate,
                          fmt::format("certificate [{}] of the {} served cannot be decoded: {} (kept as sent)", i,
                                      certs.size(), certs[i].error)};
    }
    return std::nullopt;
}

}  // namespace

std::string_view clients_of_probe(std::string_view name) {
    if (name == "modern") return "modern clients";
    if (name == "rsa") return "RSA-only clients";
    if (name == "ecdsa") return "ECDSA-only clients";
    if (name == "tls12") return "TLS 1.2 clients";
    if (name == "no-sni") return "clients that send no SNI";
    return name;
}

std::string clients_of_chain(const capture& cap, int chain) {
    std::vector<std::string_view> clients;
    for (const auto& p : cap.probes)
        if (p.chain == chain) clients.push_back(clients_of_probe(p.probe));
    if (clients.empty()) return "no probe";
    if (clients.size() == 1) return std::string(clients.front());
    return fmt::format("{} and {}", fmt::join(clients.begin(), clients.end() - 1, ", "), clients.back());
}

void refuse_undecodable_chains(endpoint_result& result) {
    if (auto bad = undecodable(result.certs)) {
        if (!result.cap.error) result.cap.error = bad;
        for (auto& p : result.cap.probes)  // the probes that received it failed, as libssl's do
            if (p.chain == 0) {
                if (!p.error) p.error = bad;
                p.chain = -1;  // as a failed probe of either engine: the record keeps the chain as sent
            }
    }
    std::vector<int> index_of(result.other_chains.size() + 1, 0);  // chain index before, after (-1: dropped)
    std::size_t kept = 0;
    for (std::size_t k = 0; k < result.other_chains.size(); ++k) {
        const int before = static_cast<int>(k) + 1;
        if (auto bad = undecodable(result.other_chains[k].certs)) {
            index_of[k + 1] = -1;
            for (auto& p : result.cap.probes)
                if (p.chain == before) p.error = bad;
            continue;
        }
        index_of[k + 1] = static_cast<int>(kept) + 1;
        if (kept != k) {
            result.other_chains[kept] = std::move(result.other_chains[k]);
            result.cap.other_chains[kept] = std::move(result.cap.other_chains[k]);
        }
        ++kept;
    }
    result.other_chains.resize(kept);
    result.cap.other_chains.resize(kept);
    for (auto& p : result.cap.probes)
        if (p.chain > 0) p.chain = index_of[static_cast<std::size_t>(p.chain)];
}

endpoint_result other_chain_result(const endpoint_result& parent, const served_chain& served) {
    endpoint_result r;
    r.ep = parent.ep;
    r.cap.chain = served.chain;
    r.cap.stapled_ocsp = served.stapled_ocsp;
    r.cap.protocol = served.protocol;
    r.cap.cipher = served.cipher;
    r.cap.alpn = served.alpn;
    r.cap.scanned_at = parent.cap.scanned_at;
    r.geo = parent.geo;
    return r;
}

void merge_other_chains(endpoint_result& result, const catalogue& rules) {
    if (result.other_chains.empty()) return;
    const auto first_ids = finding_ids(result.findings);
    std::vector<std::string> differing;
    std::string chains = fmt::format("chain 0 ({}) to {}", describe_chain(result), clients_of_chain(result.cap, 0));
    for (std::size_t k = 0; k < result.other_chains.size(); ++k) {
        const int index = static_cast<int>(k) + 1;
        const auto& other = result.other_chains[k];
        const std::string clients = clients_of_chain(result.cap, index);
        chains += fmt::format("; chain {} ({}) to {}", index, describe_chain(other), clients);
        const auto ids = finding_ids(other.findings);
        if (ids != first_ids) {
            std::vector<std::string> only;
            std::set_symmetric_difference(ids.begin(), ids.end(), first_ids.begin(), first_ids.end(),
                                          std::back_inserter(only));
            differing.push_back(fmt::format("chain {}: {}", index, fmt::join(only, ", ")));
        }
        for (finding f : other.findings) {
            f.chain = index;
            f.message = fmt::format("served to {}: {}", clients, f.message);
            result.findings.push_back(std::move(f));
        }
    }
    constexpr known_finding kind = "multiple-chains";
    finding f;
    f.id = kind.id();
    f.level = rules.level_of(f.id, differing.empty() ? kind.default_level() : severity::medium);
    f.message = fmt::format("the endpoint serves {} different chains: {}{}", result.other_chains.size() + 1, chains,
                            differing.empty()
                                ? std::string()
                                : fmt::format(". The chains differ in findings ({})", fmt::join(differing, "; ")));
    f.remediation =
        "Every certificate configured on the server reaches some clients (nginx: each ssl_certificate line; load "
        "balancers: each certificate of the list). Replace or remove the ones with findings, so that every client "
        "receives a current chain.";
    result.findings.push_back(std::move(f));
}

}  // namespace tlsaudit::audit
