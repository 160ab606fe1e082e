// URL rules: http only, hosts and ports, redirects, RFC 5019 GET targets.

#include "http_url.hpp"

#include <gtest/gtest.h>

namespace tlsaudit::revocation::detail {
namespace {

TEST(http_url, plain_http_with_defaults) {
    std::string error;
    const auto u = parse_http_url("http://ocsp.example.com", error);
    ASSERT_TRUE(u) << error;
    EXPECT_EQ(u->host, "ocsp.example.com");
    EXPECT_EQ(u->port, 80);
    EXPECT_EQ(u->target, "/");
    EXPECT_EQ(u->host_header, "ocsp.example.com");
    EXPECT_EQ(u->host_key(), "ocsp.example.com:80");
}

TEST(http_url, port_path_query_and_ipv6) {
    std::string error;
    const auto u = parse_http_url("http://[::1]:8080/crl/ca.crl?x=1#frag", error);
    ASSERT_TRUE(u) << error;
    EXPECT_EQ(u->host, "::1");
    EXPECT_EQ(u->port, 8080);
    EXPECT_EQ(u->target, "/crl/ca.crl?x=1");
    EXPECT_EQ(u->host_header, "[::1]:8080");
    EXPECT_EQ(u->host_key(), "[::1]:8080");  // as a reason names it: not "::1:8080"
}

TEST(http_url, other_schemes_are_refused_with_a_reason) {
    for (const char* text : {"https://ocsp.example.com/", "ldap://ldap.example.com/cn=CA?certificateRevocationList",
                             "file:///etc/passwd", "ftp://x/y"}) {
        std::string error;
        EXPECT_FALSE(parse_http_url(text, error)) << text;
        EXPECT_NE(error.find("only http://"), std::string::npos) << text << ": " << error;
    }
}

TEST(http_url, malformed_and_odd_urls_are_refused) {
    std::string error;
    EXPECT_FALSE(parse_http_url("", error));
    EXPECT_FALSE(parse_http_url("not a url", error));
    EXPECT_FALSE(parse_http_url("http://user:pw@example.com/", error));
    EXPECT_FALSE(parse_http_url("http:///path-only", error));
    EXPECT_FALSE(parse_http_url("http://example.com:0/", error));
}

TEST(http_url, redirects_resolve_relative_and_refuse_https) {
    std::string error;
    const auto base = parse_http_url("http://127.0.0.1:8000/a/b.crl", error);
    ASSERT_TRUE(base);
    const auto relative = resolve_location(*base, "/moved/b.crl", error);
    ASSERT_TRUE(relative) << error;
    EXPECT_EQ(relative->target, "/moved/b.crl");
    EXPECT_EQ(relative->port, 8000);
    const auto absolute = resolve_location(*base, "http://127.0.0.2:9000/c.crl", error);
    ASSERT_TRUE(absolute) << error;
    EXPECT_EQ(absolute->host, "127.0.0.2");
    EXPECT_FALSE(resolve_location(*base, "https://127.0.0.1/secure.crl", error));
    EXPECT_NE(error.find("only http://"), std::string::npos) << error;
}

// A redirect's target is requested as the server wrote it: an OCSP GET's base64 holds '/',
// '+' and '=' percent-encoded, and decoding them changes the request's path.
TEST(http_url, redirects_keep_the_percent_encoding) {
    std::string error;
    const auto base = parse_http_url("http://127.0.0.1:8000/ocsp/MEow%2B%2FA%3D", error);
    ASSERT_TRUE(base);
    for (const auto* location : {"/next/a%2Fb%2Bc%3Dd%25e?q=%2F", "http://127.0.0.1:8000/next/a%2Fb%2Bc%3Dd%25e?q=%2F",
                                 "//127.0.0.1:8000/next/a%2Fb%2Bc%3Dd%25e?q=%2F"}) {
        const auto moved = resolve_location(*base, location, error);
        ASSERT_TRUE(moved) << location << ": " << error;
        EXPECT_EQ(moved->target, "/next/a%2Fb%2Bc%3Dd%25e?q=%2F") << location;
    }
    const auto sibling = resolve_location(*base, "MEow%2B%2FB%3D", error);
    ASSERT_TRUE(sibling) << error;
    EXPECT_EQ(sibling->target, "/ocsp/MEow%2B%2FB%3D");
    const auto up = resolve_location(*base, "../other/x%2Fy", error);
    ASSERT_TRUE(up) << error;
    EXPECT_EQ(up->target, "/other/x%2Fy");
}

TEST(http_url, ocsp_get_target_percent_encodes_base64) {
    std::string error;
    auto base = parse_http_url("http://127.0.0.1:1/ocsp", error);
    ASSERT_TRUE(base);
    EXPECT_EQ(ocsp_get_target(*base, "MEow+/A="), "/ocsp/MEow%2B%2FA%3D");
    base = parse_http_url("http://127.0.0.1:1/", error);
    ASSERT_TRUE(base);
    EXPECT_EQ(ocsp_get_target(*base, "AB=="), "/AB%3D%3D");
}

}  // namespace
}  // namespace tlsaudit::revocation::detail
