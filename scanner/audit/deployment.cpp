// inconsistent-deployment: the addresses behind one name serve different chains.

#include <tlsaudit/audit.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

namespace tlsaudit::audit {

std::optional<finding> audit_deployment(std::string_view name, std::span<const node_chain> nodes,
                                        const catalogue& rules) {
    if (nodes.size() < 2) return std::nullopt;
    // Group addresses by the exact chain they serve (leaf and intermediates).
    std::vector<std::pair<const node_chain*, std::vector<std::string>>> groups;
    for (const auto& n : nodes) {
        auto it = std::find_if(groups.begin(), groups.end(),
                               [&](const auto& g) { return g.first->chain_sha256 == n.chain_sha256; });
        if (it == groups.end()) groups.push_back({&n, {n.address}});
        else it->second.push_back(n.address);
    }
    if (groups.size() < 2) return std::nullopt;

    std::string detail;
    for (auto& [chain, addresses] : groups) {
        std::sort(addresses.begin(), addresses.end());
        std::string via;
        for (const auto& cn : chain->intermediate_cns) via += (via.empty() ? "" : " / ") + cn;
        detail += fmt::format("{}{} serve{} leaf {}… ({}){}", detail.empty() ? "" : "; ", fmt::join(addresses, ", "),
                              addresses.size() == 1 ? "s" : "",
                              chain->chain_sha256.empty() ? "?" : chain->chain_sha256.front().substr(0, 16),
                              chain->leaf_subject, via.empty() ? ", no intermediate" : " via " + via);
    }
    finding f;
    f.id = "inconsistent-deployment";
    f.level = rules.level_of(f.id, severity::high);
    f.message = fmt::format("the {} addresses behind {} serve {} different chains: {}", nodes.size(), name,
                            groups.size(), detail);
    f.remediation =
        "Some nodes were not redeployed: install the same, current certificate and full chain on every address "
        "behind this name (load balancer members, CDN origins, IPv4 and IPv6).";
    return f;
}

void deployment_tracker::add(const endpoint_result& result) {
    if (result.cap.error || result.cap.chain.empty()) return;
    node_chain chain;
    std::string key;
    for (std::size_t i = 0; i < result.certs.size(); ++i) {
        const auto& info = result.certs[i].info;
        chain.chain_sha256.push_back(info ? info->sha256 : "unparsable#" + std::to_string(i));
        key += chain.chain_sha256.back() + '|';
        if (i == 0 && info) chain.leaf_subject = info->subject;
        if (i > 0 && info) chain.intermediate_cns.push_back(info->subject_cn);
    }
    std::lock_guard lock(mutex_);
    auto [chain_it, new_chain] = chain_index_.try_emplace(std::move(key), chains_.size());
    if (new_chain) chains_.push_back(std::move(chain));
    auto [it, inserted] = index_.try_emplace(result.ep.tgt.key(), entries_.size());
    if (inserted) entries_.push_back({result.ep.tgt, {}});
    entries_[it->second].nodes.emplace_back(result.ep.address, chain_it->second);
}

std::vector<name_result> deployment_tracker::finish(const catalogue& rules) {
    std::lock_guard lock(mutex_);
    std::vector<name_result> out;
    for (auto& e : entries_) {
        if (e.nodes.size() < 2) continue;
        std::vector<node_chain> nodes;
        for (const auto& [address, chain] : e.nodes) {
            nodes.push_back(chains_[chain]);
            nodes.back().address = address;
        }
        const std::string& name = e.tgt.sni.empty() ? e.tgt.host : e.tgt.sni;
        auto f = audit_deployment(fmt::format("{}:{}", name, e.tgt.port), nodes, rules);
        if (!f) continue;
        name_result r;
        r.tgt = e.tgt;
        r.rules_version = rules.version;
        for (const auto& n : nodes) r.addresses.push_back(n.address);
        std::sort(r.addresses.begin(), r.addresses.end());
        r.findings.push_back(std::move(*f));
        out.push_back(std::move(r));
    }
    entries_.clear();
    index_.clear();
    chains_.clear();
    chain_index_.clear();
    return out;
}

}  // namespace tlsaudit::audit
