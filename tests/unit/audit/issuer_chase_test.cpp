// --fetch-missing's decisions (audit::issuer_chase): which caIssuers URL to download
// next and when to stop, driven by plain data: the "downloads" are answers the test
// gives, the certificates cert_info structs.

#include "test_support.hpp"

#include <tlsaudit/issuer_chase.hpp>

#include <gtest/gtest.h>

#include <map>

namespace tlsaudit::testing {
namespace {

using audit::issuer_chase;

// A path that stops at `last` because its issuer is missing.
chain_verdict missing_issuer_after(cert_info last) {
    chain_case c;
    c.serve(std::move(last), 0).error(verify_problem::missing_issuer, 0);
    return c.verdict;
}

cert_info with_aia(cert_info c, std::vector<std::string> urls) {
    c.ca_issuer_urls = std::move(urls);
    return c;
}

bytes der_of(const cert_info& c) { return bytes(c.sha256.begin(), c.sha256.end()); }

// Runs the chase against `server`: URL -> the certificate it serves (absent: the
// download fails). Returns the URLs asked, in order.
std::vector<std::string> chase(issuer_chase& chase, const std::map<std::string, std::optional<cert_info>>& server) {
    std::vector<std::string> asked;
    while (const auto url = chase.next_url()) {
        asked.push_back(*url);
        const auto it = server.find(*url);
        if (it == server.end()) continue;  // failed: the next URL of the same certificate
        if (!it->second) {
            chase.downloaded({}, std::nullopt);  // answered with nothing readable
            continue;
        }
        chase.downloaded({der_of(*it->second)}, it->second);
    }
    return asked;
}

TEST(issuer_chase, follows_the_aia_up_to_a_self_issued_root) {
    const auto root = ca("Root", "Root", "R");
    const auto mid = with_aia(ca("Mid", "Root", "M"), {"http://aia.test/root.cer"});
    const auto leaf_cert = with_aia(leaf("a.test", "Mid"), {"http://aia.test/mid.cer"});
    issuer_chase c(missing_issuer_after(leaf_cert));
    const auto asked = chase(c, {{"http://aia.test/mid.cer", mid}, {"http://aia.test/root.cer", root}});
    EXPECT_EQ(asked, (std::vector<std::string>{"http://aia.test/mid.cer", "http://aia.test/root.cer"}));
    EXPECT_EQ(c.take_certificates(), (std::vector<bytes>{der_of(mid), der_of(root)}));
}

TEST(issuer_chase, nothing_to_chase_without_a_missing_issuer) {
    const auto leaf_cert = with_aia(leaf("a.test", "Mid"), {"http://aia.test/mid.cer"});
    chain_case trusted;
    trusted.serve(leaf_cert, 0).trusted();
    issuer_chase c(trusted.verdict);
    EXPECT_FALSE(c.next_url());
    chain_case other;
    other.serve(leaf_cert, 0).error(verify_problem::expired, 0);
    EXPECT_FALSE(issuer_chase(other.verdict).next_url());
    EXPECT_FALSE(issuer_chase(chain_verdict{}).next_url()) << "no path";
}

TEST(issuer_chase, plain_http_only_each_url_once_next_url_on_failure) {
    const auto mid = ca("Mid", "Root", "M");
    const auto leaf_cert = with_aia(
        leaf("a.test", "Mid"), {"https://aia.test/mid.cer", "ldap://aia.test/mid", "http://down.test/mid.cer",
                                "http://down.test/mid.cer", "http://aia.test/mid.cer", "http://never.test/mid.cer"});
    issuer_chase c(missing_issuer_after(leaf_cert));
    const auto asked = chase(c, {{"http://aia.test/mid.cer", mid}});
    EXPECT_EQ(asked, (std::vector<std::string>{"http://down.test/mid.cer", "http://aia.test/mid.cer"}))
        << "the first answer ends the round; Mid names no caIssuers URL, so the chase ends there";
    EXPECT_EQ(c.take_certificates().size(), 1u);
}

TEST(issuer_chase, every_url_failing_ends_it) {
    issuer_chase c(missing_issuer_after(with_aia(leaf("a.test", "Mid"), {"http://a.test/1", "http://a.test/2"})));
    EXPECT_EQ(chase(c, {}), (std::vector<std::string>{"http://a.test/1", "http://a.test/2"}));
    EXPECT_TRUE(c.take_certificates().empty());
}

// A certificate naming hundreds of URLs that all fail is asked at its first four: each
// failure may cost a whole request timeout on the scan thread.
TEST(issuer_chase, at_most_four_urls_of_a_certificate_are_asked) {
    std::vector<std::string> urls;
    for (int i = 0; i < 300; ++i) urls.push_back("http://a.test/" + std::to_string(i));
    issuer_chase c(missing_issuer_after(with_aia(leaf("a.test", "Mid"), urls)));
    EXPECT_EQ(chase(c, {}), (std::vector<std::string>(urls.begin(), urls.begin() + 4)));
}

TEST(issuer_chase, an_answer_without_a_certificate_ends_it) {
    issuer_chase c(missing_issuer_after(with_aia(leaf("a.test", "Mid"), {"http://a.test/p7c", "http://a.test/der"})));
    EXPECT_EQ(chase(c, {{"http://a.test/p7c", std::nullopt}, {"http://a.test/der", ca("Mid", "Root", "M")}}),
              (std::vector<std::string>{"http://a.test/p7c"}));
    EXPECT_TRUE(c.take_certificates().empty());
}

TEST(issuer_chase, a_loop_of_urls_is_asked_once_and_a_chain_of_issuers_stops_after_max_rounds) {
    // Each "issuer" points to the next one, forever (a hostile chain).
    std::map<std::string, std::optional<cert_info>> server;
    for (int i = 0; i < 10; ++i)
        server["http://aia.test/" + std::to_string(i)] =
            with_aia(ca("CA " + std::to_string(i), "CA " + std::to_string(i + 1), std::to_string(i)),
                     {"http://aia.test/" + std::to_string(i + 1), "http://aia.test/0"});
    issuer_chase c(missing_issuer_after(with_aia(leaf("a.test", "CA 0"), {"http://aia.test/0"})));
    const auto asked = chase(c, server);
    EXPECT_EQ(asked.size(), static_cast<std::size_t>(issuer_chase::max_rounds));
    EXPECT_EQ(asked.back(), "http://aia.test/3");
    EXPECT_EQ(c.take_certificates().size(), static_cast<std::size_t>(issuer_chase::max_rounds));
}

TEST(issuer_chase, a_fetched_certificate_that_does_not_parse_ends_it_after_keeping_it) {
    issuer_chase c(missing_issuer_after(with_aia(leaf("a.test", "Mid"), {"http://a.test/mid"})));
    ASSERT_EQ(c.next_url(), std::optional<std::string>("http://a.test/mid"));
    c.downloaded({bytes{1, 2, 3}}, std::nullopt);
    EXPECT_FALSE(c.next_url());
    EXPECT_EQ(c.take_certificates(), (std::vector<bytes>{bytes{1, 2, 3}}));
}

}  // namespace
}  // namespace tlsaudit::testing
