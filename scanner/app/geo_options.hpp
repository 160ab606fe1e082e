#pragma once
// GeoIP and ASN enrichment for scanning subcommands: --geoip-db, --asn-db, --no-geoip
// (docs/geoip.md).

#include <tlsaudit/geo.hpp>

#include <CLI/App.hpp>

#include <string>

namespace tlsaudit::app {

// Adds the three options to `cmd`, filling `options`.
void add_geo_options(CLI::App& cmd, geo::options& options);

// Throws config_error for --no-geoip with --geoip-db or --asn-db. By value, not by
// presence: `no-geoip = false` in a config file asks for nothing.
void check_geo_options(const geo::options& options);

// Prints one enrichment notice on stderr as "tlsaudit: <line>". Thread-safe (the
// enricher serialises its notices).
void print_geo_notice(const std::string& line);

}  // namespace tlsaudit::app
