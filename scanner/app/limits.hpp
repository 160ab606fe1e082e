#pragma once

#include <cstddef>

namespace tlsaudit::app {

// Raises the soft limit on open files towards the hard limit so `concurrency` sockets fit.
// Returns the concurrency to scan with: `concurrency`, or, when even the hard limit is too
// low, as many connections as fit when that is fewer (and says so on stderr, with what to do).
[[nodiscard]] std::size_t ensure_descriptor_limit(std::size_t concurrency);

}  // namespace tlsaudit::app
