// XMPP (RFC 6120) STARTTLS: the server's stream features and its answer to <starttls/>.

#include "starttls_replies.hpp"

#include "text/xml_text.hpp"

namespace tlsaudit::net::detail::starttls {
namespace {

std::string_view trim_left(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n'))
        s.remove_prefix(1);
    return s;
}

constexpr std::string_view tls_ns = "urn:ietf:params:xml:ns:xmpp-tls";

// The element starting at `open` ("<name ...>" or "<name .../>") ends at the returned
// index (one past its '>'), or npos when the '>' has not arrived.
std::size_t tag_end(std::string_view in, std::size_t open) {
    const std::size_t close = in.find('>', open);
    return close == std::string_view::npos ? close : close + 1;
}

// The xmpp-tls namespace as an attribute value, in either quotes.
bool has_tls_namespace(std::string_view tag) {
    for (std::size_t at = tag.find(tls_ns); at != std::string_view::npos; at = tag.find(tls_ns, at + 1)) {
        const std::size_t end = at + tls_ns.size();
        if (at > 0 && end < tag.size() && (tag[at - 1] == '\'' || tag[at - 1] == '"') && tag[end] == tag[at - 1])
            return true;
    }
    return false;
}

// The first child element's name inside <stream:error>, e.g. "host-unknown".
std::string stream_error_name(std::string_view in, std::size_t at) {
    const std::size_t end = tag_end(in, at);
    if (end == std::string_view::npos) return "stream error";
    const std::size_t child = in.find('<', end);
    if (child == std::string_view::npos || child + 1 >= in.size() || in[child + 1] == '/') return "stream error";
    const std::size_t name_end = in.find_first_of(" />\t\r\n", child + 1);
    return std::string(in.substr(child + 1, name_end == std::string_view::npos ? 64 : name_end - child - 1));
}

// `xml` without its comments (<!-- ... -->; an unclosed one runs to the end). XMPP forbids
// comments (RFC 6120 11.1); a <starttls/> inside one is no offer.
std::string without_comments(std::string_view xml) {
    std::string out;
    for (std::size_t at = 0; at < xml.size();) {
        const std::size_t open = xml.find("<!--", at);
        out.append(xml.substr(at, open == std::string_view::npos ? std::string_view::npos : open - at));
        if (open == std::string_view::npos) break;
        const std::size_t close = xml.find("-->", open + 4);
        at = close == std::string_view::npos ? xml.size() : close + 3;
    }
    return out;
}

}  // namespace

xmpp_features parse_xmpp_features(std::string_view in) {
    xmpp_features r;
    const std::string_view body = trim_left(in);
    if (body.empty()) return r;
    if (!could_become(body, "<?xml") && !could_become(body, "<stream:stream")) {
        r.status = parse_status::malformed;
        r.problem = "the server's first bytes are not an XMPP stream header: '" + line_excerpt(body, 40) + "'";
        return r;
    }
    if (const std::size_t err = in.find("<stream:error"); err != std::string_view::npos) {
        r.status = parse_status::complete;
        r.stream_error = stream_error_name(in, err);
        r.consumed = in.size();
        return r;
    }
    if (in.find("</stream:stream>") != std::string_view::npos) {
        r.status = parse_status::complete;
        r.stream_error = "the server closed the stream";
        r.consumed = in.size();
        return r;
    }
    const std::size_t open = in.find("<stream:features");
    if (open == std::string_view::npos) return r;
    const std::size_t open_end = tag_end(in, open);
    if (open_end == std::string_view::npos) return r;
    std::size_t end = open_end;
    if (in[open_end - 2] != '/') {
        constexpr std::string_view closing = "</stream:features>";
        const std::size_t close = in.find(closing, open_end);
        if (close == std::string_view::npos) return r;
        end = close + closing.size();
        const std::string uncommented = without_comments(in.substr(open_end, close - open_end));
        const std::string_view features = uncommented;
        for (std::size_t at = features.find("<starttls"); at != std::string_view::npos;
             at = features.find("<starttls", at + 1)) {
            const std::size_t e = tag_end(features, at);
            if (e != std::string_view::npos && has_tls_namespace(features.substr(at, e - at))) r.offers_starttls = true;
        }
    }
    r.status = parse_status::complete;
    r.consumed = end;
    return r;
}

xmpp_answer parse_xmpp_answer(std::string_view in) {
    xmpp_answer r;
    const std::string_view body = trim_left(in);
    if (body.empty()) return r;
    for (const std::string_view name : {std::string_view("<proceed"), std::string_view("<failure")}) {
        if (body.size() < name.size()) {
            if (could_become(body, name)) return r;
            continue;
        }
        if (body.substr(0, name.size()) != name) continue;
        const std::size_t end = tag_end(body, 0);
        if (end == std::string_view::npos) return r;
        if (!has_tls_namespace(body.substr(0, end))) {
            r.status = parse_status::malformed;
            r.problem = "the answer to <starttls/> is not in the xmpp-tls namespace";
            return r;
        }
        std::size_t whole = end;  // through the element's end
        if (name == "<proceed" && !body.substr(0, end).ends_with("/>")) {
            // <proceed ...></proceed>, the long form of the empty element: TLS starts after
            // its end tag, not after the start tag.
            constexpr std::string_view end_tag = "</proceed>";
            const std::string_view rest = trim_left(body.substr(end));
            if (!rest.starts_with(end_tag)) {
                if (could_become(rest, end_tag)) return r;  // more to come
                r.status = parse_status::malformed;
                r.problem = "expected </proceed> after <proceed>, got '" + line_excerpt(rest, 60) + "'";
                return r;
            }
            whole = body.size() - rest.size() + end_tag.size();
        }
        r.status = parse_status::complete;
        r.proceed = name == "<proceed";
        std::size_t consumed = in.size() - body.size() + whole;
        if (!r.proceed) consumed = in.size();  // the rest is the stream's end, ignored
        r.consumed = consumed;
        return r;
    }
    r.status = parse_status::malformed;
    r.problem = "expected <proceed/> or <failure/>, got '" + line_excerpt(body, 60) + "'";
    return r;
}

std::string xmpp_stream_header(std::string_view domain) {
    return "<?xml version='1.0'?><stream:stream to='" + text::xml_escape(domain) +
           "' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>";
}

}  // namespace tlsaudit::net::detail::starttls
