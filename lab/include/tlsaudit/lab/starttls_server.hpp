#pragma once
// STARTTLS for lab TLS servers (server_config::starttls): before the TLS handshake, the
// endpoint speaks enough of SMTP, IMAP, POP3, FTP, XMPP, PostgreSQL or LDAP for a client
// to ask for TLS, then serves its chain exactly like a direct TLS endpoint (same
// counters, same handshake). Loopback only, like every lab server.

#include <string>

namespace tlsaudit::lab {

enum class starttls_answer {
    proceed,         // offers STARTTLS and agrees to it, then TLS
    refuse,          // answers but declines: SMTP EHLO without STARTTLS, IMAP "NO",
                     // POP3 "-ERR", FTP "502", XMPP features without <starttls/>,
                     // PostgreSQL 'N', LDAP resultCode 53 (unwillingToPerform); then closes
    other_protocol,  // answers the connection with an HTTP/1.1 400 response and closes
};

struct starttls_config {
    // "smtp", "imap", "pop3", "ftp", "xmpp", "postgres" or "ldap"; empty: no STARTTLS,
    // TLS from the first byte. Any other name makes server_pool::start throw
    // std::invalid_argument.
    std::string protocol{};
    starttls_answer answer = starttls_answer::proceed;
};

}  // namespace tlsaudit::lab
