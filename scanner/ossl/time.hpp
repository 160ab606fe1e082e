#pragma once
// ASN.1 times <-> model time (UTC seconds). Private to the build, like ossl/ptr.hpp.

#include "ossl/ptr.hpp"

#include <tlsaudit/model.hpp>

#include <optional>

namespace tlsaudit::ossl {

// UTCTime or GeneralizedTime (any year 0000-9999) as UTC seconds; nullopt when
// null or malformed. Never throws.
std::optional<time_point> to_time_point(const ASN1_TIME* time) noexcept;

// `t` as an RFC 5280 Time (UTCTime through 2049, GeneralizedTime after), as a
// certificate or CRL holds it. Throws std::runtime_error when OpenSSL fails.
asn1_time_ptr to_asn1_time(time_point t);

// `t` as a GeneralizedTime, as OCSP holds every time. Throws std::runtime_error
// when OpenSSL fails.
asn1_time_ptr to_asn1_generalized_time(time_point t);

}  // namespace tlsaudit::ossl
