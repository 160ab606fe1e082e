#pragma once
// The default rules catalogue, compiled in from scanner/audit/rules/default.json
// (generated at build time by CMake). Private to scanner/audit.

#include <string_view>

namespace tlsaudit::audit::detail {

// The JSON text of rules/default.json, byte for byte.
std::string_view default_rules_json() noexcept;

}  // namespace tlsaudit::audit::detail
