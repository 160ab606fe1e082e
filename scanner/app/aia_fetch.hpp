#pragma once
// --fetch-missing: download an issuer certificate from an AIA caIssuers URL, through the
// revocation module's HTTP client (revocation::http_get). Kept out of the audit module
// so that it stays free of I/O.

#include "audit_runtime.hpp"

#include <tlsaudit/fetch_policy.hpp>
#include <tlsaudit/revocation.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace tlsaudit::app {

struct aia_fetch_limits {
    std::chrono::milliseconds timeout{5000};           // per exchange: resolve, connect, write, read
    std::uint64_t max_body = 64 * 1024;                // an issuer certificate is a few KiB
    std::string resolver;                              // the scan's --resolver; empty: the system's
    ip::fetch_policy policy;                           // where a caIssuers URL may lead
    std::shared_ptr<revocation::fetch_budget> budget;  // the scan's; null: one per download
};

// GETs `url` (http:// only, at most three redirects, destinations as `limits.policy`
// allows). Returns the body of a 200 answer, nullopt for anything else (bad URL, DNS,
// refused, timeout, other status, too large), with the reason in `why` when given. Never
// throws except std::bad_alloc; thread-safe (each call has its own io_context).
std::optional<bytes> fetch_issuer(const std::string& url, const aia_fetch_limits& limits = {},
                                  std::string* why = nullptr);

// fetch_issuer as an issuer_fetcher for audit_runtime.
issuer_fetcher make_issuer_fetcher(const aia_fetch_limits& limits = {});

}  // namespace tlsaudit::app
