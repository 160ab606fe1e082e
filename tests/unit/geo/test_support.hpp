#pragma once
// Paths of the committed test databases (tests/data/geo, made by make-test-mmdb.pl),
// temporary directories, and byte-level file helpers for damaging copies.

#include "../../support/scoped_env.hpp"

#include <tlsaudit/model.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <stdexcept>
#include <string>

#include <unistd.h>

namespace tlsaudit::geo::testing {

// 127.0.0.0/8 DE AS64496, 192.0.2.0/24 FR AS64497, 198.51.100.0/24 (registered) NL
// AS64499, 2001:db8::/32 JP AS64498, ::1 CH AS64500: see make-test-mmdb.pl.
inline std::filesystem::path test_db(const char* name) { return std::filesystem::path(TLSAUDIT_GEO_TEST_DATA) / name; }
inline std::filesystem::path country_db() { return test_db("test-country.mmdb"); }
inline std::filesystem::path asn_db() { return test_db("test-asn.mmdb"); }

// In /dev/shm when there is one: the damage tests write a few thousand small files.
class temp_dir {
public:
    temp_dir() {
        std::error_code ec;
        const std::filesystem::path base =
            std::filesystem::is_directory("/dev/shm", ec) && ::access("/dev/shm", W_OK) == 0
                ? std::filesystem::path("/dev/shm")
                : std::filesystem::temp_directory_path();
        std::string pattern = (base / "tlsaudit-geo-XXXXXX").string();
        if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
        path_ = pattern;
    }
    ~temp_dir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;
    const std::filesystem::path& path() const { return path_; }
    std::filesystem::path operator/(const char* name) const { return path_ / name; }

private:
    std::filesystem::path path_;
};

inline bytes read_bytes(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    return bytes(std::istreambuf_iterator<char>(in), {});
}

inline void write_bytes(const std::filesystem::path& file, const bytes& data) {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
    if (!out) throw std::runtime_error("cannot write " + file.string());
}

using tlsaudit::testing::scoped_env;

}  // namespace tlsaudit::geo::testing
