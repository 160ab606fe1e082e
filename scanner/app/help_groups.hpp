#pragma once
// The headings of `scan`, `report` and `check --help`, in the order a user needs them.
// Every option names one with ->group(...); grouped_help lists the groups in this order
// (CLI11 2.1 lists them in the order their first option was added).

#include <CLI/App.hpp>

#include <array>
#include <string_view>

namespace tlsaudit::app {

namespace help_group {
inline constexpr const char* targets = "Targets";
inline constexpr const char* network = "Network and pacing";
inline constexpr const char* tls = "TLS and probes";
inline constexpr const char* trust = "Trust and rules";
inline constexpr const char* revocation = "Revocation";
inline constexpr const char* enrichment = "Enrichment";
inline constexpr const char* outputs = "Outputs";
inline constexpr const char* ci_policy = "CI policy";
inline constexpr const char* sharding = "Sharding and resume";
inline constexpr std::array ordered{targets, network, tls, trust, revocation, enrichment, outputs, ci_policy, sharding};
}  // namespace help_group

// Makes `cmd --help` list its options under the headings above, in that order; options
// of any other group (CLI11's default "Options", which holds -h,--help) come after them.
void use_grouped_help(CLI::App& cmd);

}  // namespace tlsaudit::app
