#pragma once
// Revocation as the scanning commands use it: the options (--no-revocation,
// --revocation soft|hard, --revocation-order, --revocation-depth, --revocation-cache,
// --crl-max-bytes, --revocation-timeout) and the step that completes an endpoint
// result with statuses and findings (see README, "Revocation (OCSP and CRL)").

#include <tlsaudit/result.hpp>
#include <tlsaudit/revocation.hpp>
#include <tlsaudit/rules.hpp>

#include <CLI/App.hpp>

namespace tlsaudit::app {

struct revocation_settings {
    bool disabled = false;  // --no-revocation
    bool hard = false;      // --revocation hard: revocation-unknown is high
    revocation::options checker;
};

// Adds the options to a subcommand; values are validated at parse time.
void add_revocation_options(CLI::App& cmd, revocation_settings& settings);

// Stores `status` on `result` and appends the revocation findings (leaf-revoked,
// revocation-unknown) after the audit's, at the levels `rules`' "severities" give them
// (if any). Never throws except std::bad_alloc.
void apply_revocation(endpoint_result& result, revocation::chain_status status, bool hard,
                      const audit::catalogue& rules);

}  // namespace tlsaudit::app
