// ossl::take_errors, describe_failure, throw_failure, check, check_ptr.

#include "ossl/error.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <openssl/err.h>
#include <openssl/x509.h>

#include <stdexcept>
#include <string>

namespace tlsaudit::ossl {
namespace {

// Queues libcrypto's own complaint about bytes that are not a certificate.
void fail_a_decode() {
    const unsigned char garbage[] = {0x30, 0x03, 0x02, 0x01};
    const unsigned char* p = garbage;
    ASSERT_EQ(d2i_X509(nullptr, &p, sizeof garbage), nullptr);
    ASSERT_NE(ERR_peek_error(), 0UL);
}

using testing::StartsWith;
using testing::ThrowsMessage;

TEST(error, take_errors_drains_the_queue) {
    ERR_clear_error();
    EXPECT_EQ(take_errors(), "");
    fail_a_decode();
    const std::string text = take_errors();
    EXPECT_NE(text.find("error:"), std::string::npos) << text;
    EXPECT_EQ(ERR_peek_error(), 0UL);
}

TEST(error, at_most_a_handful_reported_and_all_drained) {
    ERR_clear_error();
    for (int i = 0; i < 10; ++i) ERR_raise(ERR_LIB_X509, X509_R_CERT_ALREADY_IN_HASH_TABLE);
    const std::string text = take_errors();
    std::size_t entries = 1;
    for (std::size_t at = text.find("; "); at != std::string::npos; at = text.find("; ", at + 2)) ++entries;
    EXPECT_EQ(entries, 4U) << text;
    EXPECT_EQ(ERR_peek_error(), 0UL);
}

TEST(error, describe_failure_appends_the_queue_only_when_present) {
    ERR_clear_error();
    EXPECT_EQ(describe_failure("nothing queued"), "nothing queued");
    fail_a_decode();
    const std::string text = describe_failure("d2i_X509");
    EXPECT_EQ(text.rfind("d2i_X509: error:", 0), 0U) << text;
}

TEST(error, checks_throw_with_the_queue) {
    ERR_clear_error();
    EXPECT_NO_THROW(check(1, "fine"));
    int value = 0;
    EXPECT_EQ(check_ptr(&value, "fine"), &value);
    fail_a_decode();
    EXPECT_THAT([] { check(0, "step"); }, ThrowsMessage<std::runtime_error>(StartsWith("step: error:")));
    EXPECT_THAT([] { check_ptr(static_cast<int*>(nullptr), "pointer"); },
                ThrowsMessage<std::runtime_error>(testing::StrEq("pointer")));
    EXPECT_THAT([] { throw_failure("always"); }, ThrowsMessage<std::runtime_error>(testing::StrEq("always")));
}

}  // namespace
}  // namespace tlsaudit::ossl
