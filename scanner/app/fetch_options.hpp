#pragma once
// Where the fetches a certificate chooses (OCSP, CRL, AIA caIssuers) may go, as the
// `scan` and `check` commands take it: --fetch-allow, --fetch-allow-private and
// --fetch-max-destinations (group "Revocation"; docs/security.md).

#include <tlsaudit/fetch_policy.hpp>

#include <CLI/App.hpp>

namespace tlsaudit::app {

// Adds the options to a subcommand; --fetch-allow entries are validated at parse time.
void add_fetch_options(CLI::App& cmd, ip::fetch_policy& policy);

}  // namespace tlsaudit::app
