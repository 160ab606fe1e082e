#pragma once
// Revocation as the scanning commands use it: the options (--no-revocation,
// --revocation soft|hard, --revocation-order, --revocation-depth, --revocation-cache,
// --crl-max-bytes, --revocation-timeout; see docs/revocation.md). The findings are the
// audit's (audit_runtime::add_revocation).

#include <tlsaudit/revocation.hpp>

#include <CLI/App.hpp>

namespace tlsaudit::app {

struct revocation_settings {
    bool disabled = false;  // --no-revocation
    bool hard = false;      // --revocation hard: revocation-unknown is high
    revocation::options checker;
};

// Adds the options to a subcommand; values are validated at parse time.
void add_revocation_options(CLI::App& cmd, revocation_settings& settings);

}  // namespace tlsaudit::app
