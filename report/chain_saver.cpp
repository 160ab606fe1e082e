#include <tlsaudit/report/chain_saver.hpp>

#include "ossl/encoding.hpp"

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
    errno = 0;
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << pem;
    if (!out.flush())
        throw std::runtime_error("cannot write " + path.string() + ": " +
                                 (errno ? std::strerror(errno) : "the file could not be written"));
    return path;
}

}  // namespace tlsaudit::report
