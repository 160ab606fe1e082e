#pragma once
// --save-chains DIR: each distinct served chain written once, as PEM, named by the leaf's
// SHA-256 fingerprint (`<leaf-sha256>.pem`; a second, different chain with the same leaf
// gets `<leaf-sha256>-<first 16 hex digits of the chain hash>.pem`). Thread-safe.

#include <tlsaudit/model.hpp>

#include <filesystem>
#include <mutex>
#include <string>
#include <unordered_set>

namespace tlsaudit::report {

class chain_saver {
public:
    // Creates `dir` if needed; throws std::runtime_error when it cannot.
    explicit chain_saver(std::filesystem::path dir);

    // Writes the chain unless an identical one was written by this saver; returns the
    // file written, or an empty path when there was nothing new to write. Throws
    // std::runtime_error when the file cannot be written.
    std::filesystem::path save(const std::vector<bytes>& chain);

private:
    std::filesystem::path dir_;
    std::mutex mutex_;
    std::unordered_set<std::string> written_;  // chain hashes; one entry per distinct chain
};

}  // namespace tlsaudit::report
