#include "http_url.hpp"
#include "text/ascii.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <vector>

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

// RFC 3986 5.2.4 on an encoded path: "%2F" stays inside its segment.
std::string remove_dot_segments(std::string_view path) {
    const bool absolute = path.starts_with('/');
    if (absolute) path.remove_prefix(1);
    std::vector<std::string_view> kept;
    for (std::size_t start = 0;;) {
        const auto end = std::min(path.find('/', start), path.size());
        const auto segment = path.substr(start, end - start);
        const bool last = end == path.size();
        if (segment == "..") {
            if (!kept.empty()) kept.pop_back();
            if (last) kept.emplace_back();
        } else if (segment == ".") {
            if (last) kept.emplace_back();
        } else {
            kept.push_back(segment);
        }
        if (last) break;
        start = end + 1;
    }
    return fmt::format("{}{}", absolute ? "/" : "", fmt::join(kept, "/"));
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
    if (ref->has_scheme()) return from_view(*ref, error);
    // RFC 3986 5.2.2 on the encoded parts. Boost.URL's resolve also decodes escapes such as
    // %2F, %2B and %3D in the path, which changes the request (an OCSP GET's base64).
    std::string text = fmt::format("{}://", std::string(base_view->scheme()));
    if (ref->has_authority()) {
        text += fmt::format("{}{}", std::string(ref->encoded_authority()), remove_dot_segments(ref->encoded_path()));
    } else {
        text += std::string(base_view->encoded_authority());
        const std::string_view base_path = base_view->encoded_path();
        const std::string_view path = ref->encoded_path();
        if (path.empty()) text += std::string(base_path.empty() ? "/" : base_path);
        else if (path.starts_with('/')) text += remove_dot_segments(path);
        else
            text += remove_dot_segments(fmt::format(
                "{}{}", base_path.empty() ? "/" : base_path.substr(0, base_path.rfind('/') + 1), std::string(path)));
        if (path.empty() && !ref->has_query() && base_view->has_query())
            text += fmt::format("?{}", std::string(base_view->encoded_query()));
    }
    if (ref->has_query()) text += fmt::format("?{}", std::string(ref->encoded_query()));
    auto dest = urls::parse_uri(text);
    if (!dest) {
        error = "unresolvable redirect location";
        return std::nullopt;
    }
    return from_view(*dest, error);
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
