// The checker's answer for chains with nothing to ask: given inside check(), on the
// calling thread, and the same statuses as before that shortcut existed. No sockets:
// the lab certificates name no OCSP responder and no CRL.

#include "support.hpp"

#include <tlsaudit/revocation.hpp>
#include <tlsaudit/x509.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <thread>

namespace tlsaudit::revocation {
namespace {

using testing::lab_ca;

const revocation_status no_source{"unknown", "", std::string(no_revocation_source_reason), std::nullopt, {}};
const revocation_status issuer_missing{"unknown", "", "issuer not served", std::nullopt, {}};

void expect_status(const std::optional<revocation_status>& actual, const revocation_status& expected) {
    ASSERT_TRUE(actual);
    EXPECT_EQ(actual->state, expected.state);
    EXPECT_EQ(actual->source, expected.source);
    EXPECT_EQ(actual->reason, expected.reason);
    EXPECT_FALSE(actual->revoked_at);
}

struct answer {
    chain_status status;
    std::thread::id thread;
};

// check(), then the answer and the thread that gave it (bounded wait).
answer check_now(checker& c, request req) {
    std::promise<answer> promise;
    auto future = promise.get_future();
    c.check(std::move(req), [&promise](chain_status s) {
        promise.set_value(answer{std::move(s), std::this_thread::get_id()});
    });
    if (future.wait_for(std::chrono::seconds(30)) != std::future_status::ready)
        throw std::runtime_error("revocation check hung");
    return future.get();
}

TEST(checker, chain_without_sources_is_answered_on_the_calling_thread) {
    lab_ca lab;
    checker c{options{}};
    const auto got = check_now(c, request{{lab.h.leaf.der, lab.ca().der}, {}, {}, {}});
    EXPECT_EQ(got.thread, std::this_thread::get_id());
    ASSERT_EQ(got.status.size(), 2u);
    expect_status(got.status[0], no_source);
    EXPECT_FALSE(got.status[1]);  // depth leaf: the intermediate is not checked
    EXPECT_EQ(c.stats().checks, 1u);
    c.drain();
}

TEST(checker, chain_without_sources_at_depth_all) {
    lab_ca lab;
    options o;
    o.depth = depth::all;
    checker c{o};
    const auto got = check_now(c, request{{lab.h.leaf.der, lab.ca().der, lab.h.root.der}, {}, {}, {}});
    EXPECT_EQ(got.thread, std::this_thread::get_id());
    ASSERT_EQ(got.status.size(), 3u);
    expect_status(got.status[0], no_source);
    expect_status(got.status[1], no_source);
    EXPECT_FALSE(got.status[2]);  // the self-signed root
}

TEST(checker, missing_issuer_and_bad_der_need_no_source) {
    lab_ca lab;
    options o;
    o.depth = depth::all;
    checker c{o};
    // A certificate that names no source gets no_source, issuer or not (it said "issuer not
    // served" without its issuer, and raised revocation-unknown in soft mode).
    const auto alone = check_now(c, request{{lab.h.leaf.der}, {}, {}, {}});
    EXPECT_EQ(alone.thread, std::this_thread::get_id());
    ASSERT_EQ(alone.status.size(), 1u);
    expect_status(alone.status[0], no_source);
    const auto supplied = check_now(c, request{{lab.h.leaf.der}, {}, {lab.ca().der}, {}});
    ASSERT_EQ(supplied.status.size(), 1u);
    expect_status(supplied.status[0], no_source);
    // One that names a source needs its issuer: from the chain or the built path.
    auto spec = lab::leaf_spec("revocation.test");
    spec.ocsp_url = "http://127.0.0.1:9/ocsp";
    const auto with_url = lab::issue(lab.ca(), spec, lab::lab_key(lab::key_kind::ec_p256, 3));
    const auto missing = check_now(c, request{{with_url.der}, {}, {}, {}});
    expect_status(missing.status[0], issuer_missing);

    const auto garbage = check_now(c, request{{bytes{0x30, 0x03, 0x02, 0x01, 0x01}, lab.ca().der}, {}, {}, {}});
    ASSERT_EQ(garbage.status.size(), 2u);
    EXPECT_FALSE(garbage.status[0]);              // undecodable: not checked
    expect_status(garbage.status[1], no_source);  // the lab intermediate names no CRL
    EXPECT_TRUE(check_now(c, request{}).status.empty());
}

// With depth all, the last served intermediate is checked against the root of the built
// path (it was "issuer not served": the root is in the trust store, never served).
TEST(checker, the_top_intermediate_is_checked_against_the_root_of_the_path) {
    auto pki =
        lab::make_hierarchy({.kind = lab::key_kind::ec_p256, .leaf_dns_names = {"revocation.test"}, .key_index = 800});
    auto ca_spec = lab::ca_spec("revocation test CA with a CRL");
    ca_spec.crl_url = "http://127.0.0.1:9/root.crl";
    const auto intermediate = lab::issue(pki.root, ca_spec, pki.intermediates.back().k);
    pki.leaf = lab::issue(intermediate, lab::leaf_spec("revocation.test"), pki.leaf.k);
    options o;
    o.depth = depth::all;
    o.order = {method::crl};
    o.request_timeout = std::chrono::milliseconds(500);
    o.fetch.allow = {"127.0.0.1"};
    checker c{o};
    const auto without_root = check_now(c, request{{pki.leaf.der, intermediate.der}, {}, {}, {}});
    ASSERT_EQ(without_root.status.size(), 2u);
    expect_status(without_root.status[1], issuer_missing);
    const auto with_root = check_now(c, request{{pki.leaf.der, intermediate.der}, {}, {pki.root.der}, {}});
    ASSERT_TRUE(with_root.status[1]);
    EXPECT_NE(with_root.status[1]->reason, "issuer not served") << "asked the CRL (port 9: refused)";
}

// Each case has its own checker: the decoded chain is remembered by its DER.
TEST(checker, urls_come_from_the_parsed_chain_when_given) {
    lab_ca lab;
    std::string error;
    const std::vector<bytes> chain{lab.h.leaf.der, lab.ca().der};
    std::vector<parsed_cert> parsed(2);
    for (std::size_t i = 0; i < chain.size(); ++i) parsed[i].info = x509::parse_certificate(chain[i], error);
    ASSERT_TRUE(parsed[0].info && parsed[1].info) << error;
    {
        checker c{options{}};
        const auto got = check_now(c, request{chain, {}, {}, {}, parsed});
        EXPECT_EQ(got.thread, std::this_thread::get_id());
        ASSERT_EQ(got.status.size(), 2u);
        expect_status(got.status[0], no_source);
    }
    // The parsed leaf names a responder (one no fetch can reach): it is asked.
    parsed[0].info->ocsp_urls = {"ftp://responder.invalid/"};
    {
        checker c{options{}};
        const auto asked = check_now(c, request{chain, {}, {}, {}, parsed});
        EXPECT_NE(asked.thread, std::this_thread::get_id());
        ASSERT_TRUE(asked.status[0]);
        EXPECT_EQ(asked.status[0]->state, "unknown");
        EXPECT_EQ(asked.status[0]->reason.rfind("ocsp: ", 0), 0u) << asked.status[0]->reason;
        EXPECT_EQ(asked.status[0]->reason.find("no OCSP responder"), std::string::npos) << asked.status[0]->reason;
    }
    // Not parallel to the chain: ignored, the DER is read instead.
    {
        checker c{options{}};
        const auto ignored = check_now(c, request{chain, {}, {}, {}, std::span(parsed).first(1)});
        EXPECT_EQ(ignored.thread, std::this_thread::get_id());
        expect_status(ignored.status[0], no_source);
    }
}

TEST(checker, a_staple_is_still_judged_on_the_checker_thread) {
    lab_ca lab;
    checker c{options{}};
    const auto got = check_now(c, request{{lab.h.leaf.der, lab.ca().der}, bytes{0x30, 0x00}, {}, {}});
    EXPECT_NE(got.thread, std::this_thread::get_id());
    ASSERT_EQ(got.status.size(), 2u);
    ASSERT_TRUE(got.status[0]);
    EXPECT_EQ(got.status[0]->state, "unknown");
    // Unusable staple, then each live method finds nothing to ask.
    EXPECT_EQ(got.status[0]->reason.rfind("stapled: ", 0), 0u) << got.status[0]->reason;
    EXPECT_NE(got.status[0]->reason.find("; ocsp: no OCSP responder in the certificate; crl: no CRL "
                                         "distribution point in the certificate"),
              std::string::npos)
        << got.status[0]->reason;
    EXPECT_EQ(c.stats().stapled_rejected, 1u);
}

TEST(checker, throwing_callback_on_the_calling_thread_is_kept_for_drain) {
    lab_ca lab;
    checker c{options{}};
    EXPECT_NO_THROW(c.check(request{{lab.h.leaf.der, lab.ca().der}, {}, {}, {}},
                            [](chain_status) { throw std::runtime_error("disk full"); }));
    EXPECT_THROW(c.drain(), std::runtime_error);
    c.drain();  // reported once
    EXPECT_EQ(c.stats().checks, 1u);
}

}  // namespace
}  // namespace tlsaudit::revocation
