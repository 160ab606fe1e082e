#include <tlsaudit/report/chain_saver.hpp>

#include "ossl/encoding.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>

namespace tlsaudit::report {

chain_saver::chain_saver(std::filesystem::path dir) : dir_(std::move(dir)) {
    std::error_code ec;
    std::filesystem::create_directories(dir_, ec);
    if (ec) throw std::runtime_error("cannot create " + dir_.string() + ": " + ec.message());
}

std::filesystem::path chain_saver::save(const std::vector<bytes>& chain) {
    if (chain.empty()) return {};
    std::string pem;
    for (const auto& der : chain) pem += ossl::der_to_pem(der);
    const std::string chain_hash = ossl::sha256_hex({reinterpret_cast<const unsigned char*>(pem.data()), pem.size()});
    const std::string leaf_hash = ossl::sha256_hex(chain.front());

    std::lock_guard lock(mutex_);
    if (!written_.insert(chain_hash).second) return {};
    auto path = dir_ / (leaf_hash + ".pem");
    if (std::filesystem::exists(path)) {
        std::ifstream existing(path, std::ios::binary);
        std::string content((std::istreambuf_iterator<char>(existing)), std::istreambuf_iterator<char>());
        if (content == pem) return {};
        path = dir_ / (leaf_hash + "-" + chain_hash.substr(0, 16) + ".pem");
    }
    // Written beside it and renamed: a disk that fills up, or a kill, leaves no part of a
    // chain under the name a later run would compare against.
    const auto partial = std::filesystem::path(path.string() + ".part-" + std::to_string(::getpid()));
    errno = 0;
    std::ofstream out(partial, std::ios::binary | std::ios::trunc);
    out << pem;
    const bool written = static_cast<bool>(out.flush());
    const int error = errno;
    out.close();
    std::error_code renamed;
    if (written) std::filesystem::rename(partial, path, renamed);
    if (!written || renamed) {
        std::error_code ignored;
        std::filesystem::remove(partial, ignored);
        written_.erase(chain_hash);
        throw std::runtime_error(
            "cannot write " + path.string() + ": " +
            (!written ? (error ? std::strerror(error) : "the file could not be written") : renamed.message()));
    }
    return path;
}

}  // namespace tlsaudit::report
