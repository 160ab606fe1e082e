// The STARTTLS reply parsers with plain data: complete, incomplete and malformed input.

#include "starttls_replies.hpp"

#include <gtest/gtest.h>

#include <string>

namespace tlsaudit::net::detail::starttls {
namespace {

TEST(starttls_lines, take_line_handles_crlf_lf_and_bounds) {
    auto l = take_line("220 ok\r\nrest");
    ASSERT_EQ(l.status, parse_status::complete);
    EXPECT_EQ(l.line, "220 ok");
    EXPECT_EQ(l.consumed, 8u);
    EXPECT_EQ(take_line("+OK\n").line, "+OK");
    EXPECT_EQ(take_line("220 no end yet").status, parse_status::incomplete);
    EXPECT_EQ(take_line(std::string(max_line_bytes, 'a')).status, parse_status::incomplete);
    EXPECT_EQ(take_line(std::string(max_line_bytes + 1, 'a')).status, parse_status::malformed);
    EXPECT_EQ(take_line(std::string(max_line_bytes + 1, 'a') + "\n").status, parse_status::malformed);
}

TEST(starttls_smtp, multi_line_reply) {
    const std::string in = "250-mail.example.com Hello\r\n250-PIPELINING\r\n250-starttls\r\n250 8BITMIME\r\n";
    const coded_reply r = parse_coded_reply(in, true);
    ASSERT_EQ(r.status, parse_status::complete);
    EXPECT_EQ(r.code, 250);
    ASSERT_EQ(r.lines.size(), 4u);
    EXPECT_EQ(r.lines[0], "mail.example.com Hello");
    EXPECT_EQ(r.consumed, in.size());
    EXPECT_TRUE(ehlo_offers_starttls(r));
}

TEST(starttls_smtp, incomplete_until_the_last_line) {
    EXPECT_EQ(parse_coded_reply("220-first\r\n", true).status, parse_status::incomplete);
    EXPECT_EQ(parse_coded_reply("220-first\r\n220 la", true).status, parse_status::incomplete);
    EXPECT_EQ(parse_coded_reply("", true).status, parse_status::incomplete);
    const coded_reply bare = parse_coded_reply("220\r\n", true);
    ASSERT_EQ(bare.status, parse_status::complete);
    EXPECT_EQ(bare.code, 220);
}

TEST(starttls_smtp, malformed_replies) {
    EXPECT_EQ(parse_coded_reply("SSH-2.0-OpenSSH_9.2\r\n", true).status, parse_status::malformed);
    EXPECT_EQ(parse_coded_reply("22 short\r\n", true).status, parse_status::malformed);
    EXPECT_EQ(parse_coded_reply("2200 long\r\n", true).status, parse_status::malformed);
    // SMTP: every line carries the code; FTP allows free text inside.
    EXPECT_EQ(parse_coded_reply("220-a\r\n230 b\r\n", true).status, parse_status::malformed);
    const coded_reply ftp = parse_coded_reply("220-a\r\n free text\r\n220 b\r\n", false);
    ASSERT_EQ(ftp.status, parse_status::complete);
    EXPECT_EQ(ftp.lines.size(), 3u);
}

TEST(starttls_smtp, starttls_keyword_must_be_a_capability_line) {
    // On the first line it is the server's name, not a keyword.
    EXPECT_FALSE(ehlo_offers_starttls(parse_coded_reply("250-STARTTLS\r\n250 SIZE 100\r\n", true)));
    EXPECT_FALSE(ehlo_offers_starttls(parse_coded_reply("250-x\r\n250 STARTTLSX\r\n", true)));
    EXPECT_TRUE(ehlo_offers_starttls(parse_coded_reply("250-x\r\n250 STARTTLS\r\n", true)));
    EXPECT_FALSE(ehlo_offers_starttls(parse_coded_reply("550-x\r\n550 STARTTLS\r\n", true)));
}

TEST(starttls_imap, response_lines) {
    const imap_line g = parse_imap_line("* OK [CAPABILITY IMAP4rev1 STARTTLS] ready\r\n");
    ASSERT_EQ(g.status, parse_status::complete);
    EXPECT_EQ(g.tag, "*");
    EXPECT_EQ(g.condition, "OK");
    const imap_line a = parse_imap_line("a001 no not now\r\n");
    EXPECT_EQ(a.tag, "a001");
    EXPECT_EQ(a.condition, "NO");
    EXPECT_EQ(parse_imap_line("* OK").status, parse_status::incomplete);
    EXPECT_EQ(parse_imap_line(" OK\r\n").status, parse_status::malformed);
}

TEST(starttls_pop3, status_lines) {
    const pop3_line ok = parse_pop3_line("+OK POP3 ready\r\n");
    ASSERT_EQ(ok.status, parse_status::complete);
    EXPECT_TRUE(ok.ok);
    const pop3_line err = parse_pop3_line("-ERR no\r\n");
    ASSERT_EQ(err.status, parse_status::complete);
    EXPECT_FALSE(err.ok);
    EXPECT_EQ(parse_pop3_line("+O").status, parse_status::incomplete);
    // Decided from the first bytes, without waiting for a line end.
    EXPECT_EQ(parse_pop3_line("HTTP/1.1 400").status, parse_status::malformed);
    EXPECT_EQ(parse_pop3_line("+OKAY\r\n").status, parse_status::malformed);
}

const std::string xmpp_open =
    "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' "
    "id='x' from='example.com' version='1.0'>";

TEST(starttls_xmpp, features_with_and_without_starttls) {
    const std::string with = xmpp_open +
                             "<stream:features><starttls xmlns=\"urn:ietf:params:xml:ns:xmpp-tls\"><required/>"
                             "</starttls></stream:features>";
    const xmpp_features f = parse_xmpp_features(with);
    ASSERT_EQ(f.status, parse_status::complete);
    EXPECT_TRUE(f.offers_starttls);
    EXPECT_EQ(f.consumed, with.size());
    // Every prefix is incomplete, never malformed.
    for (std::size_t n = 0; n < with.size(); ++n)
        EXPECT_EQ(parse_xmpp_features(with.substr(0, n)).status, parse_status::incomplete) << n;

    const xmpp_features without = parse_xmpp_features(
        xmpp_open + "<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/></stream:features>");
    ASSERT_EQ(without.status, parse_status::complete);
    EXPECT_FALSE(without.offers_starttls);
    const xmpp_features empty = parse_xmpp_features(xmpp_open + "<stream:features/>");
    ASSERT_EQ(empty.status, parse_status::complete);
    EXPECT_FALSE(empty.offers_starttls);
    // Nor one inside a comment.
    EXPECT_FALSE(parse_xmpp_features(xmpp_open +
                                     "<stream:features><!-- <starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/> -->"
                                     "</stream:features>")
                     .offers_starttls);
    EXPECT_TRUE(parse_xmpp_features(xmpp_open +
                                    "<stream:features><!-- old --><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"
                                    "</stream:features>")
                    .offers_starttls);
    // <starttls> in another namespace does not count.
    EXPECT_FALSE(parse_xmpp_features(xmpp_open + "<stream:features><starttls xmlns='urn:other'/></stream:features>")
                     .offers_starttls);
}

TEST(starttls_xmpp, stream_errors_and_other_protocols) {
    const xmpp_features e = parse_xmpp_features(
        xmpp_open + "<stream:error><host-unknown xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>");
    ASSERT_EQ(e.status, parse_status::complete);
    EXPECT_EQ(e.stream_error, "host-unknown");
    EXPECT_EQ(parse_xmpp_features("HTTP/1.1 400 Bad Request\r\n").status, parse_status::malformed);
    EXPECT_EQ(parse_xmpp_features("  \r\n<html>").status, parse_status::malformed);
}

TEST(starttls_xmpp, answers) {
    const xmpp_answer p = parse_xmpp_answer("<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
    ASSERT_EQ(p.status, parse_status::complete);
    EXPECT_TRUE(p.proceed);
    const xmpp_answer f = parse_xmpp_answer("<failure xmlns='urn:ietf:params:xml:ns:xmpp-tls'/></stream:stream>");
    ASSERT_EQ(f.status, parse_status::complete);
    EXPECT_FALSE(f.proceed);
    EXPECT_EQ(parse_xmpp_answer("<proc").status, parse_status::incomplete);
    EXPECT_EQ(parse_xmpp_answer("<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'").status, parse_status::incomplete);
    EXPECT_EQ(parse_xmpp_answer("<proceed xmlns='urn:x'/>").status, parse_status::malformed);
    EXPECT_EQ(parse_xmpp_answer("<success/>").status, parse_status::malformed);
    // The long form of the empty element: TLS starts after its end tag (it was refused).
    const std::string open = "<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'>";
    const xmpp_answer long_form = parse_xmpp_answer(open + " </proceed>\x16\x03\x03");
    ASSERT_EQ(long_form.status, parse_status::complete) << long_form.problem;
    EXPECT_TRUE(long_form.proceed);
    EXPECT_EQ(long_form.consumed, open.size() + 11);
    EXPECT_EQ(parse_xmpp_answer(open).status, parse_status::incomplete);
    EXPECT_EQ(parse_xmpp_answer(open + "</proc").status, parse_status::incomplete);
    EXPECT_EQ(parse_xmpp_answer(open + "x</proceed>").status, parse_status::malformed);
}

TEST(starttls_xmpp, stream_header_names_the_domain_escaped) {
    const std::string h = xmpp_stream_header("chat.example.com");
    EXPECT_NE(h.find("to='chat.example.com'"), std::string::npos);
    EXPECT_NE(h.find("xmlns:stream='http://etherx.jabber.org/streams'"), std::string::npos);
    EXPECT_NE(h.find("version='1.0'"), std::string::npos);
    EXPECT_NE(xmpp_stream_header("a'b<c").find("to='a&apos;b&lt;c'"), std::string::npos);
}

TEST(starttls_postgres, ssl_request_bytes) {
    const std::string r = postgres_ssl_request();
    ASSERT_EQ(r.size(), 8u);
    const auto u = [&](std::size_t i) { return static_cast<unsigned>(static_cast<unsigned char>(r[i])); };
    EXPECT_EQ(u(0) << 24 | u(1) << 16 | u(2) << 8 | u(3), 8u);
    EXPECT_EQ(u(4) << 24 | u(5) << 16 | u(6) << 8 | u(7), 80877103u);
}

TEST(starttls_ldap, request_is_the_expected_ber) {
    const std::string oid = "1.3.6.1.4.1.1466.20037";
    const std::string expected = std::string("\x30\x1d\x02\x01\x01\x77\x18\x80\x16", 9) + oid;
    EXPECT_EQ(ldap_starttls_request(), expected);
}

std::string ldap_response_bytes(int code, const std::string& diagnostic, unsigned char id = 1) {
    std::string op = std::string("\x0a\x01", 2) + static_cast<char>(code) + std::string("\x04\x00", 2) + '\x04' +
                     static_cast<char>(diagnostic.size()) + diagnostic;
    std::string body = std::string("\x02\x01", 2) + static_cast<char>(id) + '\x78' + static_cast<char>(op.size()) + op;
    return '\x30' + std::string(1, static_cast<char>(body.size())) + body;
}

TEST(starttls_ldap, responses) {
    const std::string ok = ldap_response_bytes(0, "");
    const ldap_response r = parse_ldap_extended_response(ok);
    ASSERT_EQ(r.status, parse_status::complete);
    EXPECT_EQ(r.message_id, 1);
    EXPECT_EQ(r.result_code, 0);
    EXPECT_EQ(r.consumed, ok.size());
    for (std::size_t n = 0; n < ok.size(); ++n)
        EXPECT_EQ(parse_ldap_extended_response(ok.substr(0, n)).status, parse_status::incomplete) << n;

    const ldap_response no = parse_ldap_extended_response(ldap_response_bytes(53, "no TLS here"));
    ASSERT_EQ(no.status, parse_status::complete);
    EXPECT_EQ(no.result_code, 53);
    EXPECT_EQ(no.diagnostic, "no TLS here");
    EXPECT_EQ(ldap_result_name(53), "unwillingToPerform");
}

TEST(starttls_ldap, long_form_lengths_and_malformed_input) {
    // The same success response with a long-form outer length (0x81 0x0c).
    std::string ok = ldap_response_bytes(0, "");
    std::string long_form = std::string("\x30\x81", 2) + ok.substr(1);
    const ldap_response r = parse_ldap_extended_response(long_form);
    ASSERT_EQ(r.status, parse_status::complete);
    EXPECT_EQ(r.result_code, 0);
    EXPECT_EQ(parse_ldap_extended_response("HTTP/1.1 400").status, parse_status::malformed);
    EXPECT_EQ(parse_ldap_extended_response(std::string("\x30\x80", 2)).status, parse_status::malformed);  // indefinite
    EXPECT_EQ(parse_ldap_extended_response(std::string("\x30\x85\x01\x02\x03\x04\x05", 7)).status,
              parse_status::malformed);
    // A BindResponse (tag 0x61) is not an answer to StartTLS.
    std::string bind = ok;
    bind[5] = '\x61';
    EXPECT_EQ(parse_ldap_extended_response(bind).status, parse_status::malformed);
}

TEST(starttls_text, printable_excerpt_escapes_and_cuts) {
    EXPECT_EQ(printable_excerpt("ok\r\n\x1b[31m\\"), "ok\\x0d\\x0a\\x1b[31m\\x5c");
    EXPECT_EQ(line_excerpt("* OK imap\r\n"), "* OK imap");
    EXPECT_EQ(line_excerpt("a\r\nb\n\n"), "a\\x0d\\x0ab");  // only the closing endings go
    EXPECT_EQ(printable_excerpt("\xff\xfe"), "\\xff\\xfe");
    EXPECT_EQ(printable_excerpt(std::string(300, 'a'), 10), std::string(10, 'a') + "...");
}

}  // namespace
}  // namespace tlsaudit::net::detail::starttls
