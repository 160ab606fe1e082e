#pragma once
// --fetch-missing (scanner/audit): which issuer certificates to download, from which AIA
// caIssuers URLs, to complete a path the trust store could not build. Sans-I/O: the
// caller downloads (the app, through scanner/revocation's HTTP client) and parses
// (scanner/x509); the chase only decides what to ask next and when to stop, so a
// hostile chain cannot lead it on forever.
//
// It starts at the last certificate of the built path when the verdict says an issuer
// is missing, and asks for that certificate's http:// caIssuers URLs in order, never one
// URL twice. The first download that succeeds ends the round: its certificates are kept,
// and its last certificate, unless self-issued, starts the next round. The chase ends
// after max_rounds rounds, when every URL of a round failed (only the first
// max_urls_per_round http:// URLs of a certificate are asked: a certificate naming hundreds
// would hold its scan thread for hundreds of timeouts), when a download held no
// certificate, or at a self-issued certificate.

#include <tlsaudit/model.hpp>
#include <tlsaudit/trust.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace tlsaudit::audit {

class issuer_chase {
public:
    static constexpr int max_rounds = 4;                  // issuers fetched per chain at most
    static constexpr std::size_t max_urls_per_round = 4;  // URLs asked of one certificate at most

    // Nothing to chase unless `verdict` has a path and a missing_issuer error.
    explicit issuer_chase(const chain_verdict& verdict);

    // The next URL to download, or nullopt when the chase is over. Calling it again
    // without downloaded() means the last URL failed: the certificate's next URL comes.
    std::optional<std::string> next_url();

    // The URL last returned answered: `certificates` are the ones its body held (DER, in
    // order; empty when it held none that could be read), `last` the parsed last one
    // (nullopt when it does not parse). Ends the round.
    void downloaded(std::vector<bytes> certificates, std::optional<cert_info> last);

    // Every certificate downloaded so far, in order: untrusted helpers for validation.
    std::vector<bytes> take_certificates() { return std::move(certificates_); }

private:
    std::optional<cert_info> current_;  // the certificate whose issuer is sought
    std::size_t next_url_ = 0;          // index into current_->ca_issuer_urls
    std::size_t asked_this_round_ = 0;
    int rounds_ = 0;
    std::vector<std::string> tried_;
    std::vector<bytes> certificates_;
};

}  // namespace tlsaudit::audit
