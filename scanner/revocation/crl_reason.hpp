#pragma once
// CRLReason codes as text, for OCSP and CRL verdicts. Private to scanner/revocation.

#include <string>

namespace tlsaudit::revocation::detail {

// RFC 5280 CRLReason name ("keyCompromise", ...), "unspecified" for 0, or
// "reason <n>" for values outside the list.
std::string reason_name(int code);

}  // namespace tlsaudit::revocation::detail
