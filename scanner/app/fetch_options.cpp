#include "fetch_options.hpp"

#include "help_groups.hpp"

#include "number_checks.hpp"

#include <CLI/CLI.hpp>

#include <string>

namespace tlsaudit::app {

void add_fetch_options(CLI::App& cmd, ip::fetch_policy& policy) {
    cmd.add_option("--fetch-allow", policy.allow,
                   "Let OCSP, CRL and AIA fetches reach CIDR|HOST[:PORT] despite the destination policy "
                   "(repeatable; without :PORT only ports 80, 443 and 8080)")
        ->check([](const std::string& entry) { return ip::check_fetch_allow(entry); })
        ->group(help_group::revocation);
    cmd.add_flag("--fetch-allow-private", policy.allow_private,
                 "Let OCSP, CRL and AIA fetches reach RFC 1918, RFC 6598 and unique-local addresses")
        ->group(help_group::revocation);
    cmd.add_option("--fetch-max-destinations", policy.max_destinations,
                   "Distinct host:port destinations one scan may fetch from; the rest are refused")
        ->capture_default_str()
        ->check(whole_number_in(1, 1000000))
        ->group(help_group::revocation);
}

}  // namespace tlsaudit::app
