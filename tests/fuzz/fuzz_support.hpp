#pragma once
// Shared by the fuzz targets (tests/fuzz/*_fuzz.cpp): invariant checks that abort, so
// a broken contract is reported as a crash with its input, and file loading for the
// fixed inputs the targets judge fuzzed data against.

#include <tlsaudit/model.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string_view>

namespace tlsaudit::fuzz {

// Aborts (a crash for libFuzzer) when `ok` is false; prints what was violated.
inline void require(bool ok, const char* what) {
    if (ok) return;
    std::fprintf(stderr, "fuzz invariant violated: %s\n", what);
    std::abort();
}

// True when `text` holds no C0 control (tab allowed when `allow_tab`), DEL, or C1
// control (U+0080-U+009F): the parsers escape those as \xNN / \u00NN.
inline bool printable(std::string_view text, bool allow_tab = false) {
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c == '\t' && allow_tab) continue;
        if (c < 0x20 || c == 0x7f) return false;
        if (c == 0xc2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) <= 0x9f) return false;
    }
    return true;
}

// The bytes of a file under tests/fuzz/ (TLSAUDIT_FUZZ_DIR is set by tests/fuzz/CMakeLists.txt).
// Aborts when it cannot be read: the fixtures are part of the source tree.
inline bytes read_fixture(std::string_view relative) {
    const std::filesystem::path p = std::filesystem::path(TLSAUDIT_FUZZ_DIR) / relative;
    std::ifstream in(p, std::ios::binary);
    if (!in) {
        std::fprintf(stderr, "fuzz fixture missing: %s\n", p.string().c_str());
        std::abort();
    }
    return bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace tlsaudit::fuzz
