// Option parsing and checking (the findings are the audit's: tests/unit/audit).

#include <tlsaudit/revocation.hpp>

#include <gtest/gtest.h>

namespace tlsaudit::revocation {
namespace {

TEST(options, order_parsing) {
    EXPECT_EQ(parse_order("ocsp,crl"), (std::vector{method::ocsp, method::crl}));
    EXPECT_EQ(parse_order("crl,ocsp"), (std::vector{method::crl, method::ocsp}));
    EXPECT_EQ(parse_order("crl-first"), (std::vector{method::crl, method::ocsp}));
    EXPECT_EQ(parse_order("crl"), (std::vector{method::crl}));
    EXPECT_FALSE(parse_order("ldap"));
    EXPECT_FALSE(parse_order(""));
}

TEST(options, bad_options_throw) {
    options o;
    o.order.clear();
    EXPECT_THROW(checker{o}, std::invalid_argument);
    o = options{};
    o.per_host_concurrency = 0;
    EXPECT_THROW(checker{o}, std::invalid_argument);
}

}  // namespace
}  // namespace tlsaudit::revocation
