#pragma once
// On-disk store of raw revocation answers (--revocation-cache DIR): OCSP responses
// under DIR/ocsp/, CRLs under DIR/crl/, one file per key named by the SHA-256 of the
// key. Raw bytes only: every load is judged again (signature, CertID, freshness), so
// an entry is used until its nextUpdate and a tampered file is merely ignored.
// Private to scanner/revocation.

#include <tlsaudit/model.hpp>

#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace tlsaudit::revocation::detail {

class disk_cache {
public:
    // Creates the directories. Throws std::filesystem::filesystem_error when it cannot.
    explicit disk_cache(std::filesystem::path dir);

    // The stored bytes, nullopt when absent or unreadable. Never throws except bad_alloc.
    std::optional<bytes> load(std::string_view kind, std::string_view key) const;

    // Writes atomically (temporary file + rename); returns false when the write
    // failed (the scan goes on uncached). Never throws except bad_alloc. Concurrent
    // stores of one key by several processes leave one complete file.
    bool store(std::string_view kind, std::string_view key, std::span<const unsigned char> data) const;

    const std::filesystem::path& dir() const noexcept { return dir_; }

private:
    std::filesystem::path file_for(std::string_view kind, std::string_view key) const;
    std::filesystem::path dir_;
};

}  // namespace tlsaudit::revocation::detail
