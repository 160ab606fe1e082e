#include "aia_fetch.hpp"

#include <tlsaudit/revocation.hpp>

namespace tlsaudit::app {

std::optional<bytes> fetch_issuer(const std::string& url, const aia_fetch_limits& limits, std::string* why) {
    revocation::get_limits get;
    get.timeout = limits.timeout;
    get.max_body = limits.max_body;
    get.accept = "application/pkix-cert, application/x-x509-ca-cert, */*";
    get.resolver = limits.resolver;
    get.policy = limits.policy;
    get.budget = limits.budget;
    return revocation::http_get(url, get, why);
}

issuer_fetcher make_issuer_fetcher(const aia_fetch_limits& limits) {
    return [limits](const std::string& url, std::string& why) { return fetch_issuer(url, limits, &why); };
}

}  // namespace tlsaudit::app
