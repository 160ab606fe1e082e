// Each STARTTLS dialogue driven with scripted server bytes: what the client sends, when
// it starts TLS, and how refusals and foreign protocols are classified.

#include "starttls_dialogue.hpp"
#include "starttls.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tlsaudit::net::detail::starttls {
namespace {

using kind = step::kind;

// Feeds each server message (all at once, or byte by byte) and records what the client
// wrote. Returns the last step.
struct script_run {
    std::vector<std::string> written;
    step last;
};

script_run run(protocol p, const std::vector<std::string>& server, bool byte_by_byte = false) {
    dialogue d(p, "mail.example.com");
    script_run out;
    step s = d.start();
    std::size_t next = 0;
    for (int guard = 0; guard < 100000; ++guard) {
        if (s.what == kind::write) out.written.push_back(s.output);
        if (s.what == kind::start_tls || s.what == kind::fail || next == server.size()) break;
        const std::string& message = server[next++];
        if (!byte_by_byte) {
            s = d.received(message);
            continue;
        }
        for (std::size_t i = 0; i < message.size(); ++i) {
            s = d.received(message.substr(i, 1));
            if (s.what != kind::read && i + 1 < message.size()) {
                ADD_FAILURE() << "step before the message ended, at byte " << i;
                break;
            }
        }
    }
    out.last = s;
    return out;
}

TEST(starttls_dialogue, smtp_success_whole_and_byte_by_byte) {
    const std::vector<std::string> server{"220-mx.example.com ESMTP\r\n220 ready\r\n",
                                          "250-mx.example.com\r\n250-SIZE 1000\r\n250 STARTTLS\r\n",
                                          "220 2.0.0 go ahead\r\n"};
    for (const bool split : {false, true}) {
        const script_run r = run(protocol::smtp, server, split);
        EXPECT_EQ(r.last.what, kind::start_tls) << r.last.error.detail;
        ASSERT_EQ(r.written.size(), 2u);
        EXPECT_EQ(r.written[0].substr(0, 5), "EHLO ");
        EXPECT_EQ(r.written[0].substr(r.written[0].size() - 2), "\r\n");
        EXPECT_EQ(r.written[1], "STARTTLS\r\n");
    }
}

TEST(starttls_dialogue, smtp_refusals) {
    const script_run no_offer = run(protocol::smtp, {"220 hi\r\n", "250-x\r\n250 8BITMIME\r\n"});
    EXPECT_EQ(no_offer.last.what, kind::fail);
    EXPECT_EQ(no_offer.last.error.code, "starttls-refused");
    EXPECT_EQ(no_offer.last.error.stage, "starttls");
    EXPECT_NE(no_offer.last.error.detail.find("does not offer STARTTLS"), std::string::npos);

    const script_run declined =
        run(protocol::smtp, {"220 hi\r\n", "250-x\r\n250 STARTTLS\r\n", "454 4.7.0 TLS not available\r\n"});
    EXPECT_EQ(declined.last.error.code, "starttls-refused");
    EXPECT_NE(declined.last.error.detail.find("454 4.7.0 TLS not available"), std::string::npos);

    EXPECT_EQ(run(protocol::smtp, {"554 no service\r\n"}).last.error.code, "starttls-refused");
}

TEST(starttls_dialogue, smtp_foreign_protocols) {
    const script_run ssh = run(protocol::smtp, {"SSH-2.0-OpenSSH_9.2\r\n"});
    EXPECT_EQ(ssh.last.error.code, "starttls-protocol");
    EXPECT_EQ(run(protocol::smtp, {"+OK POP3\r\n"}).last.error.code, "starttls-protocol");
    EXPECT_EQ(run(protocol::smtp, {"200 hello\r\n"}).last.error.code, "starttls-protocol");
    // An endless line is cut off at the line limit.
    EXPECT_EQ(run(protocol::smtp, {std::string(max_line_bytes + 10, 'x')}).last.error.code, "starttls-protocol");
}

TEST(starttls_dialogue, bytes_after_the_go_ahead_are_refused) {
    // STARTTLS command injection: data pipelined after the 220 would be read as TLS.
    const script_run r = run(protocol::smtp, {"220 hi\r\n", "250-x\r\n250 STARTTLS\r\n", "220 go\r\n250 injected\r\n"});
    EXPECT_EQ(r.last.error.code, "starttls-protocol");
    EXPECT_NE(r.last.error.detail.find("after agreeing"), std::string::npos);
    EXPECT_NE(r.last.error.detail.find("\"250 injected\\x0d\\x0a\""), std::string::npos) << r.last.error.detail;
}

// PostgreSQL's go-ahead is one byte, 'S': another service's banner that starts with it
// ("SSH-2.0-...") is a go-ahead followed by bytes, and the detail quotes them.
TEST(starttls_dialogue, a_banner_read_as_a_postgres_go_ahead_is_shown) {
    const script_run r = run(protocol::postgres, {"SSH-2.0-OpenSSH_9.2\r\n"});
    EXPECT_EQ(r.last.error.code, "starttls-protocol");
    EXPECT_NE(r.last.error.detail.find("\"SH-2.0-OpenSSH_9.2\\x0d\\x0a\""), std::string::npos) << r.last.error.detail;
}

// An answer sent before its question (pipelined with the greeting or the features) is
// refused at once: it was waited for until the deadline, then called a timeout.
TEST(starttls_dialogue, an_answer_before_the_command_is_refused_at_once) {
    const std::string open =
        "<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
        "xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>";
    const std::vector<std::pair<protocol, std::string>> early{
        {protocol::imap, "* OK hi\r\na001 OK go ahead\r\n"},
        {protocol::xmpp, open + "<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"
                                "</stream:features><proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"},
        {protocol::pop3, "+OK hi\r\n+OK go\r\n"},
        {protocol::smtp, "220 hi\r\n250 x\r\n"},
        {protocol::ftp, "220 hi\r\n234 go\r\n"},
    };
    for (const auto& [p, text] : early) {
        const script_run r = run(p, {text});
        EXPECT_EQ(r.last.error.code, "starttls-protocol") << text;
        EXPECT_NE(r.last.error.detail.find("the server sent more before the client's"), std::string::npos)
            << r.last.error.detail;
    }
    // The same after EHLO: a 220 pipelined with the 250 before STARTTLS was sent.
    const script_run smtp = run(protocol::smtp, {"220 hi\r\n", "250-x\r\n250 STARTTLS\r\n220 go\r\n"});
    EXPECT_EQ(smtp.last.error.code, "starttls-protocol");
    EXPECT_NE(smtp.last.error.detail.find("before the client's STARTTLS: \"220 go"), std::string::npos)
        << smtp.last.error.detail;
    // Whitespace between XMPP elements is no answer.
    const script_run xmpp = run(protocol::xmpp, {open + "<stream:features><starttls xmlns='urn:ietf:params:xml:ns:"
                                                        "xmpp-tls'/></stream:features>\n ",
                                                 "<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"});
    EXPECT_EQ(xmpp.last.what, kind::start_tls) << xmpp.last.error.detail;
}

// A line of exactly max_line_bytes whose CR and LF arrive apart is still a line; a long
// multi-line reply a byte at a time is read (and scanned once).
TEST(starttls_dialogue, line_limits_hold_however_the_bytes_arrive) {
    dialogue d(protocol::smtp, "x");
    d.start();
    const std::string line = "220 " + std::string(max_line_bytes - 4, 'a');
    EXPECT_EQ(d.received(line + "\r").what, kind::read);
    const step s = d.received("\n");
    EXPECT_EQ(s.what, kind::write) << s.error.detail;

    std::string ehlo;
    for (int i = 0; i < 1000; ++i) ehlo += "250-EXTENSION" + std::to_string(i) + "\r\n";
    ehlo += "250 STARTTLS\r\n";
    const script_run r = run(protocol::smtp, {"220 hi\r\n", ehlo, "220 go\r\n"}, true);
    EXPECT_EQ(r.last.what, kind::start_tls) << r.last.error.detail;
}

TEST(starttls_dialogue, total_bytes_are_bounded) {
    dialogue d(protocol::smtp, "x");
    d.start();
    step s;
    std::size_t sent = 0;
    const std::string line = "220-" + std::string(1000, 'a') + "\r\n";
    while (s.what == kind::read && sent <= max_exchange_bytes + line.size()) {
        s = d.received(line);
        sent += line.size();
    }
    EXPECT_EQ(s.what, kind::fail);
    EXPECT_EQ(s.error.code, "starttls-protocol");
    EXPECT_LE(sent, max_exchange_bytes + line.size());
}

TEST(starttls_dialogue, imap) {
    const script_run ok =
        run(protocol::imap,
            {"* OK [CAPABILITY IMAP4rev1 STARTTLS] hi\r\n", "* CAPABILITY IMAP4rev1\r\na001 OK begin\r\n"}, true);
    EXPECT_EQ(ok.last.what, kind::start_tls) << ok.last.error.detail;
    ASSERT_EQ(ok.written.size(), 1u);
    EXPECT_EQ(ok.written[0], "a001 STARTTLS\r\n");
    EXPECT_EQ(run(protocol::imap, {"* OK hi\r\n", "a001 NO not now\r\n"}).last.error.code, "starttls-refused");
    EXPECT_EQ(run(protocol::imap, {"* OK hi\r\n", "a001 BAD what\r\n"}).last.error.code, "starttls-refused");
    EXPECT_EQ(run(protocol::imap, {"* PREAUTH logged in\r\n"}).last.error.code, "starttls-refused");
    const script_run bye = run(protocol::imap, {"* OK hi\r\n", "* BYE shutting down\r\n"});
    EXPECT_EQ(bye.last.error.code, "starttls-refused");
    EXPECT_NE(bye.last.error.detail.find("BYE shutting down"), std::string::npos) << bye.last.error.detail;
    EXPECT_EQ(run(protocol::imap, {"220 smtp here\r\n"}).last.error.code, "starttls-protocol");
}

TEST(starttls_dialogue, pop3) {
    const script_run ok = run(protocol::pop3, {"+OK hi\r\n", "+OK go\r\n"}, true);
    EXPECT_EQ(ok.last.what, kind::start_tls);
    ASSERT_EQ(ok.written.size(), 1u);
    EXPECT_EQ(ok.written[0], "STLS\r\n");
    const script_run no = run(protocol::pop3, {"+OK hi\r\n", "-ERR not here\r\n"});
    EXPECT_EQ(no.last.error.code, "starttls-refused");
    EXPECT_NE(no.last.error.detail.find("-ERR not here"), std::string::npos);
    const script_run imap = run(protocol::pop3, {"* OK imap\r\n"});
    EXPECT_EQ(imap.last.error.code, "starttls-protocol");
    EXPECT_EQ(imap.last.error.detail, "expected a POP3 greeting (+OK or -ERR), got '* OK imap'");
}

TEST(starttls_dialogue, ftp) {
    const script_run ok = run(protocol::ftp, {"120 wait\r\n220-hi\r\n text\r\n220 ready\r\n", "234 go\r\n"});
    EXPECT_EQ(ok.last.what, kind::start_tls) << ok.last.error.detail;
    ASSERT_EQ(ok.written.size(), 1u);
    EXPECT_EQ(ok.written[0], "AUTH TLS\r\n");
    EXPECT_EQ(run(protocol::ftp, {"220 hi\r\n", "502 no\r\n"}).last.error.code, "starttls-refused");
    EXPECT_EQ(run(protocol::ftp, {"220 hi\r\n", "200 what\r\n"}).last.error.code, "starttls-protocol");
}

TEST(starttls_dialogue, xmpp) {
    const std::string open =
        "<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
        "xmlns:stream='http://etherx.jabber.org/streams' from='mail.example.com' version='1.0'>";
    const script_run ok = run(protocol::xmpp,
                              {open + "<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"
                                      "</stream:features>",
                               "<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"},
                              true);
    EXPECT_EQ(ok.last.what, kind::start_tls) << ok.last.error.detail;
    ASSERT_EQ(ok.written.size(), 2u);
    EXPECT_NE(ok.written[0].find("to='mail.example.com'"), std::string::npos);
    EXPECT_EQ(ok.written[1], "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
    EXPECT_EQ(run(protocol::xmpp, {open + "<stream:features/>"}).last.error.code, "starttls-refused");
    EXPECT_EQ(run(protocol::xmpp,
                  {open + "<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/></stream:features>",
                   "<failure xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"})
                  .last.error.code,
              "starttls-refused");
    EXPECT_EQ(run(protocol::xmpp, {"HTTP/1.1 400 Bad Request\r\n\r\n"}).last.error.code, "starttls-protocol");
    const script_run other = run(protocol::xmpp, {open + "<stream:features><starttls xmlns='urn:ietf:params:xml:ns:"
                                                         "xmpp-tls'/></stream:features>",
                                                  "<success/>\n"});
    EXPECT_EQ(other.last.error.code, "starttls-protocol");
    EXPECT_EQ(other.last.error.detail, "expected <proceed/> or <failure/>, got '<success/>'")
        << "no line ending quoted";
}

TEST(starttls_dialogue, postgres) {
    const script_run ok = run(protocol::postgres, {"S"});
    EXPECT_EQ(ok.last.what, kind::start_tls);
    ASSERT_EQ(ok.written.size(), 1u);
    EXPECT_EQ(ok.written[0], postgres_ssl_request());
    EXPECT_EQ(run(protocol::postgres, {"N"}).last.error.code, "starttls-refused");
    // An ErrorResponse is quoted by its message field, whole or a byte at a time.
    const std::string fields = std::string("SFATAL\0", 7) + std::string("Munsupported frontend protocol\0", 31) + '\0';
    const auto length = static_cast<char>(4 + fields.size());
    const std::string error = std::string("E\0\0\0", 4) + length + fields;
    for (const bool split : {false, true}) {
        const script_run e = run(protocol::postgres, {error}, split);
        EXPECT_EQ(e.last.error.code, "starttls-refused");
        EXPECT_NE(e.last.error.detail.find("ErrorResponse: unsupported frontend protocol"), std::string::npos)
            << e.last.error.detail;
    }
    EXPECT_EQ(run(protocol::postgres, {"S!"}).last.error.detail,
              "the server sent 1 byte after agreeing to start TLS: \"!\"");
    EXPECT_EQ(run(protocol::postgres, {"H"}).last.error.code, "starttls-protocol");
    // Bytes after the 'S' (sent before the handshake) would be injected into TLS.
    EXPECT_EQ(run(protocol::postgres, {"Sx"}).last.error.code, "starttls-protocol");
}

TEST(starttls_dialogue, ldap) {
    const std::string success("\x30\x0c\x02\x01\x01\x78\x07\x0a\x01\x00\x04\x00\x04\x00", 14);
    const script_run ok = run(protocol::ldap, {success}, true);
    EXPECT_EQ(ok.last.what, kind::start_tls) << ok.last.error.detail;
    ASSERT_EQ(ok.written.size(), 1u);
    EXPECT_EQ(ok.written[0], ldap_starttls_request());
    const std::string busy("\x30\x0e\x02\x01\x01\x78\x09\x0a\x01\x33\x04\x00\x04\x02hi", 16);
    const script_run no = run(protocol::ldap, {busy});
    EXPECT_EQ(no.last.error.code, "starttls-refused");
    EXPECT_NE(no.last.error.detail.find("resultCode 51 (busy): hi"), std::string::npos);
    const std::string notice("\x30\x0c\x02\x01\x00\x78\x07\x0a\x01\x34\x04\x00\x04\x00", 14);
    EXPECT_EQ(run(protocol::ldap, {notice}).last.error.code, "starttls-refused");
    EXPECT_EQ(run(protocol::ldap, {"HTTP/1.1 400\r\n"}).last.error.code, "starttls-protocol");
}

TEST(starttls_dialogue, closed_connection_is_classified) {
    dialogue d(protocol::imap, "x");
    const scan_error e = d.closed();
    EXPECT_EQ(e.stage, "starttls");
    EXPECT_EQ(e.code, "closed");
}

TEST(starttls_dialogue, protocol_names) {
    EXPECT_EQ(parse_protocol("smtp"), protocol::smtp);
    EXPECT_EQ(parse_protocol("postgresql"), protocol::postgres);
    EXPECT_EQ(parse_protocol("ldap"), protocol::ldap);
    EXPECT_FALSE(parse_protocol("SMTP"));
    EXPECT_FALSE(parse_protocol("https"));
}

// A silent server on a port of TLS from the first byte waits for a ClientHello: the
// timeout says to scan it as direct TLS.
TEST(starttls_timeout, names_the_implicit_tls_port) {
    EXPECT_EQ(net::detail::direct_tls_hint(465),
              "; port 465 is usually SMTPS, TLS from the first byte: scan it as direct TLS (host:465, without a "
              "STARTTLS scheme)");
    EXPECT_NE(net::detail::direct_tls_hint(993).find("IMAPS"), std::string::npos);
    for (const std::uint16_t port : std::initializer_list<std::uint16_t>{995, 636, 990})
        EXPECT_NE(net::detail::direct_tls_hint(port), "") << port;
    EXPECT_NE(net::detail::direct_tls_hint(5223).find("XMPP over TLS"), std::string::npos);
    EXPECT_EQ(net::detail::direct_tls_hint(25), "");
    EXPECT_EQ(net::detail::direct_tls_hint(5432), "");  // PostgreSQL has no port of its own for TLS
    EXPECT_EQ(net::detail::direct_tls_hint(0), "");
    EXPECT_EQ(net::detail::direct_tls_hint(587), "");
}

}  // namespace
}  // namespace tlsaudit::net::detail::starttls
