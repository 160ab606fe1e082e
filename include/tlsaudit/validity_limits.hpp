#pragma once
// Baseline Requirements validity limits (scanner/audit): the catalogue's validity_limits
// applied to a leaf by its notBefore. Pure; thread-safe; nothing throws.

#include <tlsaudit/model.hpp>
#include <tlsaudit/rules.hpp>

namespace tlsaudit::audit {

// Validity in days as the BRs count it: notBefore to notAfter inclusive, a day is
// 86,400 s and any excess counts as a whole day. 0 when notAfter is before notBefore.
long long validity_days(const cert_info& cert);

// The limit in force for a certificate issued at `issued`; nullptr before the first one.
const validity_limit* limit_for(const catalogue& rules, time_point issued);

}  // namespace tlsaudit::audit
