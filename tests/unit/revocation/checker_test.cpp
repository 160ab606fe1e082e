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

const revocation_status no_source{"unknown", "", std::string(no_revocation_source_reason), std::nullopt};
const revocation_status issuer_missing{"unknown", "", "issuer not served", std::nullopt};

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
    const auto got = check_now(c, request{{lab.h.leaf.der, lab.ca().der}, {}, std::nullopt, {}});
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
    const auto got = check_now(c, request{{lab.h.leaf.der, lab.ca().der, lab.h.root.der}, {}, std::nullopt, {}});
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
    const auto alone = check_now(c, request{{lab.h.leaf.der}, {}, std::nullopt, {}});
    EXPECT_EQ(alone.thread, std::this_thread::get_id());
    ASSERT_EQ(alone.status.size(), 1u);
    expect_status(alone.status[0], issuer_missing);
    // The issuer from a built path completes it.
    const auto supplied = check_now(c, request{{lab.h.leaf.der}, {}, lab.ca().der, {}});
    ASSERT_EQ(supplied.status.size(), 1u);
    expect_status(supplied.status[0], no_source);

    const auto garbage =
        check_now(c, request{{bytes{0x30, 0x03, 0x02, 0x01, 0x01}, lab.ca().der}, {}, std::nullopt, {}});
    ASSERT_EQ(garbage.status.size(), 2u);
    EXPECT_FALSE(garbage.status[0]);                   // undecodable: not checked
    expect_status(garbage.status[1], issuer_missing);  // the root was not served
    EXPECT_TRUE(check_now(c, request{}).status.empty());
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
        const auto got = check_now(c, request{chain, {}, std::nullopt, {}, parsed});
        EXPECT_EQ(got.thread, std::this_thread::get_id());
        ASSERT_EQ(got.status.size(), 2u);
        expect_status(got.status[0], no_source);
    }
    // The parsed leaf names a responder (one no fetch can reach): it is asked.
    parsed[0].info->ocsp_urls = {"ftp://responder.invalid/"};
    {
        checker c{options{}};
        const auto asked = check_now(c, request{chain, {}, std::nullopt, {}, parsed});
        EXPECT_NE(asked.thread, std::this_thread::get_id());
        ASSERT_TRUE(asked.status[0]);
        EXPECT_EQ(asked.status[0]->state, "unknown");
        EXPECT_EQ(asked.status[0]->reason.rfind("ocsp: ", 0), 0u) << asked.status[0]->reason;
        EXPECT_EQ(asked.status[0]->reason.find("no OCSP responder"), std::string::npos) << asked.status[0]->reason;
    }
    // Not parallel to the chain: ignored, the DER is read instead.
    {
        checker c{options{}};
        const auto ignored = check_now(c, request{chain, {}, std::nullopt, {}, std::span(parsed).first(1)});
        EXPECT_EQ(ignored.thread, std::this_thread::get_id());
        expect_status(ignored.status[0], no_source);
    }
}

TEST(checker, a_staple_is_still_judged_on_the_checker_thread) {
    lab_ca lab;
    checker c{options{}};
    const auto got = check_now(c, request{{lab.h.leaf.der, lab.ca().der}, bytes{0x30, 0x00}, std::nullopt, {}});
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
    EXPECT_NO_THROW(c.check(request{{lab.h.leaf.der, lab.ca().der}, {}, std::nullopt, {}},
                            [](chain_status) { throw std::runtime_error("disk full"); }));
    EXPECT_THROW(c.drain(), std::runtime_error);
    c.drain();  // reported once
    EXPECT_EQ(c.stats().checks, 1u);
}

}  // namespace
}  // namespace tlsaudit::revocation
