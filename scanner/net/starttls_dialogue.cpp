#include "starttls_dialogue.hpp"

#include <fmt/format.h>

#include <utility>

namespace tlsaudit::net::detail::starttls {
namespace {

constexpr std::string_view stage = "starttls";
constexpr std::string_view imap_tag = "a001";

step read() { return step{}; }
step write(std::string bytes) { return step{step::kind::write, std::move(bytes), {}}; }

step fail(const char* code, std::string detail) {
    return step{step::kind::fail, {}, scan_error{std::string(stage), code, std::move(detail)}};
}
step refused(std::string detail) { return fail(error_codes::starttls_refused, std::move(detail)); }
step not_protocol(std::string detail) { return fail(error_codes::starttls_protocol, std::move(detail)); }

std::string_view name_of(protocol p) {
    switch (p) {
    case protocol::smtp: return "SMTP";
    case protocol::imap: return "IMAP";
    case protocol::pop3: return "POP3";
    case protocol::ftp: return "FTP";
    case protocol::xmpp: return "XMPP";
    case protocol::postgres: return "PostgreSQL";
    case protocol::ldap: return "LDAP";
    }
    return "?";
}

std::string first_line(const coded_reply& r) {
    return fmt::format(
        "{} {}", r.code,
        printable_excerpt(r.lines.empty() ? std::string_view{} : std::string_view(r.lines.front()), 160));
}

bool is_failure_code(int code) { return code >= 400 && code <= 599; }

}  // namespace

std::optional<protocol> parse_protocol(std::string_view name) {
    if (name == "smtp") return protocol::smtp;
    if (name == "imap") return protocol::imap;
    if (name == "pop3") return protocol::pop3;
    if (name == "ftp") return protocol::ftp;
    if (name == "xmpp") return protocol::xmpp;
    if (name == "postgres" || name == "postgresql") return protocol::postgres;
    if (name == "ldap") return protocol::ldap;
    return std::nullopt;
}

dialogue::dialogue(protocol p, std::string domain) : protocol_(p), domain_(std::move(domain)) {}

step dialogue::start() {
    switch (protocol_) {
    case protocol::xmpp: return write(xmpp_stream_header(domain_));
    case protocol::postgres: phase_ = phase::answer; return write(postgres_ssl_request());
    case protocol::ldap: phase_ = phase::answer; return write(ldap_starttls_request());
    default: return read();
    }
}

step dialogue::received(std::string_view data) {
    received_ += data.size();
    if (received_ > max_exchange_bytes) {
        return not_protocol(
            fmt::format("the server sent more than {} bytes without completing the {} STARTTLS exchange",
                        max_exchange_bytes, name_of(protocol_)));
    }
    buffer_.append(data);
    return advance();
}

// What the server sent after its go-ahead, with the start of it: a PostgreSQL "S" that was
// the first letter of another service's banner ("SSH-2.0-...") shows itself.
std::string dialogue::after_agreeing() const {
    return fmt::format("the server sent {} {} after agreeing to start TLS: \"{}\"", buffer_.size(),
                       buffer_.size() == 1 ? "byte" : "bytes", printable_excerpt(buffer_, 40));
}

// The client's next command, unless the server has already sent more: an answer before
// the question (a pipelined "OK" to a STARTTLS not yet sent, the shape of a command
// injection) is never taken, and waiting for it would only end at the deadline.
step dialogue::command(std::string bytes, std::string_view name) {
    if (protocol_ == protocol::xmpp && buffer_.find_first_not_of(" \t\r\n") == std::string::npos)
        buffer_.clear();  // whitespace between XML elements (keep-alives)
    if (!buffer_.empty())
        return not_protocol(
            fmt::format("the server sent more before the client's {}: \"{}\"", name, printable_excerpt(buffer_, 40)));
    return write(std::move(bytes));
}

scan_error dialogue::closed() const {
    return scan_error{
        std::string(stage), error_codes::closed,
        fmt::format("connection closed by the server during the {} STARTTLS exchange", name_of(protocol_))};
}

step dialogue::advance() {
    if (phase_ == phase::done) {
        return not_protocol(after_agreeing());
    }
    switch (protocol_) {
    case protocol::smtp:
    case protocol::ftp: return smtp_like();
    case protocol::imap: return imap();
    case protocol::pop3: return pop3();
    case protocol::xmpp: return xmpp();
    case protocol::postgres: return postgres();
    case protocol::ldap: return ldap();
    }
    return not_protocol("unknown protocol");
}

// The server agreed; bytes after its answer would be read as TLS (or injected before
// it), so they make the exchange fail.
step dialogue::finish(std::size_t consumed) {
    buffer_.erase(0, consumed);
    phase_ = phase::done;
    if (!buffer_.empty()) {
        return not_protocol(after_agreeing());
    }
    return step{step::kind::start_tls, {}, {}};
}

step dialogue::smtp_like() {
    const bool smtp = protocol_ == protocol::smtp;
    for (;;) {
        if (!coded_reply_may_end(buffer_, smtp, scanned_)) return read();
        const coded_reply reply = parse_coded_reply(buffer_, smtp);
        if (reply.status == parse_status::incomplete) return read();
        if (reply.status == parse_status::malformed) return not_protocol(reply.problem);
        buffer_.erase(0, reply.consumed);
        scanned_ = 0;
        const int code = reply.code;
        switch (phase_) {
        case phase::greeting:
            if (!smtp && code >= 100 && code <= 199) continue;  // FTP 120: ready in a while
            if (code == 220) {
                phase_ = smtp ? phase::capabilities : phase::answer;
                return smtp ? command("EHLO tlsaudit.invalid\r\n", "EHLO") : command("AUTH TLS\r\n", "AUTH TLS");
            }
            if (is_failure_code(code)) return refused("greeting: " + first_line(reply));
            return not_protocol(fmt::format("expected a 220 greeting, got {}", first_line(reply)));
        case phase::capabilities:
            if (code == 250) {
                if (!ehlo_offers_starttls(reply)) return refused("the EHLO reply does not offer STARTTLS");
                phase_ = phase::answer;
                return command("STARTTLS\r\n", "STARTTLS");
            }
            if (is_failure_code(code)) return refused("EHLO: " + first_line(reply));
            return not_protocol(fmt::format("expected 250 to EHLO, got {}", first_line(reply)));
        case phase::answer: {
            const int proceed = smtp ? 220 : 234;
            if (code == proceed) return finish(0);
            if (is_failure_code(code)) return refused((smtp ? "STARTTLS: " : "AUTH TLS: ") + first_line(reply));
            return not_protocol(
                fmt::format("expected {} to {}, got {}", proceed, smtp ? "STARTTLS" : "AUTH TLS", first_line(reply)));
        }
        case phase::done: break;
        }
        return not_protocol("unexpected reply");
    }
}

step dialogue::imap() {
    for (;;) {
        const imap_line line = parse_imap_line(buffer_);
        if (line.status == parse_status::incomplete) return read();
        if (line.status == parse_status::malformed) return not_protocol("an IMAP response line is invalid or too long");
        buffer_.erase(0, line.consumed);
        const std::string text = printable_excerpt(line.text, 160);
        if (phase_ == phase::greeting) {
            if (line.tag != "*") return not_protocol("expected an IMAP greeting ('* OK'), got '" + text + "'");
            if (line.condition == "OK") {
                phase_ = phase::answer;
                return command(std::string(imap_tag) + " STARTTLS\r\n", "STARTTLS");
            }
            if (line.condition == "PREAUTH" || line.condition == "BYE") return refused("greeting: " + text);
            return not_protocol("expected an IMAP greeting ('* OK'), got '" + text + "'");
        }
        if (line.tag == "*" && line.condition == "BYE") return refused("STARTTLS: " + text);
        if (line.tag == "*") continue;  // untagged data (CAPABILITY, ...) before the answer
        if (line.tag != imap_tag) return not_protocol("expected the tagged answer to STARTTLS, got '" + text + "'");
        if (line.condition == "OK") return finish(0);
        if (line.condition == "NO" || line.condition == "BAD") return refused("STARTTLS: " + text);
        return not_protocol("expected OK, NO or BAD to STARTTLS, got '" + text + "'");
    }
}

step dialogue::pop3() {
    const pop3_line line = parse_pop3_line(buffer_);
    if (line.status == parse_status::incomplete) return read();
    const std::string what = phase_ == phase::greeting ? "greeting" : "STLS";
    if (line.status == parse_status::malformed) {
        return not_protocol("expected a POP3 " + what + " (+OK or -ERR), got '" +
                            line_excerpt(buffer_.substr(0, line.consumed ? line.consumed : 60), 160) + "'");
    }
    buffer_.erase(0, line.consumed);
    if (!line.ok) return refused(what + ": " + printable_excerpt(line.text, 160));
    if (phase_ == phase::answer) return finish(0);
    phase_ = phase::answer;
    return command("STLS\r\n", "STLS");
}

step dialogue::xmpp() {
    if (phase_ == phase::greeting) {
        const xmpp_features features = parse_xmpp_features(buffer_);
        if (features.status == parse_status::incomplete) return read();
        if (features.status == parse_status::malformed) return not_protocol(features.problem);
        buffer_.erase(0, features.consumed);
        if (!features.stream_error.empty())
            return refused("stream error: " + printable_excerpt(features.stream_error, 80));
        if (!features.offers_starttls) return refused("the stream features do not offer <starttls/>");
        phase_ = phase::answer;
        return command("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>", "<starttls/>");
    }
    const xmpp_answer answer = parse_xmpp_answer(buffer_);
    if (answer.status == parse_status::incomplete) return read();
    if (answer.status == parse_status::malformed) return not_protocol(answer.problem);
    if (!answer.proceed) return refused("the server answered <failure/> to <starttls/>");
    return finish(answer.consumed);
}

step dialogue::postgres() {
    if (buffer_.empty()) return read();
    const char answer = buffer_.front();
    if (answer == 'S') return finish(1);
    if (answer == 'N') return refused("the server answered 'N' to SSLRequest: it does not accept TLS");
    if (answer == 'E') {
        // ErrorResponse: 'E', a length (itself included), then fields, each a type byte and a
        // zero-terminated string, up to a zero byte; 'M' is the message.
        constexpr std::string_view refusal = "the server answered SSLRequest with an ErrorResponse";
        if (buffer_.size() < 5) return read();
        const auto byte = [this](std::size_t i) {
            return static_cast<std::uint32_t>(static_cast<unsigned char>(buffer_[i]));
        };
        const std::uint32_t length = byte(1) << 24U | byte(2) << 16U | byte(3) << 8U | byte(4);
        if (length < 4 || length > max_exchange_bytes) return refused(std::string(refusal));
        if (buffer_.size() < 1 + std::size_t{length}) return read();
        const std::string_view fields = std::string_view(buffer_).substr(5, length - 4);
        for (std::size_t at = 0; at < fields.size() && fields[at] != '\0';) {
            const auto end = fields.find('\0', at + 1);
            if (end == std::string_view::npos) break;
            if (fields[at] == 'M')
                return refused(
                    fmt::format("{}: {}", refusal, printable_excerpt(fields.substr(at + 1, end - at - 1), 160)));
            at = end + 1;
        }
        return refused(std::string(refusal));
    }
    return not_protocol("expected 'S' or 'N' to SSLRequest, got byte " + printable_excerpt(buffer_.substr(0, 1)));
}

step dialogue::ldap() {
    const ldap_response response = parse_ldap_extended_response(buffer_);
    if (response.status == parse_status::incomplete) return read();
    if (response.status == parse_status::malformed) return not_protocol(response.problem);
    const std::string diagnostic =
        response.diagnostic.empty() ? std::string() : ": " + printable_excerpt(response.diagnostic, 160);
    if (response.message_id == 0) return refused("the server sent a notice of disconnection" + diagnostic);
    if (response.message_id != 1)
        return not_protocol(fmt::format("the answer carries messageID {}, not 1", response.message_id));
    if (response.result_code == 0) return finish(response.consumed);
    const std::string_view name = ldap_result_name(response.result_code);
    return refused(fmt::format("StartTLS resultCode {}{}{}", response.result_code,
                               name.empty() ? std::string() : fmt::format(" ({})", name), diagnostic));
}

}  // namespace tlsaudit::net::detail::starttls
