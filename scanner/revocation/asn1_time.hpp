#pragma once
// ASN.1 time <-> model time for revocation data. Private to scanner/revocation.

#include <tlsaudit/model.hpp>

#include <openssl/asn1.h>

#include <optional>
#include <string>

namespace tlsaudit::revocation::detail {

// UTCTime or GeneralizedTime as UTC seconds; nullopt when null or malformed.
// Never throws.
std::optional<time_point> to_time_point(const ASN1_TIME* time) noexcept;

// RFC 5280 CRLReason name ("keyCompromise", ...), "unspecified" for 0, or
// "reason <n>" for values outside the list.
std::string reason_name(int code);

}  // namespace tlsaudit::revocation::detail
