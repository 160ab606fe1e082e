#pragma once
// The client side of each STARTTLS exchange as a sans-I/O state machine: it is told what
// the server sent and answers with what to do next (read more, write bytes, start TLS,
// or give up with a classified error). starttls.cpp drives it over a socket; the tests
// drive it with plain data.

#include "starttls_replies.hpp"

#include <tlsaudit/model.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace tlsaudit::net::detail::starttls {

enum class protocol { smtp, imap, pop3, ftp, xmpp, postgres, ldap };

// "smtp", ... as in target::starttls ("postgresql" too); nullopt for anything else.
std::optional<protocol> parse_protocol(std::string_view name);

struct step {
    enum class kind {
        read,       // wait for more bytes from the server
        write,      // send `output`, then read
        start_tls,  // the server agreed: the TLS handshake comes next
        fail,       // `error` (stage "starttls") says why
    };
    kind what = kind::read;
    std::string output;
    scan_error error;
};

// Not thread-safe; one per connection. Bounded: at most max_exchange_bytes are accepted
// over the whole exchange, at most max_line_bytes per line.
class dialogue {
public:
    // `domain`: the name the XMPP stream is opened to (the target's SNI name or host).
    dialogue(protocol p, std::string domain);

    // The first step: write for protocols where the client speaks first, else read.
    step start();
    // The server sent `data` (appended to what came before).
    step received(std::string_view data);
    // The server closed the connection before the exchange ended.
    scan_error closed() const;
    std::string after_agreeing() const;

private:
    enum class phase { greeting, capabilities, answer, done };

    step advance();
    step smtp_like();
    step imap();
    step pop3();
    step xmpp();
    step postgres();
    step ldap();
    step finish(std::size_t consumed);
    step command(std::string bytes, std::string_view name);

    protocol protocol_;
    std::string domain_;
    phase phase_ = phase::greeting;
    std::string buffer_;        // received and not yet consumed
    std::size_t received_ = 0;  // received in total
    std::size_t scanned_ = 0;   // of buffer_, lines that end no coded reply (smtp_like)
};

}  // namespace tlsaudit::net::detail::starttls
