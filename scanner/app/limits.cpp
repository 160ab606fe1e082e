#include "limits.hpp"

#include "diagnostics.hpp"

#include <sys/resource.h>

#include <fmt/format.h>

#include <algorithm>

namespace tlsaudit::app {

std::size_t ensure_descriptor_limit(std::size_t concurrency) {
    // Each handshake holds one socket; c-ares, output files, revocation fetches and the lab
    // need a few more.
    constexpr rlim_t reserve = 256;
    const rlim_t wanted = static_cast<rlim_t>(concurrency) + reserve;
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= wanted) return concurrency;
    const rlim_t raised = limit.rlim_max == RLIM_INFINITY ? wanted : std::min(wanted, limit.rlim_max);
    limit.rlim_cur = raised;
    if (setrlimit(RLIMIT_NOFILE, &limit) != 0 && getrlimit(RLIMIT_NOFILE, &limit) == 0)
        limit.rlim_cur = std::min(raised, limit.rlim_cur);
    if (limit.rlim_cur >= wanted) return concurrency;
    // A connection that fails for want of a descriptor would be recorded as an unreachable
    // endpoint: scan with as many connections as fit instead.
    const rlim_t fits =
        limit.rlim_cur > 2 * reserve ? limit.rlim_cur - reserve : std::max<rlim_t>(limit.rlim_cur / 4, 1);
    const auto lowered = std::min(concurrency, static_cast<std::size_t>(fits));
    if (lowered == concurrency) return concurrency;  // the reserve is generous: enough fit
    print_stderr(
        "tlsaudit: warning: the open-file limit {} is below what --concurrency {} needs ({}): scanning with "
        "--concurrency {}; raise the limit (ulimit -n, up to the hard limit ulimit -Hn) to scan with {}\n",
        limit.rlim_cur, concurrency, wanted, lowered, concurrency);
    return lowered;
}

}  // namespace tlsaudit::app
