#pragma once
// The caIssuers downloads of one run (--fetch-missing), by URL: each URL is downloaded once
// while it is remembered, and threads asking for a URL that is being downloaded wait for
// that answer. Kept is what audit_runtime uses, the certificates found in each body (DER or
// PEM; a PKCS#7 bundle holds none that can be read), at most max_bytes in all, counting each
// answer's URL and bookkeeping (entry_overhead) with its certificates:
// past that the memo forgets every answer, as the run's other caches empty themselves when
// full, and a URL asked again is downloaded again. Each body is at most aia_fetch_limits's
// 64 KiB, so memory stays within max_bytes plus one body per thread downloading.

#include <tlsaudit/model.hpp>

#include <cstddef>
#include <functional>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace tlsaudit::app {

class issuer_memo {
public:
    // The body behind a URL, or nullopt when the download failed, saying why (thread-safe).
    using download = std::function<std::optional<bytes>(const std::string& url, std::string& why)>;
    // nullopt: the download failed; otherwise the certificates the body held, maybe none.
    using answer = std::optional<std::vector<bytes>>;

    static constexpr std::size_t default_max_bytes = 4 * 1024 * 1024;
    static constexpr std::size_t entry_overhead = 256;  // a map node, its future and its vector

    explicit issuer_memo(std::size_t max_bytes = default_max_bytes) : max_bytes_(max_bytes) {}

    // The answer for `url`, remembered or downloaded now through `fetch`; when it is
    // nullopt, why the download failed goes to `why` if given. Thread-safe; std::bad_alloc
    // from `fetch` reaches the threads waiting for this URL too.
    answer certificates(const std::string& url, const download& fetch, std::string* why = nullptr);

private:
    const std::size_t max_bytes_;
    std::mutex mutex_;
    struct outcome {
        answer certificates;
        std::string why;  // the download's failure
    };
    std::map<std::string, std::shared_future<outcome>> answers_;  // ready once the download is over
    std::size_t bytes_ = 0;  // counted for answers_: URLs, certificates, entry_overhead each
};

// The certificates in an issuer download: a DER certificate, or every certificate of a PEM
// text; none for anything else.
std::vector<bytes> certificates_in(const bytes& body);

}  // namespace tlsaudit::app
