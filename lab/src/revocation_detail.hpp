#pragma once
// Private to tlsaudit_lab: the OCSP signing step shared by make_ocsp_response and the
// responder (which answers with the CertIDs the client sent).

#include <tlsaudit/lab/revocation_data.hpp>

#include <openssl/ocsp.h>

#include <utility>
#include <vector>

namespace tlsaudit::lab {

// A successful, signed OCSPResponse with one SingleResponse per (CertID, entry).
// Throws std::runtime_error on OpenSSL failures.
bytes sign_ocsp_response(const credential& issuer,
                         const std::vector<std::pair<const OCSP_CERTID*, revocation_entry>>& answers,
                         const ocsp_response_options& options);

}  // namespace tlsaudit::lab
