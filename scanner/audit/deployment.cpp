// inconsistent-deployment: the addresses behind one name serve different chains.

#include <tlsaudit/audit.hpp>
#include <tlsaudit/finding_catalogue.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

namespace tlsaudit::audit {

namespace {

// Every chain a node served, sorted: two nodes agree when these are equal, whichever
// probe received which.
std::vector<std::vector<std::string>> chain_set(const node_chain& n) {
    std::vector<std::vector<std::string>> set{n.chain_sha256};
    for (const auto& other : n.others) set.push_back(other.chain_sha256);
    std::sort(set.begin(), set.end());
    return set;
}

std::string describe(const node_chain& c, bool with_clients) {
    std::string via;
    for (const auto& cn : c.intermediate_cns) via += (via.empty() ? "" : " / ") + cn;
    return fmt::format("leaf {}… ({}){}{}", c.chain_sha256.empty() ? "?" : c.chain_sha256.front().substr(0, 16),
                       c.leaf_subject, via.empty() ? ", no intermediate" : " via " + via,
                       with_clients && !c.clients.empty() ? " to " + c.clients : "");
}

node_chain node_of_chain(const std::vector<parsed_cert>& certs) {
    node_chain chain;
    for (std::size_t i = 0; i < certs.size(); ++i) {
        const auto& info = certs[i].info;
        chain.chain_sha256.push_back(info ? info->sha256 : "unparsable#" + std::to_string(i));
        if (i == 0 && info) chain.leaf_subject = info->subject;
        if (i > 0 && info) chain.intermediate_cns.push_back(info->subject_cn);
    }
    return chain;
}

// A probe that got no answer (what it would have received is unknown), as against one the
// server answered: an alert, something that is not TLS, a chain too large to keep.
bool no_answer(const scan_error& e) {
    static constexpr const char* codes[] = {
        error_codes::timeout_connect, error_codes::timeout_handshake, error_codes::timeout_starttls, error_codes::reset,
        error_codes::closed,          error_codes::refused,           error_codes::unreachable};
    return std::any_of(std::begin(codes), std::end(codes), [&](const char* c) { return e.code == c; });
}

node_chain node_of(const endpoint_result& result) {
    node_chain node = node_of_chain(result.certs);
    node.address = result.ep.address;
    node.clients = clients_of_chain(result.cap, 0);
    for (const auto& p : result.cap.probes)
        if (p.chain < 0 && p.error && no_answer(*p.error))
            node.unknown += fmt::format("{}{} ({})", node.unknown.empty() ? "" : ", ", p.probe, p.error->code);
    for (std::size_t k = 0; k < result.other_chains.size(); ++k) {
        node.others.push_back(node_of_chain(result.other_chains[k].certs));
        node.others.back().clients = clients_of_chain(result.cap, static_cast<int>(k) + 1);
    }
    return node;
}

}  // namespace

std::optional<finding> audit_deployment(std::string_view name, std::span<const node_chain> nodes,
                                        const catalogue& rules, std::size_t addresses, std::size_t scanned) {
    if (nodes.size() < 2) return std::nullopt;
    // Group addresses by every chain they serve (leaf and intermediates, to any probe).
    struct group {
        const node_chain* node;
        std::vector<std::vector<std::string>> chains;
        std::vector<std::string> addresses;
    };
    std::vector<group> groups;
    bool several = false;  // a node served more than one chain: say who receives each
    // The nodes known in full first; then each node known in part joins the first group
    // that serves all it served (a probe that timed out there may have had the rest).
    std::vector<const node_chain*> order;
    for (const auto& n : nodes)
        if (n.unknown.empty()) order.push_back(&n);
    for (const auto& n : nodes)
        if (!n.unknown.empty()) order.push_back(&n);
    for (const auto* n : order) {
        several = several || !n->others.empty();
        auto chains = chain_set(*n);
        auto it = std::find_if(groups.begin(), groups.end(), [&](const group& g) {
            return n->unknown.empty() ? g.chains == chains
                                      : std::includes(g.chains.begin(), g.chains.end(), chains.begin(), chains.end());
        });
        if (it == groups.end()) groups.push_back({n, std::move(chains), {n->address}});
        else it->addresses.push_back(n->address);
    }
    if (groups.size() < 2) return std::nullopt;

    std::string detail, unknown;
    for (const auto* n : order)
        if (!n->unknown.empty())
            unknown += fmt::format("{}{} at {}", unknown.empty() ? "" : "; ", n->unknown, n->address);
    for (auto& g : groups) {
        std::sort(g.addresses.begin(), g.addresses.end());
        std::string served = describe(*g.node, several);
        for (const auto& other : g.node->others) served += " and " + describe(other, several);
        detail += fmt::format("{}{} serve{} {}", detail.empty() ? "" : "; ", fmt::join(g.addresses, ", "),
                              g.addresses.size() == 1 ? "s" : "", served);
    }
    constexpr known_finding kind = "inconsistent-deployment";
    finding f;
    f.id = kind.id();
    f.level = rules.level_of(f.id, kind.default_level());
    const std::size_t in_all = std::max({addresses, scanned, nodes.size()});
    const std::size_t tried = scanned == 0 ? in_all : std::max(scanned, nodes.size());
    std::vector<std::string> notes;
    if (tried < in_all) notes.push_back(fmt::format("{} of them scanned before the scan stopped", tried));
    if (tried > nodes.size()) notes.push_back(fmt::format("{} served none", tried - nodes.size()));
    f.message =
        fmt::format("the {} addresses behind {} serve {} different chain{}{}: {}{}", in_all, name, groups.size(),
                    several ? " sets" : "s", notes.empty() ? "" : fmt::format(" ({})", fmt::join(notes, "; ")), detail,
                    unknown.empty() ? "" : fmt::format(" (no answer to probes, so known in part: {})", unknown));
    f.remediation =
        "Some nodes were not redeployed: install the same, current certificate and full chain on every address "
        "behind this name (load balancer members, CDN origins, IPv4 and IPv6).";
    return f;
}

std::optional<name_result> deployment_tracker::judge(entry& e, const catalogue& rules) {
    if (e.nodes.size() < 2) return std::nullopt;
    // The name resolved is the host; an SNI override is the name the servers were asked for.
    const std::string name = e.tgt.sni.empty() || e.tgt.sni == e.tgt.host
                                 ? fmt::format("{}:{}", e.tgt.host, e.tgt.port)
                                 : fmt::format("{}:{} (SNI {})", e.tgt.host, e.tgt.port, e.tgt.sni);
    auto f = audit_deployment(name, e.nodes, rules, e.expected, e.seen);
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
        auto [it, inserted] = open_.try_emplace(result.ep.tgt.key() + '|' + std::to_string(result.ep.tgt.line_no));
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
