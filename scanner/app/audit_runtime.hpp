#pragma once
// The audit as the commands use it: options shared by `scan`, `demo` and `check`
// (--ca-file, --ca-dir, --at, --rules, --expiry-warn-days, --fetch-missing, --profile), and the
// run-time objects built from them once per run (catalogue, trust store, validation
// cache, per-program judgements, deployment tracker).

#include "issuer_memo.hpp"

#include <tlsaudit/audit.hpp>
#include <tlsaudit/fetch_policy.hpp>
#include <tlsaudit/program_trust.hpp>
#include <tlsaudit/result.hpp>
#include <tlsaudit/rules.hpp>
#include <tlsaudit/trust.hpp>

#include <CLI/App.hpp>

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tlsaudit::app {

struct audit_settings {
    std::vector<std::filesystem::path> ca_files;
    std::vector<std::filesystem::path> ca_dirs;
    bool system_trust = true;                    // --no-system-trust turns it off
    std::string at;                              // --at; empty: the start of the run
    std::optional<std::filesystem::path> rules;  // --rules
    int expiry_warn_days = 30;
    bool fetch_missing = false;
    // Where AIA (and, in a scan, OCSP and CRL) fetches may go: fetch_options.hpp.
    ip::fetch_policy fetch;
    std::vector<bytes> extra_roots;                            // set by code (the demo lab's roots)
    validation_profile profile = validation_profile::browser;  // --profile
};

// Adds the audit options to a subcommand; --at is validated at parse time.
void add_audit_options(CLI::App& cmd, audit_settings& settings);

// Fetches the DER or PEM body behind an AIA caIssuers URL, or nullopt with the reason in
// `why`; must be thread-safe. Set by the app when --fetch-missing is on.
using issuer_fetcher = std::function<std::optional<bytes>(const std::string& url, std::string& why)>;

// The evaluation time: --at, else `now` (the start of the run). Throws config_error for a
// bad --at.
time_point evaluation_time(const audit_settings& settings, time_point now);

class audit_runtime {
public:
    // Loads the catalogue and the trust store. Throws config_error (exit code 2) for a
    // malformed or unreadable rules file, a bad --at, or an unusable --ca-file/--ca-dir.
    // `now` is the evaluation time when --at is not given.
    audit_runtime(const audit_settings& settings, time_point now, issuer_fetcher fetch = {});
    ~audit_runtime();
    audit_runtime(const audit_runtime&) = delete;
    audit_runtime& operator=(const audit_runtime&) = delete;

    // Validates and judges per program (once per distinct chain), then audits `result`:
    // sets its per-program verdicts (trust) and rules_version, appends the findings.
    // Thread-safe. Returns the verdict (null when nothing was served).
    std::shared_ptr<const chain_verdict> audit(endpoint_result& result);

    // Whether audit() will download issuers for `result` (--fetch-missing, and a chain of
    // it, served or other, lacks one): the caller may run audit() where waiting on the
    // network costs nothing. Validates, once per distinct chain as audit() does.
    bool will_fetch(const endpoint_result& result);

    // Stores the revocation verdicts (parallel to the served chain) on `result` and
    // appends their findings (audit::audit_revocation with this run's rules); `hard`:
    // --revocation hard. Thread-safe.
    void add_revocation(endpoint_result& result, std::vector<std::optional<revocation_status>> statuses,
                        bool hard) const;

    // Records an endpoint (failed ones too) for inconsistent-deployment; returns the
    // name's result when this was its target's last endpoint and the addresses disagree.
    // Thread-safe.
    std::optional<name_result> track(const endpoint_result& result);

    // Name-level results for targets whose endpoints did not all arrive; call once at
    // the end of the run.
    std::vector<name_result> finish();

    const audit::catalogue& rules() const { return rules_; }
    time_point at() const { return at_; }
    std::size_t validations() const { return cache_->validations(); }
    std::size_t program_judgements() const { return programs_.judgements(); }

private:
    std::shared_ptr<const chain_verdict> verify(const endpoint_result& result);
    // The certificates the chase downloaded; each URL that gave none, with why, in `failures`.
    std::vector<bytes> fetch_missing(const chain_verdict& verdict, std::vector<std::string>& failures);

    audit::catalogue rules_;
    audit::options options_;
    time_point at_;
    std::unique_ptr<x509::trust_store> store_;
    std::unique_ptr<x509::verify_cache> cache_;
    issuer_fetcher fetch_;
    issuer_memo fetched_;
    audit::deployment_tracker deployments_;
    audit::program_cache programs_;  // per distinct chain, as cache_
};

}  // namespace tlsaudit::app
