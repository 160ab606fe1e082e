#include "ocsp.hpp"

#include "crl_reason.hpp"
#include "ossl/error.hpp"
#include "ossl/ptr.hpp"
#include "ossl/time.hpp"
#include "text/hex.hpp"
#include "text/time_text.hpp"

#include <openssl/ocsp.h>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <ctime>

namespace tlsaudit::revocation::detail {
namespace {

bool key_hash_matches(const ASN1_OCTET_STRING* key_id, X509* issuer) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int length = 0;
    if (X509_pubkey_digest(issuer, EVP_sha1(), digest.data(), &length) != 1) return false;
    return ASN1_STRING_length(key_id) == static_cast<int>(length) &&
           std::equal(digest.begin(), digest.begin() + length, ASN1_STRING_get0_data(key_id));
}

// Does the responderID name the issuer itself?
bool responder_is_issuer(OCSP_BASICRESP* basic, X509* issuer) {
    const ASN1_OCTET_STRING* key_id = nullptr;
    const X509_NAME* name = nullptr;
    if (OCSP_resp_get0_id(basic, &key_id, &name) != 1) return false;
    if (name != nullptr) return X509_NAME_cmp(name, X509_get_subject_name(issuer)) == 0;
    return key_id != nullptr && key_hash_matches(key_id, issuer);
}

// A delegated responder (RFC 6960 4.2.2.2): issued and signed by the CA, OCSPSigning
// EKU, currently valid. Returns "" when authorised, else why not.
std::string check_delegate(X509* signer, X509* issuer, time_point now) {
    if (X509_check_issued(issuer, signer) != X509_V_OK)
        return "unauthorised responder: its certificate was not issued by the certificate's issuer";
    EVP_PKEY* issuer_key = X509_get0_pubkey(issuer);
    if (issuer_key == nullptr || X509_verify(signer, issuer_key) != 1) {
        ossl::take_errors();
        return "unauthorised responder: its certificate is not signed by the issuer";
    }
    const std::uint32_t flags = X509_get_extension_flags(signer);
    if ((flags & EXFLAG_XKUSAGE) == 0 || (X509_get_extended_key_usage(signer) & XKU_OCSP_SIGN) == 0)
        return "unauthorised responder: no id-kp-OCSPSigning extended key usage";
    // Seconds as they are: to_time_t would go through system_clock (nanoseconds), which
    // overflows outside 1678-2262.
    std::time_t t = static_cast<std::time_t>(now.time_since_epoch().count());
    if (X509_cmp_time(X509_get0_notBefore(signer), &t) > 0 || X509_cmp_time(X509_get0_notAfter(signer), &t) < 0)
        return "unauthorised responder: its certificate is outside its validity period";
    return {};
}

bool signature_verifies(OCSP_BASICRESP* basic, X509* signer) {
    ossl::x509_stack_ptr certs(sk_X509_new_null());
    ossl::x509_store_ptr store(X509_STORE_new());
    if (!certs || !store || X509_up_ref(signer) != 1) return false;
    if (sk_X509_push(certs.get(), signer) <= 0) {
        X509_free(signer);
        return false;
    }
    // NOINTERN: only `signer` may be the signer; NOVERIFY: the signer's authority was
    // judged above (path validation of the CA itself is the audit's business).
    const int rc = OCSP_basic_verify(basic, certs.get(), store.get(), OCSP_NOINTERN | OCSP_NOVERIFY);
    ossl::take_errors();
    return rc > 0;
}

OCSP_SINGLERESP* find_single(OCSP_BASICRESP* basic, X509* cert, X509* issuer) {
    const int count = OCSP_resp_count(basic);
    for (int i = 0; i < count; ++i) {
        OCSP_SINGLERESP* single = OCSP_resp_get0(basic, i);
        if (single == nullptr) continue;
        const OCSP_CERTID* theirs = OCSP_SINGLERESP_get0_id(single);
        ASN1_OBJECT* md_oid = nullptr;
        if (theirs == nullptr ||
            OCSP_id_get0_info(nullptr, &md_oid, nullptr, nullptr, const_cast<OCSP_CERTID*>(theirs)) != 1)
            continue;
        const EVP_MD* md = EVP_get_digestbyobj(md_oid);
        if (md == nullptr) continue;
        ossl::ocsp_certid_ptr ours(OCSP_cert_to_id(md, cert, issuer));
        if (ours && OCSP_id_cmp(ours.get(), theirs) == 0) return single;
    }
    return nullptr;
}

}  // namespace

std::optional<bytes> make_ocsp_request(X509* cert, X509* issuer, std::string& error) {
    ossl::ocsp_certid_ptr id(OCSP_cert_to_id(EVP_sha1(), cert, issuer));
    ossl::ocsp_request_ptr request(OCSP_REQUEST_new());
    if (!id || !request) {
        error = ossl::describe_failure("OCSP CertID");
        return std::nullopt;
    }
    if (OCSP_request_add0_id(request.get(), id.get()) == nullptr) {
        error = ossl::describe_failure("OCSP request");
        return std::nullopt;
    }
    id.release();  // owned by the request now
    unsigned char* out = nullptr;
    const int length = i2d_OCSP_REQUEST(request.get(), &out);
    if (length <= 0) {
        error = ossl::describe_failure("OCSP request encoding");
        return std::nullopt;
    }
    ossl::openssl_memory_ptr owned(out);
    return bytes(out, out + length);
}

verdict judge_ocsp_response(std::span<const unsigned char> der, X509* cert, X509* issuer, const freshness& f) {
    const unsigned char* p = der.data();
    ossl::ocsp_response_ptr response(d2i_OCSP_RESPONSE(nullptr, &p, static_cast<long>(der.size())));
    if (!response || p != der.data() + der.size()) {
        ossl::take_errors();
        return unknown_verdict("malformed OCSP response");
    }
    const int response_status = OCSP_response_status(response.get());
    if (response_status != OCSP_RESPONSE_STATUS_SUCCESSFUL)
        return unknown_verdict(fmt::format("responder answered {}", OCSP_response_status_str(response_status)));
    ossl::ocsp_basicresp_ptr basic(OCSP_response_get1_basic(response.get()));
    if (!basic) {
        ossl::take_errors();
        return unknown_verdict("OCSP response is not a basic response");
    }

    X509* signer = nullptr;
    if (responder_is_issuer(basic.get(), issuer)) {
        signer = issuer;
    } else {
        if (OCSP_resp_get0_signer(basic.get(), &signer, nullptr) != 1 || signer == nullptr) {
            ossl::take_errors();
            return unknown_verdict("unauthorised responder: signer is neither the issuer nor an included certificate");
        }
        if (std::string why = check_delegate(signer, issuer, f.now); !why.empty())
            return unknown_verdict(std::move(why));
    }
    if (!signature_verifies(basic.get(), signer)) return unknown_verdict("bad OCSP response signature");

    OCSP_SINGLERESP* single = find_single(basic.get(), cert, issuer);
    if (single == nullptr) return unknown_verdict("OCSP response does not cover the certificate");
    int reason = -1;
    ASN1_GENERALIZEDTIME* revoked_at = nullptr;
    ASN1_GENERALIZEDTIME* this_update = nullptr;
    ASN1_GENERALIZEDTIME* next_update = nullptr;
    const int cert_status = OCSP_single_get0_status(single, &reason, &revoked_at, &this_update, &next_update);
    if (cert_status < 0) return unknown_verdict("malformed OCSP single response");

    const auto this_time = ossl::to_time_point(this_update);
    if (!this_time) return unknown_verdict("OCSP response without a valid thisUpdate");
    if (*this_time > f.now + f.skew)
        return unknown_verdict(fmt::format("OCSP response not yet valid (thisUpdate {})", text::rfc3339(*this_time)));
    std::optional<time_point> valid_until;
    if (next_update != nullptr) {
        valid_until = ossl::to_time_point(next_update);
        if (!valid_until) return unknown_verdict("OCSP response with a malformed nextUpdate");
    } else {
        valid_until = *this_time + f.max_age_without_next_update;
    }
    if (*valid_until + f.skew < f.now) {
        if (next_update == nullptr) {
            const auto days = std::chrono::duration_cast<std::chrono::days>(f.max_age_without_next_update).count();
            return unknown_verdict(fmt::format("stale OCSP response (no nextUpdate; thisUpdate {} is over {} days old)",
                                               text::rfc3339(*this_time), days));
        }
        return unknown_verdict(fmt::format("stale OCSP response (nextUpdate {})", text::rfc3339(*valid_until)));
    }

    verdict v;
    v.next_update = valid_until;
    switch (cert_status) {
    case V_OCSP_CERTSTATUS_GOOD: v.status.state = "good"; break;
    case V_OCSP_CERTSTATUS_REVOKED:
        v.status.state = "revoked";
        v.status.reason = reason >= 0 ? reason_name(reason) : "";
        v.status.revoked_at = ossl::to_time_point(revoked_at);
        break;
    default: return unknown_verdict("responder does not know the certificate (status unknown)");
    }
    return v;
}

std::string ocsp_key(X509* cert, X509* issuer) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int length = 0;
    if (X509_pubkey_digest(issuer, EVP_sha1(), digest.data(), &length) != 1) {
        ossl::take_errors();
        return {};
    }
    unsigned char* serial = nullptr;
    const int serial_length = i2d_ASN1_INTEGER(X509_get0_serialNumber(cert), &serial);
    if (serial_length <= 0) {
        ossl::take_errors();
        return {};
    }
    ossl::openssl_memory_ptr owned(serial);
    return text::to_hex(std::span(digest.data(), length)) + ":" +
           text::to_hex(std::span(serial, static_cast<std::size_t>(serial_length)));
}

}  // namespace tlsaudit::revocation::detail
