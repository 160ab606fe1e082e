// inconsistent-deployment: the addresses behind one name serve different chains.

#include <tlsaudit/audit.hpp>
#include <tlsaudit/finding_catalogue.hpp>

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
    constexpr known_finding kind = "inconsistent-deployment";
    finding f;
    f.id = kind.id();
    f.level = rules.level_of(f.id, kind.default_level());
    f.message = fmt::format("the {} addresses behind {} serve {} different chains: {}", nodes.size(), name,
                            groups.size(), detail);
    f.remediation =
        "Some nodes were not redeployed: install the same, current certificate and full chain on every address "
        "behind this name (load balancer members, CDN origins, IPv4 and IPv6).";
    return f;
}

namespace {

node_chain node_of(const endpoint_result& result) {
    node_chain chain;
    chain.address = result.ep.address;
    for (std::size_t i = 0; i < result.certs.size(); ++i) {
        const auto& info = result.certs[i].info;
        chain.chain_sha256.push_back(info ? info->sha256 : "unparsable#" + std::to_string(i));
        if (i == 0 && info) chain.leaf_subject = info->subject;
        if (i > 0 && info) chain.intermediate_cns.push_back(info->subject_cn);
    }
    return chain;
}

}  // namespace

std::optional<name_result> deployment_tracker::judge(entry& e, const catalogue& rules) {
    if (e.nodes.size() < 2) return std::nullopt;
    const std::string& name = e.tgt.sni.empty() ? e.tgt.host : e.tgt.sni;
    auto f = audit_deployment(fmt::format("{}:{}", name, e.tgt.port), e.nodes, rules);
    if (!f) return std::nullopt;
    name_result r;
    r.tgt = std::move(e.tgt);
    r.rules_version = rules.version;
    for (const auto& n : e.nodes) r.addresses.push_back(n.address);
    std::sort(r.addresses.begin(), r.addresses.end());
    r.findings.push_back(std::move(*f));
    return r;
}

std::optional<name_result> deployment_tracker::add(const endpoint_result& result, const catalogue& rules) {
    if (result.ep.address_count < 2) return std::nullopt;  // one address cannot disagree with itself
    const bool served = !result.cap.error && !result.cap.chain.empty();
    std::optional<node_chain> node;
    if (served) node = node_of(result);
    entry done;
    {
        std::lock_guard lock(mutex_);
        auto [it, inserted] = open_.try_emplace(result.ep.tgt.key());
        entry& e = it->second;
        if (inserted) {
            e.tgt = result.ep.tgt;
            e.expected = result.ep.address_count;
        }
        ++e.seen;
        if (node) e.nodes.push_back(std::move(*node));
        if (e.seen < e.expected) return std::nullopt;
        done = std::move(e);
        open_.erase(it);
    }
    return judge(done, rules);  // outside the lock: formatting the finding takes a while
}

std::vector<name_result> deployment_tracker::finish(const catalogue& rules) {
    std::lock_guard lock(mutex_);
    std::vector<name_result> out;
    for (auto& [key, e] : open_) {
        if (auto r = judge(e, rules)) out.push_back(std::move(*r));
    }
    open_.clear();
    // Unordered map: give the leftovers a stable order.
    std::sort(out.begin(), out.end(),
              [](const name_result& a, const name_result& b) { return a.tgt.key() < b.tgt.key(); });
    return out;
}

}  // namespace tlsaudit::audit
