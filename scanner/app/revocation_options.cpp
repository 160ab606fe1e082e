#include "revocation_options.hpp"

#include "help_groups.hpp"

#include "number_checks.hpp"

#include <CLI/CLI.hpp>

#include <charconv>
#include <chrono>
#include <cstdint>
#include <string>

namespace tlsaudit::app {

void add_revocation_options(CLI::App& cmd, revocation_settings& s) {
    auto* disabled =
        cmd.add_flag("--no-revocation", s.disabled, "Skip OCSP and CRL checks")->group(help_group::revocation);
    cmd.add_option_function<std::string>(
           "--revocation", [&s](const std::string& mode) { s.hard = mode == "hard"; },
           "soft (default): an unknown revocation status is a low finding (none if the certificate names no "
           "OCSP or CRL URL); hard: a high one, even then")
        ->check(CLI::IsMember({"soft", "hard"}))
        ->group(help_group::revocation);
    cmd.add_option_function<std::string>(
           "--revocation-order", [&s](const std::string& text) { s.checker.order = *revocation::parse_order(text); },
           "Live sources after the stapled response: ocsp,crl (default), crl,ocsp, ocsp or crl")
        ->check([](const std::string& text) {
            return revocation::parse_order(text) ? std::string{} : "expected ocsp,crl, crl,ocsp, ocsp or crl";
        })
        ->group(help_group::revocation);
    cmd.add_option_function<std::string>(
           "--revocation-depth",
           [&s](const std::string& depth) {
               s.checker.depth = depth == "all" ? revocation::depth::all : revocation::depth::leaf;
           },
           "leaf (default) or all: also check every served intermediate")
        ->check(CLI::IsMember({"leaf", "all"}))
        ->group(help_group::revocation);
    cmd.add_option_function<std::string>(
           "--revocation-cache", [&s](const std::string& dir) { s.checker.cache_dir = dir; },
           "Keep OCSP responses and CRLs in DIR until their nextUpdate")
        ->group(help_group::revocation);
    cmd.add_option("--crl-max-bytes", s.checker.crl_max_bytes, "Refuse larger CRLs (suffixes KiB, MiB; default 20MiB)")
        ->transform(CLI::AsSizeValue(false))
        ->check([](const std::string& bytes) {
            // After the suffix is applied: a whole number of bytes, from one to 1 TiB (a larger
            // number saturated, and went into the records beyond what JSON numbers hold exactly).
            std::uint64_t n = 0;
            const auto [end, ec] = std::from_chars(bytes.data(), bytes.data() + bytes.size(), n);
            const bool ok = !bytes.empty() && ec == std::errc() && end == bytes.data() + bytes.size() && n >= 1 &&
                            n <= (std::uint64_t{1} << 40);
            return ok ? std::string() : std::string("a size from 1 byte to 1TiB, e.g. 512KiB or 20MiB");
        })
        ->group(help_group::revocation);
    cmd.add_option_function<double>(
           "--revocation-timeout",
           [&s](double seconds) {
               s.checker.request_timeout = std::chrono::milliseconds(static_cast<long long>(seconds * 1000.0));
           },
           "Seconds for each OCSP or CRL exchange (default 5)")
        ->check(number_in(0.01, 600.0))
        ->group(help_group::revocation);
    // The others set how revocation is checked: with --no-revocation they would be dropped
    // unsaid (and a config file's no-revocation would silently undo --revocation hard).
    for (const char* name : {"--revocation", "--revocation-order", "--revocation-depth", "--revocation-cache",
                             "--crl-max-bytes", "--revocation-timeout"})
        disabled->excludes(cmd.get_option(name));
}

}  // namespace tlsaudit::app
