#pragma once
// Short descriptions of the known finding ids, for reports that describe the catalogue
// (SARIF rules, HTML legend). The finding's own message and remediation stay the
// authority; this is the one-line "what this id means".

#include <tlsaudit/finding.hpp>

#include <span>
#include <string_view>

namespace tlsaudit::report {

struct catalogue_entry {
    std::string_view id;
    severity default_level;
    std::string_view title;
    std::string_view description;
};

// Every finding id of the catalogue in DESIGN.md / README, in catalogue order.
std::span<const catalogue_entry> known_findings();

// The entry for `id`, or nullptr.
const catalogue_entry* find_catalogue_entry(std::string_view id);

}  // namespace tlsaudit::report
