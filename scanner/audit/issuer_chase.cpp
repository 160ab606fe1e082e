#include <tlsaudit/issuer_chase.hpp>

#include <algorithm>

namespace tlsaudit::audit {

issuer_chase::issuer_chase(const chain_verdict& verdict) {
    if (!verdict.path.empty() && verdict.has(verify_problem::missing_issuer)) current_ = verdict.path.back().info;
}

std::optional<std::string> issuer_chase::next_url() {
    if (!current_ || rounds_ >= max_rounds) return std::nullopt;
    const auto& urls = current_->ca_issuer_urls;
    while (next_url_ < urls.size() && asked_this_round_ < max_urls_per_round) {
        const auto& url = urls[next_url_++];
        // Plain HTTP only, as RFC 5280 expects of caIssuers (no TLS to bootstrap TLS).
        if (url.rfind("http://", 0) != 0 || std::find(tried_.begin(), tried_.end(), url) != tried_.end()) continue;
        tried_.push_back(url);
        ++asked_this_round_;
        return url;
    }
    current_.reset();  // no URL of this certificate answered
    return std::nullopt;
}

void issuer_chase::downloaded(std::vector<bytes> certificates, std::optional<cert_info> last) {
    ++rounds_;
    current_.reset();
    next_url_ = 0;
    asked_this_round_ = 0;
    if (certificates.empty()) return;
    certificates_.insert(certificates_.end(), std::make_move_iterator(certificates.begin()),
                         std::make_move_iterator(certificates.end()));
    // The fetched issuer may itself lack its issuer: its own AIA leads the next round.
    if (last && !last->self_issued) current_ = std::move(last);
}

}  // namespace tlsaudit::audit
