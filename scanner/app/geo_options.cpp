#include "geo_options.hpp"

#include "diagnostics.hpp"
#include "help_groups.hpp"

#include <CLI/CLI.hpp>

#include <fmt/format.h>

namespace tlsaudit::app {

void add_geo_options(CLI::App& cmd, geo::options& options) {
    // No ExistingFile check: an unusable database is reported and the scan goes on
    // without it, the same rule for a missing, corrupt or wrong-type file.
    auto* country = cmd.add_option("--geoip-db", options.country_db,
                                   "Country database (.mmdb: GeoLite2/DB-IP/ip-location-db country or city); "
                                   "default: $TLSAUDIT_GEOIP_DB, then the installed default")
                        ->group(help_group::enrichment);
    auto* asn = cmd.add_option("--asn-db", options.asn_db,
                               "ASN/organisation database (.mmdb: GeoLite2-ASN, DB-IP ASN); "
                               "default: $TLSAUDIT_ASN_DB, then the installed default")
                    ->group(help_group::enrichment);
    cmd.add_flag_callback(
           "--no-geoip", [&options] { options.enabled = false; },
           "Do not add country, ASN and organisation to the records")
        ->excludes(country)
        ->excludes(asn)
        ->group(help_group::enrichment);
}

void print_geo_notice(const std::string& line) { print_stderr("tlsaudit: {}\n", line); }

}  // namespace tlsaudit::app
