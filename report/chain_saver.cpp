#include <tlsaudit/report/chain_saver.hpp>
#include <tlsaudit/report/output_file.hpp>

#include "ossl/encoding.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
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
    // Written to a temporary file beside it (create_exclusive, as a report's) and renamed: a
    // disk that fills up, or a kill, leaves no part of a chain under the name a later run
    // would compare against. Not fsync'ed, unlike a report: the scan writes thousands of
    // chains under this lock.
    std::filesystem::path partial;
    const int fd = create_exclusive(path, partial);
    int error = fd < 0 ? errno : 0;
    if (std::FILE* out = fd < 0 ? nullptr : ::fdopen(fd, "wb")) {
        errno = 0;
        if (std::fwrite(pem.data(), 1, pem.size(), out) != pem.size() || std::fflush(out) != 0)
            error = errno != 0 ? errno : EIO;
        if (std::fclose(out) != 0 && error == 0) error = errno;
        if (error == 0 && ::rename(partial.c_str(), path.c_str()) != 0) error = errno;
    } else if (fd >= 0) {
        error = errno;
        ::close(fd);
    }
    if (error != 0) {
        if (!partial.empty()) ::unlink(partial.c_str());
        written_.erase(chain_hash);
        throw std::runtime_error("cannot write " + path.string() + ": " + std::strerror(error));
    }
    return path;
}

}  // namespace tlsaudit::report
