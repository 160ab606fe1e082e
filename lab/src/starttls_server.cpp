#include "starttls_session.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <array>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace tlsaudit::lab::detail {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t max_request = 8192;  // a client sends a few short commands

constexpr std::string_view tls_ns = "urn:ietf:params:xml:ns:xmpp-tls";

// Reads from the client until `complete(buffer)` says how much of it is one request
// (npos: not yet). Holds what came after (nothing, for a well-behaved client).
class request_reader {
public:
    explicit request_reader(tcp::socket& socket) : socket_(socket) {}

    template <class Complete>
    asio::awaitable<std::optional<std::string>> next(Complete complete) {
        for (;;) {
            if (const std::size_t n = complete(std::string_view(buffer_)); n != std::string_view::npos) {
                std::string request = buffer_.substr(0, n);
                buffer_.erase(0, n);
                co_return request;
            }
            if (buffer_.size() > max_request) co_return std::nullopt;
            std::array<char, 1024> chunk{};
            auto [ec, got] = co_await socket_.async_read_some(asio::buffer(chunk), use_tuple);
            if (ec) co_return std::nullopt;
            buffer_.append(chunk.data(), got);
        }
    }

    asio::awaitable<std::optional<std::string>> line() {
        return next([](std::string_view b) {
            const std::size_t lf = b.find('\n');
            return lf == std::string_view::npos ? lf : lf + 1;
        });
    }

private:
    tcp::socket& socket_;
    std::string buffer_;
};

std::string_view command_of(std::string_view line) {
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
    return line;
}

asio::awaitable<bool> send(tcp::socket& socket, std::string_view data) {
    auto [ec, n] = co_await asio::async_write(socket, asio::buffer(data), use_tuple);
    co_return !ec;
}

// Sends a last answer, then a clean close (FIN, wait for the client's FIN).
asio::awaitable<bool> send_and_close(tcp::socket& socket, std::string_view data) {
    const bool sent = co_await send(socket, data);
    boost::system::error_code ignored;
    socket.shutdown(tcp::socket::shutdown_send, ignored);
    std::array<char, 1024> sink{};
    for (int i = 0; sent && i < 64; ++i) {  // bounded: a client that closes ends it at once
        auto [ec, n] = co_await socket.async_read_some(asio::buffer(sink), use_tuple);
        if (ec) break;
    }
    socket.close(ignored);
    co_return false;
}

bool proceed(const starttls_config& c) { return c.answer == starttls_answer::proceed; }

asio::awaitable<bool> serve_smtp(tcp::socket& socket, const starttls_config& c) {
    request_reader in(socket);
    const bool greeted = co_await send(socket, "220-mail.lab.test ESMTP tlsaudit lab\r\n220 ready\r\n");
    if (!greeted) co_return false;
    auto ehlo = co_await in.line();
    if (!ehlo || command_of(*ehlo).substr(0, 5) != "EHLO ")
        co_return co_await send_and_close(socket, "500 5.5.1 EHLO first\r\n");
    const std::string_view capabilities =
        proceed(c) ? "250-mail.lab.test\r\n250-PIPELINING\r\n250-STARTTLS\r\n250 8BITMIME\r\n"
                   : "250-mail.lab.test\r\n250-PIPELINING\r\n250 8BITMIME\r\n";
    const bool sent = co_await send(socket, capabilities);
    if (!sent) co_return false;
    auto command = co_await in.line();
    if (!command || command_of(*command) != "STARTTLS") co_return co_await send_and_close(socket, "221 2.0.0 bye\r\n");
    co_return co_await send(socket, "220 2.0.0 Ready to start TLS\r\n");
}

asio::awaitable<bool> serve_imap(tcp::socket& socket, const starttls_config& c) {
    request_reader in(socket);
    const bool greeted = co_await send(socket, "* OK [CAPABILITY IMAP4rev1 STARTTLS] lab IMAP ready\r\n");
    if (!greeted) co_return false;
    auto line = co_await in.line();
    if (!line) co_return false;
    const std::string_view command = command_of(*line);
    const std::string tag(command.substr(0, command.find(' ')));
    if (command != tag + " STARTTLS") co_return co_await send_and_close(socket, "* BAD unexpected command\r\n");
    if (!proceed(c)) co_return co_await send_and_close(socket, tag + " NO STARTTLS is disabled here\r\n");
    co_return co_await send(socket, "* CAPABILITY IMAP4rev1\r\n" + tag + " OK Begin TLS negotiation now\r\n");
}

asio::awaitable<bool> serve_pop3(tcp::socket& socket, const starttls_config& c) {
    request_reader in(socket);
    const bool greeted = co_await send(socket, "+OK lab POP3 ready\r\n");
    if (!greeted) co_return false;
    auto line = co_await in.line();
    if (!line || command_of(*line) != "STLS") co_return co_await send_and_close(socket, "-ERR unexpected command\r\n");
    if (!proceed(c)) co_return co_await send_and_close(socket, "-ERR STLS not available\r\n");
    co_return co_await send(socket, "+OK Begin TLS negotiation\r\n");
}

asio::awaitable<bool> serve_ftp(tcp::socket& socket, const starttls_config& c) {
    request_reader in(socket);
    const bool greeted = co_await send(socket, "220-lab FTP server\r\n no anonymous access\r\n220 ready\r\n");
    if (!greeted) co_return false;
    auto line = co_await in.line();
    if (!line || command_of(*line) != "AUTH TLS")
        co_return co_await send_and_close(socket, "500 unexpected command\r\n");
    if (!proceed(c)) co_return co_await send_and_close(socket, "502 Command not implemented\r\n");
    co_return co_await send(socket, "234 AUTH TLS successful\r\n");
}

asio::awaitable<bool> serve_xmpp(tcp::socket& socket, const starttls_config& c) {
    request_reader in(socket);
    auto header = co_await in.next([](std::string_view b) {
        const std::size_t open = b.find("<stream:stream");
        const std::size_t end = open == std::string_view::npos ? open : b.find('>', open);
        return end == std::string_view::npos ? end : end + 1;
    });
    if (!header) co_return false;
    if (header->find(" to='") == std::string::npos && header->find(" to=\"") == std::string::npos) {
        co_return co_await send_and_close(
            socket,
            "<stream:stream xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>"
            "<stream:error><host-unknown xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>"
            "</stream:stream>");
    }
    const std::string opening =
        "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' "
        "id='lab-1' from='xmpp.lab.test' version='1.0'><stream:features>";
    const std::string features =
        proceed(c)
            ? "<starttls xmlns='" + std::string(tls_ns) + "'><required/></starttls>"
            : std::string(
                  "<mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism></mechanisms>");
    const bool sent = co_await send(socket, opening + features + "</stream:features>");
    if (!sent) co_return false;
    auto request = co_await in.next([](std::string_view b) {
        const std::size_t at = b.find("<starttls");
        const std::size_t end = at == std::string_view::npos ? at : b.find('>', at);
        return end == std::string_view::npos ? end : end + 1;
    });
    if (!request || !proceed(c)) co_return co_await send_and_close(socket, "</stream:stream>");
    co_return co_await send(socket, "<proceed xmlns='" + std::string(tls_ns) + "'/>");
}

asio::awaitable<bool> serve_postgres(tcp::socket& socket, const starttls_config& c) {
    request_reader in(socket);
    auto request = co_await in.next([](std::string_view b) { return b.size() >= 8 ? 8 : std::string_view::npos; });
    if (!request || *request != std::string("\x00\x00\x00\x08\x04\xd2\x16\x2f", 8)) co_return false;
    if (!proceed(c)) co_return co_await send_and_close(socket, "N");
    co_return co_await send(socket, "S");
}

// An LDAPMessage with messageID `id` holding an ExtendedResponse (short BER lengths:
// the lab's messages are small).
std::string ldap_extended_response(unsigned char id, unsigned char result, std::string_view diagnostic) {
    std::string op;
    op += std::string("\x0a\x01", 2) + static_cast<char>(result);  // resultCode
    op += std::string("\x04\x00", 2);                              // matchedDN ""
    op += std::string(1, '\x04') + static_cast<char>(diagnostic.size()) + std::string(diagnostic);
    std::string body = std::string("\x02\x01", 2) + static_cast<char>(id);
    body += std::string(1, '\x78') + static_cast<char>(op.size()) + op;
    return std::string(1, '\x30') + static_cast<char>(body.size()) + body;
}

asio::awaitable<bool> serve_ldap(tcp::socket& socket, const starttls_config& c) {
    request_reader in(socket);
    auto request = co_await in.next([](std::string_view b) {
        if (b.size() < 2) return std::string_view::npos;
        const std::size_t want = 2 + static_cast<unsigned char>(b[1]);
        return b[0] == '\x30' && !(b[1] & 0x80) && b.size() >= want ? want : std::string_view::npos;
    });
    // messageID is the third..fifth byte (02 01 ID) in the client's short message.
    if (!request || request->size() < 5 || request->find("1.3.6.1.4.1.1466.20037") == std::string::npos)
        co_return false;
    const auto id = static_cast<unsigned char>((*request)[4]);
    if (!proceed(c)) co_return co_await send_and_close(socket, ldap_extended_response(id, 53, "TLS is not configured"));
    co_return co_await send(socket, ldap_extended_response(id, 0, ""));
}

}  // namespace

void check_starttls(const starttls_config& config) {
    static constexpr std::array<std::string_view, 7> known{"smtp", "imap", "pop3", "ftp", "xmpp", "postgres", "ldap"};
    if (config.protocol.empty()) return;
    for (const auto name : known)
        if (config.protocol == name) return;
    throw std::invalid_argument("unknown STARTTLS protocol for a lab server: '" + config.protocol + "'");
}

asio::awaitable<bool> serve_starttls(tcp::socket& socket, const starttls_config& c) {
    if (c.answer == starttls_answer::other_protocol) {
        co_return co_await send_and_close(socket,
                                          "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    }
    const std::string& p = c.protocol;
    if (p == "smtp") co_return co_await serve_smtp(socket, c);
    if (p == "imap") co_return co_await serve_imap(socket, c);
    if (p == "pop3") co_return co_await serve_pop3(socket, c);
    if (p == "ftp") co_return co_await serve_ftp(socket, c);
    if (p == "xmpp") co_return co_await serve_xmpp(socket, c);
    if (p == "postgres") co_return co_await serve_postgres(socket, c);
    if (p == "ldap") co_return co_await serve_ldap(socket, c);
    co_return false;
}

}  // namespace tlsaudit::lab::detail
