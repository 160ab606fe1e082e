#include "geo_options.hpp"

#include "exit_codes.hpp"

#include "diagnostics.hpp"
#include "help_groups.hpp"

#include <CLI/CLI.hpp>

#include <fmt/format.h>

namespace tlsaudit::app {

void add_geo_options(CLI::App& cmd, geo::options& options) {
    // No ExistingFile check: an unusable database is reported and the scan goes on
    // without it, the same rule for a missing, corrupt or wrong-type file.
    cmd.add_option("--geoip-db", options.country_db,
                   "Country database (.mmdb: GeoLite2/DB-IP/ip-location-db country or city); "
                   "default: $TLSAUDIT_GEOIP_DB, then the installed default")
        ->group(help_group::enrichment);
    cmd.add_option("--asn-db", options.asn_db,
                   "ASN/organisation database (.mmdb: GeoLite2-ASN, DB-IP ASN); "
                   "default: $TLSAUDIT_ASN_DB, then the installed default")
        ->group(help_group::enrichment);
    // Not with --geoip-db or --asn-db: checked by value when the scan starts.
    cmd.add_flag("--no-geoip{false}", options.enabled, "Do not add country, ASN and organisation to the records")
        ->group(help_group::enrichment);
}

void check_geo_options(const geo::options& options) {
    if (!options.enabled && (options.country_db || options.asn_db))
        throw config_error("--no-geoip excludes --geoip-db and --asn-db");
}

void print_geo_notice(const std::string& line) { print_stderr("tlsaudit: {}\n", line); }

}  // namespace tlsaudit::app
