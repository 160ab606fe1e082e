#include "disk_cache.hpp"

#include "ossl/encoding.hpp"

#include <atomic>
#include <fstream>
#include <iterator>
#include <system_error>

#include <unistd.h>

namespace tlsaudit::revocation::detail {
namespace {

std::span<const unsigned char> as_bytes(std::string_view s) {
    return {reinterpret_cast<const unsigned char*>(s.data()), s.size()};
}

std::atomic<unsigned long> temp_counter{0};

}  // namespace

disk_cache::disk_cache(std::filesystem::path dir) : dir_(std::move(dir)) {
    std::filesystem::create_directories(dir_ / "ocsp");
    std::filesystem::create_directories(dir_ / "crl");
}

std::filesystem::path disk_cache::file_for(std::string_view kind, std::string_view key) const {
    return dir_ / std::string(kind) / (ossl::sha256_hex(as_bytes(key)) + ".der");
}

std::optional<bytes> disk_cache::load(std::string_view kind, std::string_view key) const {
    std::ifstream in(file_for(kind, key), std::ios::binary);
    if (!in) return std::nullopt;
    bytes data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad() || data.empty()) return std::nullopt;
    return data;
}

bool disk_cache::store(std::string_view kind, std::string_view key, std::span<const unsigned char> data) const {
    const auto target = file_for(kind, key);
    auto temp = target;
    temp += ".tmp." + std::to_string(::getpid()) + "." + std::to_string(++temp_counter);
    {
        std::ofstream out(temp, std::ios::binary | std::ios::trunc);
        if (!out) return false;
        out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
        out.close();
        if (!out) {
            std::error_code ignored;
            std::filesystem::remove(temp, ignored);
            return false;
        }
    }
    std::error_code ec;
    std::filesystem::rename(temp, target, ec);
    if (ec) {
        std::error_code ignored;
        std::filesystem::remove(temp, ignored);
        return false;
    }
    return true;
}

}  // namespace tlsaudit::revocation::detail
