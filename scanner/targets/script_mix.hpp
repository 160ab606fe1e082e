#pragma once
// Look-alike (confusable) host names: a label that mixes Latin, Greek and Cyrillic
// letters ("аpple" with a Cyrillic а) passes IDNA2008 / UTS #46, which have no
// mixed-script rule, and libidn2 converts it; browsers show such a name as punycode
// (UTS #39 "highly restrictive"). A scan list naming it is almost always a typo or a
// copy-paste from a phishing text, so normalise_hostname refuses it, naming the
// scripts; its A-label (xn--...) is accepted as written when it is really meant.
// Only the three scripts whose letters are commonly confused are compared; whole-script
// confusables ("аррӏе", all Cyrillic) need the UTS #39 data tables and are accepted.

#include <optional>
#include <string>
#include <string_view>

namespace tlsaudit::targets::detail {

// "Latin and Cyrillic" when the UTF-8 `label` mixes two or more of Latin, Greek and
// Cyrillic letters; nullopt otherwise (also for ill-formed UTF-8: checked elsewhere).
std::optional<std::string> mixed_scripts(std::string_view label);

}  // namespace tlsaudit::targets::detail
