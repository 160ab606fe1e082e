#include "http_url.hpp"
#include "text/ascii.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

#include <fmt/format.h>

namespace tlsaudit::revocation::detail {
namespace {

namespace urls = boost::urls;

std::optional<http_url> from_view(const urls::url_view_base& u, std::string& error) {
    if (!u.has_scheme() || text::ascii_lower(u.scheme()) != "http") {
        error = fmt::format("refused: only http:// URLs are fetched, not '{}:'", std::string(u.scheme()));
        return std::nullopt;
    }
    if (u.has_userinfo()) {
        error = "refused: URL with user information";
        return std::nullopt;
    }
    http_url out;
    switch (u.host_type()) {
    case urls::host_type::name:
    case urls::host_type::ipv4: out.host = u.host_address(); break;
    case urls::host_type::ipv6: out.host = u.host_ipv6_address().to_string(); break;
    default: error = "refused: URL without a usable host"; return std::nullopt;
    }
    if (out.host.empty()) {
        error = "refused: URL without a host";
        return std::nullopt;
    }
    if (u.has_port()) {
        if (u.port_number() == 0) {
            error = fmt::format("refused: bad port '{}'", std::string(u.port()));
            return std::nullopt;
        }
        out.port = u.port_number();
    }
    out.host_header = std::string(u.encoded_host_and_port());
    out.target = std::string(u.encoded_target());
    if (out.target.empty()) out.target = "/";
    if (out.target.front() != '/') out.target.insert(out.target.begin(), '/');
    out.text = std::string(u.buffer());
    return out;
}

}  // namespace

std::optional<http_url> parse_http_url(std::string_view text, std::string& error) {
    auto parsed = urls::parse_absolute_uri(text);
    if (!parsed) {
        // Distinguish "https://..." (refused scheme) from garbage for a clearer reason.
        auto any = urls::parse_uri(text);
        if (any) return from_view(*any, error);
        error = fmt::format("malformed URL '{}'", std::string(text.substr(0, 200)));
        return std::nullopt;
    }
    return from_view(*parsed, error);
}

std::optional<http_url> resolve_location(const http_url& base, std::string_view location, std::string& error) {
    auto base_view = urls::parse_uri(base.text);
    auto ref = urls::parse_uri_reference(location);
    if (!base_view || !ref) {
        error = fmt::format("malformed redirect location '{}'", std::string(location.substr(0, 200)));
        return std::nullopt;
    }
    urls::url dest;
    if (!urls::resolve(*base_view, *ref, dest)) {
        error = "unresolvable redirect location";
        return std::nullopt;
    }
    return from_view(dest, error);
}

std::string ocsp_get_target(const http_url& base, std::string_view base64_request) {
    std::string target = base.target;
    if (target.back() != '/') target += '/';
    for (char c : base64_request) {
        switch (c) {
        case '+': target += "%2B"; break;
        case '/': target += "%2F"; break;
        case '=': target += "%3D"; break;
        default: target += c;
        }
    }
    return target;
}

}  // namespace tlsaudit::revocation::detail
