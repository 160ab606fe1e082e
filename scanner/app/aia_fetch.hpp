#pragma once
// --fetch-missing: download an issuer certificate from an AIA caIssuers URL, through the
// revocation module's HTTP client (revocation::http_get). Kept out of the audit module
// so that it stays free of I/O.

#include "audit_runtime.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace tlsaudit::app {

struct aia_fetch_limits {
    std::chrono::milliseconds timeout{5000};  // per exchange: resolve, connect, write, read
    std::uint64_t max_body = 64 * 1024;       // an issuer certificate is a few KiB
};

// GETs `url` (http:// only, at most three redirects). Returns the body of a 200 answer, nullopt
// for anything else (bad URL, DNS, refused, timeout, other status, too large). Never
// throws except std::bad_alloc; thread-safe (each call has its own io_context).
std::optional<bytes> fetch_issuer(const std::string& url, const aia_fetch_limits& limits = {});

// fetch_issuer as an issuer_fetcher for audit_runtime.
issuer_fetcher make_issuer_fetcher(const aia_fetch_limits& limits = {});

}  // namespace tlsaudit::app
