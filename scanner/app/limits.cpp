#include "limits.hpp"

#include "diagnostics.hpp"

#include <sys/resource.h>

#include <fmt/format.h>

#include <algorithm>

namespace tlsaudit::app {

void ensure_descriptor_limit(std::size_t concurrency) {
    // Each handshake holds one socket; c-ares, output files and the lab need a few more.
    const rlim_t wanted = static_cast<rlim_t>(concurrency) + 256;
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= wanted) return;
    const rlim_t raised = limit.rlim_max == RLIM_INFINITY ? wanted : std::min(wanted, limit.rlim_max);
    limit.rlim_cur = raised;
    setrlimit(RLIMIT_NOFILE, &limit);
    if (raised < wanted)
        print_stderr(
            "tlsaudit: warning: open-file limit {} is below what --concurrency {} needs ({}); "
            "lower --concurrency or raise the hard limit (ulimit -Hn)\n",
            raised, concurrency, wanted);
}

}  // namespace tlsaudit::app
