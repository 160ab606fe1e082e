#pragma once
// Shared helpers for the tlsaudit_x509 tests: test data paths and UTC dates.

#include <tlsaudit/model.hpp>
#include <tlsaudit/x509.hpp>

#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>

namespace tlsaudit::x509::test {

inline std::filesystem::path real_cert_path(std::string_view file) {
    return std::filesystem::path{TLSAUDIT_TEST_DATA} / "real" / file;
}

// The single certificate of a file in tests/data/real (SOURCES.md: one per file).
inline bytes load_real_der(std::string_view file) {
    std::vector<bytes> certs = read_pem_file(real_cert_path(file));
    if (certs.size() != 1) {
        throw std::runtime_error(std::string{file} + ": expected exactly one certificate");
    }
    return certs.front();
}

inline time_point utc(int y, unsigned mo, unsigned d, int h = 0, int mi = 0, int s = 0) {
    using namespace std::chrono;
    return time_point{sys_days{year{y} / month{mo} / day{d}}} + hours{h} + minutes{mi} + seconds{s};
}

}  // namespace tlsaudit::x509::test
