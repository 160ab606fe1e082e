#include "ossl/error.hpp"

#include <openssl/err.h>

#include <array>
#include <stdexcept>

namespace tlsaudit::ossl {

namespace {
// A hostile input can push many entries; the first few say what went wrong.
constexpr int max_reported_errors = 4;
}  // namespace

std::string take_errors() {
    std::string text;
    int reported = 0;
    for (unsigned long code = ERR_get_error(); code != 0; code = ERR_get_error()) {
        if (reported == max_reported_errors) {
            continue;  // keep draining
        }
        std::array<char, 256> buffer{};
        ERR_error_string_n(code, buffer.data(), buffer.size());
        if (!text.empty()) {
            text += "; ";
        }
        text += buffer.data();
        ++reported;
    }
    return text;
}

std::string describe_failure(std::string_view what) {
    std::string text{what};
    if (std::string queued = take_errors(); !queued.empty()) {
        text += ": ";
        text += queued;
    }
    return text;
}

void throw_failure(std::string_view what) { throw std::runtime_error(describe_failure(what)); }

}  // namespace tlsaudit::ossl
