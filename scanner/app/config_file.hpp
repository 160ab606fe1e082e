#pragma once
// `--config FILE`: tlsaudit scan's options from a TOML file, through CLI11's config support
// (App::set_config with our own CLI::Config reader).
//
// The file is TOML, read by toml++ (Debian's libtomlplusplus, 3.3): top-level
// `key = value` lines whose keys are the long names of `tlsaudit scan`'s options without
// the dashes (`concurrency = 200`, `ipv4-only = true`, `port = [443, 8443]`), plus
// `targets = "FILE"` for the positional target list. Values are strings (basic, literal
// or multi-line), integers, floats, true/false, and non-empty arrays of those (over
// several lines if need be); `#` starts a comment; a UTF-8 byte order mark is skipped.
// Precedence: an option given on the command line wins over the file, the file over the
// defaults (CLI11 only fills options the command line left empty). Refused before
// scanning, with "FILE:LINE: what is wrong" (exit 2): whatever toml++ refuses (its own
// message and line: bad syntax, an unterminated string or array, a key given twice), a
// [table], a dotted or quoted key, an empty or nested array, a date, time, inline table,
// inf or nan, a key that is not a scan option (with the closest option name when there
// is one), an option that cannot be set from a file; and, as "FILE: ...", a file larger
// than 1 MiB.
//
// CLI11 2.1 reads config files for the main app only, so --config is an option of the
// main app and `scan` falls through to it: `tlsaudit scan --config FILE ...` and
// `tlsaudit --config FILE scan ...` both work; with any other subcommand it is an error.

#include <CLI/App.hpp>

#include <string>
#include <string_view>

namespace tlsaudit::app {

// Adds --config to `app`, reading into the `scan` subcommand's options.
void setup_config_file(CLI::App& app, CLI::App& scan);

// Where a value CLI11 refused after the file was read came from: " (FILE:LINE)" when
// `message` ("--concurrency: expected ...") names a key of the config file that the
// command line (`argv`) did not give, else "". For two options in conflict ("--shard
// excludes --shards"), " (--shard at FILE:1, --shards at FILE:2)" for those the file gave.
// CLI11 checks values after the reader.
std::string config_value_origin(const CLI::App& app, std::string_view message, int argc, const char* const* argv);

}  // namespace tlsaudit::app
