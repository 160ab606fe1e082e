// White-box tests of the handshake error classifier with plain error codes.

#include "error_classify.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>

#include <openssl/asn1err.h>
#include <openssl/err.h>
#include <openssl/sslerr.h>

#include <gtest/gtest.h>

namespace tlsaudit::net::detail {
namespace {

boost::system::error_code openssl(int lib, int reason) {
    // ERR_PACK without its C casts: library above ERR_LIB_OFFSET, reason below.
    const unsigned long packed =
        (static_cast<unsigned long>(lib) << ERR_LIB_OFFSET) | static_cast<unsigned long>(reason);
    return {static_cast<int>(packed), boost::asio::error::get_ssl_category()};
}

// Out of descriptors is the scanning machine's limit: an internal error, not an unreachable target.
TEST(classify_connect_error, exhausted_descriptors_are_not_the_targets_fault) {
    EXPECT_EQ(classify_connect_error(boost::asio::error::connection_refused).code, "refused");
    EXPECT_EQ(classify_connect_error(boost::asio::error::network_unreachable).code, "unreachable");
    const auto e = classify_connect_error(boost::asio::error::no_descriptors);
    EXPECT_EQ(e.code, "internal");
    EXPECT_NE(e.detail.find("a limit of the scanning machine"), std::string::npos) << e.detail;
    EXPECT_EQ(classify_connect_error(make_error_code(boost::system::errc::too_many_files_open_in_system)).code,
              "internal");
}

TEST(classify_handshake_error, reason_numbers_count_only_from_libssl) {
    static_assert(ASN1_R_TOO_LONG == SSL_R_HTTPS_PROXY_REQUEST, "the collision this guards against");
    const handshake_observer obs;
    EXPECT_EQ(classify_handshake_error(openssl(ERR_LIB_ASN1, ASN1_R_TOO_LONG), obs).code, "protocol-error");
    EXPECT_EQ(classify_handshake_error(openssl(ERR_LIB_SSL, SSL_R_HTTPS_PROXY_REQUEST), obs).code, "not-tls");
}

TEST(classify_handshake_error, oversized_message_after_the_server_hello_is_chain_too_large) {
    handshake_observer obs;
    const auto excessive = openssl(ERR_LIB_SSL, SSL_R_EXCESSIVE_MESSAGE_SIZE);
    EXPECT_EQ(classify_handshake_error(excessive, obs).code, "protocol-error") << "an oversized ServerHello";
    obs.server_hello_seen = true;
    const auto e = classify_handshake_error(excessive, obs);
    EXPECT_EQ(e.code, "chain-too-large");
    EXPECT_NE(e.detail.find("1024 KiB"), std::string::npos) << e.detail;
}

TEST(classify_handshake_error, captured_certificate_that_is_not_der) {
    handshake_observer obs;
    obs.chain = std::vector<bytes>{bytes{0x30, 0x82, 0x04, 0x00, 0x01}};
    const auto e = classify_handshake_error(boost::asio::error::connection_reset, obs);
    EXPECT_EQ(e.code, "bad-certificate");
    EXPECT_NE(e.detail.find("certificate [0] of the 1"), std::string::npos) << e.detail;
    obs.chain->clear();
    EXPECT_EQ(classify_handshake_error(boost::asio::error::connection_reset, obs).code, "reset");
}

// TLS 1.3 takes a warning alert as fatal: libssl fails on it (its reason is the alert's),
// and the record says tls-alert, as the capture engine's does. A warning libssl read past
// (TLS 1.2) is not the cause of a later failure.
TEST(classify_handshake_error, a_warning_alert_libssl_failed_on_is_a_tls_alert) {
    handshake_observer obs;
    obs.alert_level = SSL3_AL_WARNING;
    obs.alert_description = SSL_AD_UNRECOGNIZED_NAME;
    const auto e = classify_handshake_error(openssl(ERR_LIB_SSL, SSL_AD_REASON_OFFSET + SSL_AD_UNRECOGNIZED_NAME), obs);
    EXPECT_EQ(e.code, "tls-alert");
    EXPECT_EQ(e.detail, "unrecognized name (112)");
    EXPECT_EQ(classify_handshake_error(openssl(ERR_LIB_SSL, SSL_R_UNEXPECTED_MESSAGE), obs).code, "protocol-error");
}

// An SNI server that knows no such name warns (unrecognized_name), then refuses
// (handshake_failure): the fatal alert is the one that ended the handshake.
TEST(classify_handshake_error, the_fatal_alert_after_a_warning_is_the_one_kept) {
    handshake_observer obs;
    obs.saw_alert(SSL3_AL_WARNING, SSL_AD_UNRECOGNIZED_NAME);
    obs.saw_alert(SSL3_AL_FATAL, SSL_AD_HANDSHAKE_FAILURE);
    obs.saw_alert(SSL3_AL_WARNING, SSL_AD_CLOSE_NOTIFY);
    EXPECT_EQ(obs.alert_level, SSL3_AL_FATAL);
    const auto e = classify_handshake_error(openssl(ERR_LIB_SSL, SSL_AD_REASON_OFFSET + SSL_AD_HANDSHAKE_FAILURE), obs);
    EXPECT_EQ(e.code, "tls-alert");
    EXPECT_EQ(e.detail, "handshake failure (40)");
}

}  // namespace
}  // namespace tlsaudit::net::detail
