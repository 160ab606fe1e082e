#pragma once

#include <cstddef>

namespace tlsaudit::app {

// Raises the soft limit on open files towards the hard limit so `concurrency` sockets fit;
// warns on stderr (with what to do) when even the hard limit is too low.
void ensure_descriptor_limit(std::size_t concurrency);

}  // namespace tlsaudit::app
