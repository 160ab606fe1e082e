// The destination policy on real fetches (issue 22): the lab's loopback OCSP responder
// and CRL server are exactly what a hostile certificate would point at, so by default
// they are refused, with the rule in the verdict's reason, and reached only when allowed.

#include "cli_support.hpp"
#include "revocation_support.hpp"

#include "../support/scratch_dir.hpp"

#include <tlsaudit/lab/tls_server.hpp>

#include <boost/json/parse.hpp>

#include <fmt/format.h>

#include <sstream>

namespace tlsaudit::testing {
namespace {

namespace json = boost::json;
using ::testing::HasSubstr;
using ::testing::Not;

revocation::options default_policy() {
    revocation::options o;
    o.request_timeout = std::chrono::seconds(15);
    return o;
}

// A leaf under lab.ca() whose only revocation source is the OCSP URL `url`.
lab::credential leaf_asking(const revocation_lab& lab, const std::string& url) {
    lab::cert_spec spec = lab::leaf_spec("policy.lab.test");
    spec.ocsp_url = url;
    return lab::issue(lab.ca(), spec, lab::lab_key(lab::key_kind::ec_p256, 79));
}

std::string port_of(const std::string& url) {
    const auto host_port = revocation_lab::host_port(url);
    return host_port.substr(host_port.rfind(':') + 1);
}

TEST(revocation_policy, loopback_responder_is_refused_by_default_and_fetched_when_allowed) {
    revocation_lab lab;
    const auto leaf = lab.leaf(true, false);
    {
        revocation::checker c(default_policy());
        const auto status = check_now(c, lab.request_for(leaf));
        ASSERT_TRUE(status[0]);
        EXPECT_EQ(status[0]->state, "unknown");
        EXPECT_THAT(status[0]->reason, HasSubstr(fmt::format("destination {} refused: loopback (--fetch-allow)",
                                                             revocation_lab::host_port(lab.responder.url()))));
        EXPECT_EQ(c.stats().refused, 1u);
        EXPECT_EQ(c.stats().bytes_fetched, 0u);
    }
    EXPECT_EQ(lab.responder.request_count(), 0u);

    revocation::checker c(quick_options(lab));
    const auto status = check_now(c, lab.request_for(leaf));
    ASSERT_TRUE(status[0]);
    EXPECT_EQ(status[0]->state, "good") << status[0]->reason;
    EXPECT_EQ(lab.responder.request_count(), 1u);
    EXPECT_EQ(c.stats().refused, 0u);
    EXPECT_GT(c.stats().bytes_fetched, 0u);
}

// The name is resolved first, then each address is judged: a name that resolves inside
// is refused like the address itself. (The revocation client resolves through the
// system's resolver; /etc/hosts names localhost.)
TEST(revocation_policy, name_resolving_to_loopback_is_refused_after_resolution) {
    revocation_lab lab;
    const auto port = port_of(lab.responder.url());
    const auto leaf = leaf_asking(lab, fmt::format("http://localhost:{}/ocsp", port));
    {
        revocation::checker c(default_policy());
        const auto status = check_now(c, lab.request_for(leaf));
        ASSERT_TRUE(status[0]);
        EXPECT_EQ(status[0]->state, "unknown");
        EXPECT_THAT(status[0]->reason, HasSubstr("refused: loopback (--fetch-allow)"));
    }
    EXPECT_EQ(lab.responder.request_count(), 0u);

    auto o = default_policy();
    o.fetch.allow = {"127.0.0.1:" + port};  // by address: whatever name leads there
    revocation::checker c(o);
    const auto status = check_now(c, lab.request_for(leaf));
    ASSERT_TRUE(status[0]);
    EXPECT_EQ(status[0]->state, "good") << status[0]->reason;
    EXPECT_EQ(lab.responder.request_count(), 1u);
}

TEST(revocation_policy, port_22_is_refused_even_when_the_address_is_allowed) {
    revocation_lab lab;
    auto o = default_policy();
    o.fetch.allow = {"127.0.0.0/8"};
    revocation::checker c(o);
    const auto status = check_now(c, lab.request_for(leaf_asking(lab, "http://127.0.0.1:22/ocsp")));
    ASSERT_TRUE(status[0]);
    EXPECT_EQ(status[0]->state, "unknown");
    EXPECT_THAT(status[0]->reason,
                HasSubstr("destination 127.0.0.1:22 refused: port 22 not allowed (--fetch-allow 127.0.0.1:22)"));
    EXPECT_EQ(c.stats().refused, 1u);
}

TEST(revocation_policy, destination_cap_holds) {
    revocation_lab lab;
    lab.publish_crl({});
    auto o = quick_options(lab);
    o.fetch.max_destinations = 1;
    revocation::checker c(o);
    const auto first = check_now(c, lab.request_for(lab.leaf(true, false, {}, "one.lab.test")));
    ASSERT_TRUE(first[0]);
    EXPECT_EQ(first[0]->state, "good") << first[0]->reason;
    // The CRL server is a second destination: refused before any connection.
    const auto second = check_now(c, lab.request_for(lab.leaf(false, true, {}, "two.lab.test")));
    ASSERT_TRUE(second[0]);
    EXPECT_EQ(second[0]->state, "unknown");
    EXPECT_THAT(second[0]->reason, HasSubstr("refused: more than 1 fetch destinations in this scan "
                                             "(--fetch-max-destinations)"));
    EXPECT_EQ(lab.crl_server.request_count(), 0u);
    // The first destination stays usable.
    const auto third = check_now(c, lab.request_for(lab.leaf(true, false, {}, "three.lab.test")));
    ASSERT_TRUE(third[0]);
    EXPECT_EQ(third[0]->state, "good") << third[0]->reason;
    EXPECT_EQ(c.stats().destinations, 1u);
    EXPECT_EQ(c.stats().refused, 1u);
}

// Each hop of a redirect is judged again: an allowed server cannot send the fetch on to a
// destination the policy refuses.
TEST(revocation_policy, redirect_to_a_refused_destination_is_refused) {
    revocation_lab lab;
    const auto port = port_of(lab.crl_server.url());
    lab::http_reply moved;
    moved.status = 302;
    moved.headers = {{"Location", fmt::format("http://127.0.0.2:{}/ca.crl", port)}};
    lab.crl_server.route("/moved.crl", moved);
    lab.publish_crl({});
    lab::cert_spec spec = lab::leaf_spec("moved.lab.test");
    spec.crl_url = lab.crl_server.url("/moved.crl");
    const auto leaf = lab::issue(lab.ca(), spec, lab::lab_key(lab::key_kind::ec_p256, 79));

    revocation::checker c(quick_options(lab));  // 127.0.0.1:<port> only
    const auto status = check_now(c, lab.request_for(leaf));
    ASSERT_TRUE(status[0]);
    EXPECT_EQ(status[0]->state, "unknown");
    EXPECT_THAT(status[0]->reason, HasSubstr(fmt::format("destination 127.0.0.2:{} refused: loopback", port)));
    EXPECT_EQ(lab.crl_server.request_count("/moved.crl"), 1u);
    EXPECT_EQ(lab.crl_server.request_count("/ca.crl"), 0u);
}

class revocation_policy_cli : public scratch_dir {};

// `tlsaudit scan` with the default policy: the refusal is the endpoint's revocation
// reason in the record, a revocation-unknown finding in the JSON and HTML reports, the
// other endpoint is scanned all the same, and the summary counts the refusal.
TEST_F(revocation_policy_cli, refusal_reaches_record_json_and_html_and_the_scan_goes_on) {
    revocation_lab lab;
    const auto asks = lab.leaf(true, false, {}, "asks.lab.test");
    const auto quiet = lab.leaf(false, false, {}, "quiet.lab.test");
    lab::server_pool servers(1);
    const auto key = lab::lab_key(lab::key_kind::ec_p256, 79);
    const auto p1 = servers.start({.chain = {asks.der, lab.ca().der}, .leaf_key = key});
    const auto p2 = servers.start({.chain = {quiet.der, lab.ca().der}, .leaf_key = key});
    const std::string input = fmt::format("127.0.0.1:{}\n127.0.0.1:{}\n", p1, p2);
    const auto ndjson = dir_ / "scan.ndjson", json_report = dir_ / "report.json", html = dir_ / "report.html";

    const auto r = run_tlsaudit(fmt::format("scan - --ndjson '{}' --json '{}' --html '{}' --fail-on none",
                                            ndjson.string(), json_report.string(), html.string()),
                                input);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::string refusal =
        fmt::format("destination {} refused: loopback (--fetch-allow)", revocation_lab::host_port(lab.responder.url()));
    std::size_t endpoints = 0;
    std::istringstream lines(read(ndjson));
    for (std::string line; std::getline(lines, line);) {
        auto record = json::parse(line).as_object();
        if (record["type"] != "endpoint") continue;
        ++endpoints;
        if (record["target"].as_object()["port"].to_number<int>() != p1) continue;
        auto& revocation = record["chain"].as_array().at(0).as_object()["revocation"].as_object();
        EXPECT_EQ(revocation["state"], "unknown");
        EXPECT_THAT(std::string(revocation["reason"].as_string()), HasSubstr(refusal));
    }
    EXPECT_EQ(endpoints, 2u);
    EXPECT_THAT(read(json_report), HasSubstr(refusal));
    EXPECT_THAT(read(html), HasSubstr(refusal));
    // A refused destination is no destination: it does not count against --fetch-max-destinations.
    EXPECT_THAT(r.err, HasSubstr("fetches (OCSP, CRL, AIA): 0 destinations, 0 bytes received, 1 refused"));
    EXPECT_EQ(lab.responder.request_count(), 0u);

    // Allowed on the command line, the same scan reaches the responder.
    const auto allowed = run_tlsaudit(
        fmt::format("scan - --ndjson '{}' --fail-on none -q{}", ndjson.string(), lab.fetch_allow_args()), input);
    ASSERT_EQ(allowed.exit_code, 0) << allowed.err;
    EXPECT_EQ(lab.responder.request_count(), 1u);
    EXPECT_THAT(read(ndjson), Not(HasSubstr(refusal)));
    EXPECT_THAT(read(ndjson), HasSubstr(R"("fetches":{"destinations":1,)"));
}

}  // namespace
}  // namespace tlsaudit::testing
