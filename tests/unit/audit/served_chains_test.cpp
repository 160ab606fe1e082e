// merge_other_chains on plain data: findings of the chains other probes received are
// labelled with their chain and clients, and multiple-chains says whether they differ.

#include <tlsaudit/audit.hpp>

#include <gtest/gtest.h>

namespace tlsaudit::audit {
namespace {

finding make_finding(std::string id, std::string message) {
    finding f;
    f.id = std::move(id);
    f.level = severity::high;
    f.message = std::move(message);
    return f;
}

endpoint_result dual_result() {
    endpoint_result r;
    r.cap.chain = {bytes{1}};
    r.cap.other_chains.push_back(served_chain{{bytes{2}}, {}, "TLSv1.2", "ECDHE-RSA-AES128-GCM-SHA256", ""});
    r.cap.probes = {probe_outcome{"modern", 0, "capture", "", std::nullopt},
                    probe_outcome{"rsa", 1, "capture", "", std::nullopt},
                    probe_outcome{"no-sni", 0, "capture", "", std::nullopt}};
    r.other_chains.push_back(other_chain_result(r, r.cap.other_chains[0]));
    return r;
}

const finding* find(const endpoint_result& r, const std::string& id, int chain) {
    for (const auto& f : r.findings)
        if (f.id == id && f.chain == chain) return &f;
    return nullptr;
}

TEST(served_chains, clients_are_named_per_chain) {
    const auto r = dual_result();
    EXPECT_EQ(clients_of_chain(r.cap, 0), "modern clients and clients that send no SNI");
    EXPECT_EQ(clients_of_chain(r.cap, 1), "RSA-only clients");
    EXPECT_EQ(r.other_chains[0].cap.chain, r.cap.other_chains[0].chain);
    EXPECT_EQ(r.other_chains[0].cap.protocol, "TLSv1.2");
}

TEST(served_chains, other_chain_findings_are_labelled_and_raise_multiple_chains_to_medium) {
    auto r = dual_result();
    r.other_chains[0].findings.push_back(make_finding("deprecated-intermediate", "retired intermediate"));
    merge_other_chains(r, default_catalogue());
    const finding* moved = find(r, "deprecated-intermediate", 1);
    ASSERT_NE(moved, nullptr);
    EXPECT_EQ(moved->message, "served to RSA-only clients: retired intermediate");
    EXPECT_EQ(find(r, "deprecated-intermediate", 0), nullptr);
    const finding* multiple = find(r, "multiple-chains", 0);
    ASSERT_NE(multiple, nullptr);
    EXPECT_EQ(multiple->level, severity::medium);
    EXPECT_NE(multiple->message.find("differ in findings (chain 1: deprecated-intermediate)"), std::string::npos)
        << multiple->message;
}

TEST(served_chains, chains_with_the_same_findings_are_low) {
    auto r = dual_result();
    r.findings.push_back(make_finding("cert-expiring", "soon"));
    r.other_chains[0].findings.push_back(make_finding("cert-expiring", "soon too"));
    merge_other_chains(r, default_catalogue());
    const finding* multiple = find(r, "multiple-chains", 0);
    ASSERT_NE(multiple, nullptr);
    EXPECT_EQ(multiple->level, severity::low);
    EXPECT_EQ(r.findings.size(), 3u);
}

TEST(served_chains, one_chain_adds_nothing) {
    endpoint_result r;
    r.cap.chain = {bytes{1}};
    r.findings.push_back(make_finding("cert-expiring", "soon"));
    merge_other_chains(r, default_catalogue());
    EXPECT_EQ(r.findings.size(), 1u);
}

}  // namespace
}  // namespace tlsaudit::audit
