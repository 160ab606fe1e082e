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

parsed_cert decoded() {
    parsed_cert p;
    p.info.emplace();
    return p;
}

parsed_cert undecodable() { return parsed_cert{std::nullopt, "not a certificate"}; }

// Three chains (modern, rsa, ecdsa): the middle one cannot be decoded.
TEST(served_chains, a_chain_that_cannot_be_decoded_fails_its_probes_and_the_next_moves_up) {
    auto r = dual_result();
    r.cap.other_chains.push_back(served_chain{{bytes{3}}, {}, "TLSv1.2", "ECDHE-ECDSA-AES128-GCM-SHA256", ""});
    r.cap.probes.push_back(probe_outcome{"ecdsa", 2, "capture", "", std::nullopt});
    r.other_chains.push_back(other_chain_result(r, r.cap.other_chains[1]));
    r.certs = {decoded()};
    r.other_chains[0].certs = {decoded(), undecodable()};
    r.other_chains[1].certs = {decoded()};
    refuse_undecodable_chains(r);
    EXPECT_FALSE(r.cap.error);
    ASSERT_EQ(r.cap.other_chains.size(), 1u);
    ASSERT_EQ(r.other_chains.size(), 1u);
    EXPECT_EQ(r.cap.other_chains[0].chain, (std::vector<bytes>{bytes{3}}));
    EXPECT_EQ(r.other_chains[0].cap.chain, (std::vector<bytes>{bytes{3}}));
    EXPECT_EQ(r.cap.probes[0].chain, 0);
    EXPECT_EQ(r.cap.probes[1].chain, -1);
    ASSERT_TRUE(r.cap.probes[1].error);
    EXPECT_EQ(r.cap.probes[1].error->code, "bad-certificate");
    EXPECT_EQ(r.cap.probes[1].error->detail,
              "certificate [1] of the 2 served cannot be decoded: not a certificate (kept as sent)");
    EXPECT_EQ(r.cap.probes[3].chain, 1) << "the ECDSA chain moved up";
}

TEST(served_chains, a_first_chain_that_cannot_be_decoded_fails_the_capture) {
    auto r = dual_result();
    r.certs = {decoded(), undecodable(), decoded()};
    r.other_chains[0].certs = {decoded()};
    refuse_undecodable_chains(r);
    ASSERT_TRUE(r.cap.error);
    EXPECT_EQ(r.cap.error->code, "bad-certificate");
    EXPECT_EQ(r.cap.error->detail,
              "certificate [1] of the 3 served cannot be decoded: not a certificate (kept as sent)");
    EXPECT_EQ(r.cap.chain.size(), 1u) << "kept as sent";
    EXPECT_EQ(status_of(r), "error");
    for (const auto& p : r.cap.probes)  // the probes that received it failed (no chain, as libssl's); the other
        EXPECT_EQ(p.error.has_value(), p.chain == -1) << p.probe;  // chain's did not
    EXPECT_EQ(r.cap.probes[0].chain, -1);

    auto failed = dual_result();
    failed.cap.error = scan_error{"handshake", "timeout-handshake", "slow"};
    failed.certs = {undecodable()};
    refuse_undecodable_chains(failed);
    EXPECT_EQ(failed.cap.error->code, "timeout-handshake") << "an earlier failure stands";
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
