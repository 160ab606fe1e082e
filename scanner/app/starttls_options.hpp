#pragma once
// STARTTLS for scanning subcommands: --starttls PROTO|auto, --starttls-timeout S
// (docs/starttls.md).

#include <tlsaudit/net.hpp>
#include <tlsaudit/targets.hpp>

#include <CLI/App.hpp>

namespace tlsaudit::app {

struct starttls_settings {
    double timeout_s = 10;
    const CLI::Option* port_option = nullptr;  // --port, to know whether it was given
};

// Adds the options to `cmd`, which must already have --port: --starttls fills
// parse.starttls ("postgresql" is stored as "postgres").
void add_starttls_options(CLI::App& cmd, targets::parse_options& parse, starttls_settings& settings);

// After parsing: the timeout into `net`; with --starttls PROTO and no --port, lines
// without a port are scanned on PROTO's well-known port instead of 443.
void apply_starttls_options(const starttls_settings& settings, targets::parse_options& parse, net::scan_config& net);

}  // namespace tlsaudit::app
