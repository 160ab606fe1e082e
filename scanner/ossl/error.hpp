#pragma once
// Text of libcrypto's per-thread error queue, for scan_error::detail and exception
// messages, and the throwing checks the lab and test builders use around OpenSSL
// calls. Private to the build, like ossl/ptr.hpp.

#include <string>
#include <string_view>

namespace tlsaudit::ossl {

// Empties this thread's OpenSSL error queue and returns its entries joined by
// "; " (oldest first, at most a handful), or "" when the queue was empty.
// Call it right after a failed OpenSSL call, so no stale entry leaks into the
// next failure report. Never throws except std::bad_alloc.
std::string take_errors();

// `what` followed by ": " and take_errors() when the queue held something.
std::string describe_failure(std::string_view what);

// Throws std::runtime_error(describe_failure(what)).
[[noreturn]] void throw_failure(std::string_view what);

// OpenSSL's convention for int results: > 0 is success. Throws as throw_failure.
inline void check(int rc, std::string_view what) {
    if (rc <= 0) throw_failure(what);
}

// Returns `p`; throws as throw_failure when it is null.
template <typename T>
T* check_ptr(T* p, std::string_view what) {
    if (p == nullptr) throw_failure(what);
    return p;
}

}  // namespace tlsaudit::ossl
