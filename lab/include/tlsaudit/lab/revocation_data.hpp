#pragma once
// Signed revocation data for the lab CA: OCSP responses (stapled or served by
// ocsp_responder) and CRLs, built with the OpenSSL 3 API at run time. Includes the
// deliberately bad ones the revocation tests need (wrong signing key, expired,
// huge). All functions are thread-safe, do no I/O and throw std::runtime_error
// (OpenSSL error text) on failure.

#include <tlsaudit/lab/pki.hpp>
#include <tlsaudit/model.hpp>

#include <optional>
#include <span>
#include <vector>

namespace tlsaudit::lab {

enum class cert_state { good, revoked, unknown };

// What a response or CRL says about one serial.
struct revocation_entry {
    cert_state state = cert_state::good;
    int reason = -1;          // CRLReason code (1 keyCompromise, ...); < 0: none given
    time_point revoked_at{};  // revoked only; default: now - 1 day
};

struct ocsp_response_options {
    // Signs the response. Empty der: the issuer itself. A delegated responder needs
    // the id-kp-OCSPSigning EKU (see delegated_responder_spec).
    std::optional<credential> signer;
    bool include_signer_cert = false;       // put the signer's certificate in the response
    bool responder_id_by_key = false;       // ResponderID byKey instead of byName
    std::optional<time_point> this_update;  // default: now - 1 hour
    std::optional<time_point> next_update;  // default: now + 1 day
    bool omit_next_update = false;
};

// A successful OCSPResponse for the certificate with `serial` issued by `issuer`
// (SHA-1 CertID, as a client builds it).
bytes make_ocsp_response(const credential& issuer, std::span<const unsigned char> serial, const revocation_entry& entry,
                         const ocsp_response_options& options = {});
// Same, for the serial of a DER certificate.
bytes make_ocsp_response_for(const credential& issuer, std::span<const unsigned char> cert_der,
                             const revocation_entry& entry, const ocsp_response_options& options = {});
// An OCSPResponse with a non-successful responseStatus (1 malformedRequest,
// 2 internalError, 3 tryLater, 5 sigRequired, 6 unauthorized) and no body.
bytes make_ocsp_error_response(int response_status);

// A self-signed CA certificate with exactly the subject name of `genuine` and
// another key: responses it signs name the genuine CA but do not verify with its key.
credential make_impostor(const credential& genuine, key k);
// Spec of a delegated OCSP responder certificate (EKU id-kp-OCSPSigning, not a CA).
cert_spec delegated_responder_spec(std::string common_name);

struct crl_options {
    std::vector<std::pair<bytes, revocation_entry>> revoked;  // serial (big-endian) -> entry
    std::optional<time_point> this_update;                    // default: now - 1 hour
    std::optional<time_point> next_update;                    // default: now + 7 days
    bool omit_next_update = false;
    std::size_t filler_entries = 0;  // extra entries with random 16-byte serials
    bool pem = false;                // "-----BEGIN X509 CRL-----" instead of DER
    std::optional<key> signing_key;  // default: issuer.k (another key: bad signature)
    // Critical extensions that narrow what the CRL covers (RFC 5280 5.2.4, 5.2.5): an
    // issuingDistributionPoint in OpenSSL's config syntax ("fullname:URI:http://...",
    // "onlyCA:TRUE", "onlysomereasons:keyCompromise"; empty: none), and a deltaCRLIndicator
    // (base CRL number 1) that makes it a delta CRL.
    std::string issuing_distribution_point;
    bool delta = false;
    // A critical entry extension of a private OID on every listed entry (one no checker
    // knows: RFC 5280 5.3 forbids using such a CRL).
    bool critical_entry_extension = false;
};

// A v2 CRL issued by `issuer` (issuer name copied from its subject).
bytes make_crl(const credential& issuer, const crl_options& options);

// Big-endian serial magnitude of a DER certificate.
bytes serial_of(std::span<const unsigned char> cert_der);

}  // namespace tlsaudit::lab
