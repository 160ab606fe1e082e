#pragma once
// Text of libcrypto's per-thread error queue, for scan_error::detail and
// exception messages. Private to scanner/.

#include <string>
#include <string_view>

namespace tlsaudit::x509 {

// Empties this thread's OpenSSL error queue and returns its entries joined by
// "; " (oldest first, at most a handful), or "" when the queue was empty.
// Call it right after a failed OpenSSL call, so no stale entry leaks into the
// next failure report. Never throws except std::bad_alloc.
std::string take_openssl_errors();

// `what` followed by ": " and take_openssl_errors() when the queue held something.
std::string describe_openssl_failure(std::string_view what);

}  // namespace tlsaudit::x509
