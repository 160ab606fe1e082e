#pragma once
// The scan pipeline shared by `scan` and `demo`: target lines -> net -> x509 -> sinks.

#include <tlsaudit/net.hpp>
#include <tlsaudit/targets.hpp>

#include <cstddef>
#include <filesystem>
#include <iosfwd>
#include <map>
#include <optional>
#include <string>

namespace tlsaudit::app {

struct pipeline_options {
    targets::parse_options parse;
    net::scan_config net;
    std::string ndjson = "-";                         // "-": stdout
    std::optional<std::filesystem::path> save_chains;
};

struct scan_summary {
    std::size_t targets = 0;
    std::size_t input_errors = 0;
    std::size_t endpoints = 0;                 // results written, failures included
    std::size_t handshakes_ok = 0;
    std::map<std::string, std::size_t> errors; // by error code
};

// Reads `input` lazily and scans every target in it, writing records as they come.
// Throws std::runtime_error for environment failures (unwritable output) and
// std::invalid_argument for bad options.
scan_summary run_pipeline(std::istream& input, const pipeline_options& options);

}  // namespace tlsaudit::app
