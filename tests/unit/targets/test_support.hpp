#pragma once
// Shared helpers for the targets tests.

#include <tlsaudit/targets.hpp>

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

namespace tlsaudit::targets::test {

inline std::vector<target> targets_of(const std::vector<item>& items) {
    std::vector<target> out;
    for (const item& i : items) {
        if (const auto* t = std::get_if<target>(&i)) out.push_back(*t);
    }
    return out;
}

// Everything a reader yields for `text`, up to (not including) end_of_input.
inline std::vector<item> read_all(const std::string& text, parse_options opts = {}) {
    std::istringstream in(text);
    reader r(in, std::move(opts));
    std::vector<item> out;
    for (item i = r.next(); !std::holds_alternative<end_of_input>(i); i = r.next()) out.push_back(std::move(i));
    return out;
}

}  // namespace tlsaudit::targets::test
