#include "audit_runtime.hpp"

#include "exit_codes.hpp"
#include "help_groups.hpp"

#include <tlsaudit/cert_cache.hpp>
#include <tlsaudit/issuer_chase.hpp>
#include <tlsaudit/program_trust.hpp>
#include <tlsaudit/x509.hpp>

#include <fmt/format.h>

#include "number_checks.hpp"
#include "text/ascii.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <map>
#include <string>

namespace tlsaudit::app {

void add_audit_options(CLI::App& cmd, audit_settings& s) {
    cmd.add_option("--ca-file", s.ca_files, "Also trust the CA certificates in this PEM file (repeatable)")
        ->check(CLI::ExistingFile)
        ->group(help_group::trust);
    cmd.add_option("--ca-dir", s.ca_dirs, "Also trust this hashed CA directory (c_rehash layout, repeatable)")
        ->check(CLI::ExistingDirectory)
        ->group(help_group::trust);
    cmd.add_flag("!--no-system-trust", s.system_trust, "Do not load the system trust store")->group(help_group::trust);
    cmd.add_option("--at", s.at, "Evaluate validity and trust at TIME (2021-01-20 or 2021-01-20T12:00:00Z)")
        ->check([](const std::string& v) {
            return audit::parse_time(v) ? std::string() : "not an RFC 3339 date or date-time: " + v;
        })
        ->group(help_group::trust);
    cmd.add_option("--rules", s.rules,
                   "Rules catalogue (JSON) replacing the built-in one, or extending it with \"extends\": \"default\"")
        ->group(help_group::trust);
    cmd.add_option("--expiry-warn-days", s.expiry_warn_days, "Raise cert-expiring this many days before notAfter")
        ->capture_default_str()
        ->check(whole_number_in(0, 3650))
        ->group(help_group::trust);
    cmd.add_flag("--fetch-missing", s.fetch_missing,
                 "Download missing intermediates from the AIA caIssuers URL (plain HTTP) to build the path")
        ->group(help_group::trust);
    const std::map<std::string, validation_profile> profiles{{"browser", validation_profile::browser},
                                                             {"openssl", validation_profile::openssl}};
    cmd.add_option("--profile", s.profile,
                   "Judge chains as browsers do (browser: RFC 5280 strict, Baseline Requirements algorithms, no CN "
                   "fallback) or as OpenSSL's default verification does (openssl)")
        ->transform(CLI::Validator(
            [profiles](std::string& value) {
                const auto it = profiles.find(text::ascii_lower(value));
                if (it == profiles.end()) return std::string("expected browser or openssl");
                value = std::to_string(static_cast<int>(it->second));
                return std::string();
            },
            "{browser,openssl}"))
        ->default_str("browser")
        ->group(help_group::trust);
}

time_point evaluation_time(const audit_settings& settings, time_point now) {
    if (settings.at.empty()) return now;
    const auto t = audit::parse_time(settings.at);
    if (!t) throw config_error("--at: not an RFC 3339 date or date-time: " + settings.at);
    return *t;
}

audit_runtime::audit_runtime(const audit_settings& settings, time_point now, issuer_fetcher fetch)
    : at_(evaluation_time(settings, now)), fetch_(std::move(fetch)) {
    options_.expiry_warn_days = settings.expiry_warn_days;
    options_.profile = settings.profile;
    try {
        rules_ = settings.rules ? audit::load_catalogue(*settings.rules) : audit::default_catalogue();
    } catch (const std::exception& e) {
        throw config_error(std::string("rules: ") + e.what());
    }
    x509::trust_options trust;
    trust.system_default = settings.system_trust;
    trust.ca_files = settings.ca_files;
    trust.ca_dirs = settings.ca_dirs;
    trust.extra_roots = settings.extra_roots;
    trust.profile = settings.profile;
    try {
        store_ = std::make_unique<x509::trust_store>(trust);
    } catch (const std::runtime_error& e) {
        throw config_error(std::string("trust store: ") + e.what());
    }
    cache_ = std::make_unique<x509::verify_cache>(*store_);
}

audit_runtime::~audit_runtime() = default;

// The chase (audit::issuer_chase) decides; this only downloads and parses.
std::vector<bytes> audit_runtime::fetch_missing(const chain_verdict& verdict, std::vector<std::string>& failures) {
    audit::issuer_chase chase(verdict);
    while (const auto url = chase.next_url()) {
        std::string why;
        auto found = fetched_.certificates(*url, fetch_, &why);
        if (!found || found->empty())
            failures.push_back(
                fmt::format("{}: {}", url->size() > 200 ? url->substr(0, 200) + "…" : *url,
                            found ? "no certificate in the answer (DER or PEM; a PKCS#7 bundle is not read)" : why));
        if (!found) continue;  // the certificate's next URL
        std::optional<cert_info> last;
        std::string ignored;
        if (!found->empty()) last = x509::parse_certificate(found->back(), ignored);
        chase.downloaded(std::move(*found), std::move(last));
    }
    return chase.take_certificates();
}

std::shared_ptr<const chain_verdict> audit_runtime::verify(const endpoint_result& result) {
    if (result.cap.error || result.cap.chain.empty()) return nullptr;
    return cache_->verify(result.cap.chain, at_, {}, x509::chain_identity(result.cap.chain, result.certs),
                          result.certs);
}

bool audit_runtime::will_fetch(const endpoint_result& result) {
    if (!fetch_) return false;
    const auto lacks = [this](const endpoint_result& chain) {
        const auto verdict = verify(chain);
        return verdict && verdict->has(verify_problem::missing_issuer);
    };
    return lacks(result) || std::any_of(result.other_chains.begin(), result.other_chains.end(), lacks);
}

std::shared_ptr<const chain_verdict> audit_runtime::audit(endpoint_result& result) {
    result.rules_version = rules_.version;
    auto verdict = verify(result);
    if (!verdict) return nullptr;
    std::vector<std::string> failures;  // --fetch-missing's downloads that gave no certificate
    if (fetch_ && verdict->has(verify_problem::missing_issuer)) {
        const auto extra = fetch_missing(*verdict, failures);
        if (!extra.empty())
            verdict = cache_->verify(result.cap.chain, at_, extra, x509::chain_identity(result.cap.chain, result.certs),
                                     result.certs);
    }
    // One judgement for the record's verdicts and the audit's root-program-untrusted.
    const auto programs = programs_.judge(result, at_, verdict, rules_);
    auto findings = audit::audit_endpoint(result, at_, verdict.get(), rules_, options_, programs.get(), failures);
    if (programs) result.trust = programs->trust;
    result.findings.insert(result.findings.end(), std::make_move_iterator(findings.begin()),
                           std::make_move_iterator(findings.end()));
    return verdict;
}

void audit_runtime::add_revocation(endpoint_result& result, std::vector<std::optional<revocation_status>> statuses,
                                   bool hard) const {
    result.revocation = std::move(statuses);
    auto findings = audit::audit_revocation(result.revocation, result.certs, hard, rules_);
    result.findings.insert(result.findings.end(), std::make_move_iterator(findings.begin()),
                           std::make_move_iterator(findings.end()));
}

std::optional<name_result> audit_runtime::track(const endpoint_result& result) {
    return deployments_.add(result, rules_);
}

std::vector<name_result> audit_runtime::finish() { return deployments_.finish(rules_); }

}  // namespace tlsaudit::app
