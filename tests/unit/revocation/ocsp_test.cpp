// OCSP judgement on responses built by the lab: signature, signer authority, CertID
// match, freshness and status.

#include "support.hpp"

#include "ocsp.hpp"
#include "text/time_text.hpp"

#include <openssl/ocsp.h>

namespace tlsaudit::revocation {
namespace {

using namespace std::chrono_literals;
using testing::fresh_now;
using testing::lab_ca;

detail::verdict judge(const lab_ca& ca, const bytes& response) {
    return detail::judge_ocsp_response(response, ca.leaf.get(), ca.issuer.get(), fresh_now());
}

TEST(ocsp, good_response_signed_by_the_issuer) {
    lab_ca ca;
    const auto v = judge(ca, lab::make_ocsp_response_for(ca.ca(), ca.h.leaf.der, {}));
    EXPECT_EQ(v.status.state, "good") << v.status.reason;
    ASSERT_TRUE(v.next_update);
    EXPECT_GT(*v.next_update, testing::now());
}

TEST(ocsp, revoked_with_reason_and_date) {
    lab_ca ca;
    const time_point when = testing::now() - 48h;
    const auto v = judge(ca, lab::make_ocsp_response_for(ca.ca(), ca.h.leaf.der, {lab::cert_state::revoked, 1, when}));
    EXPECT_EQ(v.status.state, "revoked");
    EXPECT_EQ(v.status.reason, "keyCompromise");
    ASSERT_TRUE(v.status.revoked_at);
    EXPECT_EQ(*v.status.revoked_at, when);
}

TEST(ocsp, responder_id_by_key_is_accepted) {
    lab_ca ca;
    lab::ocsp_response_options options;
    options.responder_id_by_key = true;
    EXPECT_EQ(judge(ca, lab::make_ocsp_response_for(ca.ca(), ca.h.leaf.der, {}, options)).status.state, "good");
}

TEST(ocsp, wrong_signing_key_is_rejected) {
    lab_ca ca;
    lab::ocsp_response_options options;
    options.signer = lab::make_impostor(ca.ca(), lab::lab_key(lab::key_kind::ec_p256, 90));
    const auto v = judge(ca, lab::make_ocsp_response_for(ca.ca(), ca.h.leaf.der, {}, options));
    EXPECT_EQ(v.status.state, "unknown");
    EXPECT_NE(v.status.reason.find("signature"), std::string::npos) << v.status.reason;
}

TEST(ocsp, impostor_certificate_included_is_unauthorised) {
    lab_ca ca;
    lab::ocsp_response_options options;
    options.signer = lab::make_impostor(ca.ca(), lab::lab_key(lab::key_kind::ec_p256, 90));
    options.include_signer_cert = true;
    options.responder_id_by_key = true;  // names the impostor's key, not the CA's
    const auto v = judge(ca, lab::make_ocsp_response_for(ca.ca(), ca.h.leaf.der, {}, options));
    EXPECT_EQ(v.status.state, "unknown");
    EXPECT_NE(v.status.reason.find("unauthorised"), std::string::npos) << v.status.reason;
}

TEST(ocsp, delegated_responder_with_ocsp_signing_eku) {
    lab_ca ca;
    lab::ocsp_response_options options;
    options.signer = lab::issue(ca.ca(), lab::delegated_responder_spec("lab OCSP responder"),
                                lab::lab_key(lab::key_kind::ec_p256, 91));
    options.include_signer_cert = true;
    EXPECT_EQ(judge(ca, lab::make_ocsp_response_for(ca.ca(), ca.h.leaf.der, {}, options)).status.state, "good");
}

TEST(ocsp, delegated_responder_without_eku_is_unauthorised) {
    lab_ca ca;
    lab::cert_spec spec;
    spec.common_name = "lab responder without EKU";
    spec.standard_extensions = false;
    lab::ocsp_response_options options;
    options.signer = lab::issue(ca.ca(), spec, lab::lab_key(lab::key_kind::ec_p256, 92));
    options.include_signer_cert = true;
    const auto v = judge(ca, lab::make_ocsp_response_for(ca.ca(), ca.h.leaf.der, {}, options));
    EXPECT_EQ(v.status.state, "unknown");
    EXPECT_NE(v.status.reason.find("OCSPSigning"), std::string::npos) << v.status.reason;
}

TEST(ocsp, expired_response_is_stale) {
    lab_ca ca;
    lab::ocsp_response_options options;
    options.this_update = testing::now() - 72h;
    options.next_update = testing::now() - 24h;
    const auto v = judge(ca, lab::make_ocsp_response_for(ca.ca(), ca.h.leaf.der, {}, options));
    EXPECT_EQ(v.status.state, "unknown");
    EXPECT_NE(v.status.reason.find("stale"), std::string::npos) << v.status.reason;
}

TEST(ocsp, response_from_the_future_is_not_yet_valid) {
    lab_ca ca;
    lab::ocsp_response_options options;
    options.this_update = testing::now() + 24h;
    options.next_update = testing::now() + 48h;
    const auto v = judge(ca, lab::make_ocsp_response_for(ca.ca(), ca.h.leaf.der, {}, options));
    EXPECT_NE(v.status.reason.find("not yet valid"), std::string::npos) << v.status.reason;
}

TEST(ocsp, without_next_update_max_age_applies) {
    lab_ca ca;
    lab::ocsp_response_options options;
    options.omit_next_update = true;
    options.this_update = testing::now() - 1h;
    EXPECT_EQ(judge(ca, lab::make_ocsp_response_for(ca.ca(), ca.h.leaf.der, {}, options)).status.state, "good");
    options.this_update = testing::now() - 24h * 30;
    const auto old = judge(ca, lab::make_ocsp_response_for(ca.ca(), ca.h.leaf.der, {}, options)).status;
    EXPECT_EQ(old.state, "unknown");
    // The reason names the date the response holds, not one made up from it.
    EXPECT_NE(
        old.reason.find("no nextUpdate; thisUpdate " + text::rfc3339(*options.this_update) + " is over 7 days old"),
        std::string::npos)
        << old.reason;
}

TEST(ocsp, response_for_another_serial_does_not_count) {
    lab_ca ca;
    const bytes other{0x01, 0x02, 0x03};
    const auto v = judge(ca, lab::make_ocsp_response(ca.ca(), other, {lab::cert_state::revoked, 1, {}}));
    EXPECT_EQ(v.status.state, "unknown");
    EXPECT_NE(v.status.reason.find("does not cover"), std::string::npos) << v.status.reason;
}

TEST(ocsp, unknown_status_and_error_statuses_are_unknown) {
    lab_ca ca;
    EXPECT_EQ(judge(ca, lab::make_ocsp_response_for(ca.ca(), ca.h.leaf.der, {lab::cert_state::unknown})).status.state,
              "unknown");
    const auto later = judge(ca, lab::make_ocsp_error_response(OCSP_RESPONSE_STATUS_TRYLATER));
    EXPECT_EQ(later.status.state, "unknown");
    EXPECT_NE(later.status.reason.find("trylater"), std::string::npos) << later.status.reason;
}

TEST(ocsp, garbage_and_trailing_bytes_are_malformed) {
    lab_ca ca;
    EXPECT_EQ(judge(ca, bytes{0x30, 0x03, 0x0a, 0x01}).status.reason, "malformed OCSP response");
    EXPECT_EQ(judge(ca, bytes{}).status.reason, "malformed OCSP response");
    bytes padded = lab::make_ocsp_response_for(ca.ca(), ca.h.leaf.der, {});
    padded.push_back(0);
    EXPECT_EQ(judge(ca, padded).status.reason, "malformed OCSP response");
}

TEST(ocsp, request_round_trips_and_keys_are_stable) {
    lab_ca ca;
    std::string error;
    const auto request = detail::make_ocsp_request(ca.leaf.get(), ca.issuer.get(), error);
    ASSERT_TRUE(request) << error;
    const unsigned char* p = request->data();
    ossl::ocsp_request_ptr parsed(d2i_OCSP_REQUEST(nullptr, &p, static_cast<long>(request->size())));
    ASSERT_TRUE(parsed);
    EXPECT_EQ(OCSP_request_onereq_count(parsed.get()), 1);
    const std::string key = detail::ocsp_key(ca.leaf.get(), ca.issuer.get());
    EXPECT_EQ(key, detail::ocsp_key(ca.leaf.get(), ca.issuer.get()));
    EXPECT_EQ(key.find(':'), 40u);  // SHA-1 of the issuer key, then the serial
}

}  // namespace
}  // namespace tlsaudit::revocation
