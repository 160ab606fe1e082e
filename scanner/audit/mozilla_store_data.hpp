#pragma once
// Mozilla's root store as compiled in: generated at build time by scripts/nss_roots.py
// from data/nss/certdata-<date>.txt. Private to scanner/audit (tlsaudit/program_trust.hpp).

#include <cstddef>

namespace tlsaudit::audit::detail {

struct mozilla_root_row {
    const char* label;
    const char* sha256;          // lower-case hex of the DER
    const char* spki_sha256;     // lower-case hex of the SubjectPublicKeyInfo
    bool websites;               // CKA_TRUST_SERVER_AUTH is CKT_NSS_TRUSTED_DELEGATOR
    const char* distrust_after;  // RFC 3339 (CKA_NSS_SERVER_DISTRUST_AFTER); "" when not set
};

extern const char* const mozilla_store_date;  // YYYY-MM-DD, from the data file's name
extern const mozilla_root_row mozilla_root_rows[];
extern const std::size_t mozilla_root_count;

}  // namespace tlsaudit::audit::detail
