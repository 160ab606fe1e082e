#include <tlsaudit/lab/revocation_data.hpp>

#include "ossl/der.hpp"
#include "ossl/error.hpp"
#include "ossl/ptr.hpp"
#include "ossl/time.hpp"
#include "revocation_detail.hpp"

#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include <chrono>

namespace tlsaudit::lab {
namespace {

using namespace std::chrono_literals;

time_point now() { return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()); }

int ocsp_status(cert_state s) {
    switch (s) {
    case cert_state::good: return V_OCSP_CERTSTATUS_GOOD;
    case cert_state::revoked: return V_OCSP_CERTSTATUS_REVOKED;
    case cert_state::unknown: return V_OCSP_CERTSTATUS_UNKNOWN;
    }
    return V_OCSP_CERTSTATUS_UNKNOWN;
}

// Big-endian magnitude -> INTEGER (leading zero bytes do not change the value).
ossl::asn1_integer_ptr to_asn1_integer(std::span<const unsigned char> magnitude) {
    ossl::bignum_ptr bn(
        ossl::check_ptr(BN_bin2bn(magnitude.data(), static_cast<int>(magnitude.size()), nullptr), "BN_bin2bn"));
    return ossl::asn1_integer_ptr(ossl::check_ptr(BN_to_ASN1_INTEGER(bn.get(), nullptr), "BN_to_ASN1_INTEGER"));
}

bytes response_der(OCSP_RESPONSE* response) {
    unsigned char* out = nullptr;
    const int length = i2d_OCSP_RESPONSE(response, &out);
    if (length <= 0) ossl::throw_failure("i2d_OCSP_RESPONSE");
    ossl::openssl_memory_ptr owned(out);
    return bytes(out, out + length);
}

}  // namespace

bytes serial_of(std::span<const unsigned char> cert_der) {
    ossl::x509_ptr cert = ossl::decode_certificate(cert_der);
    ossl::bignum_ptr bn(
        ossl::check_ptr(ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert.get()), nullptr), "ASN1_INTEGER_to_BN"));
    bytes out(static_cast<std::size_t>(BN_num_bytes(bn.get())));
    if (BN_bn2bin(bn.get(), out.data()) != static_cast<int>(out.size())) ossl::throw_failure("BN_bn2bin");
    return out;
}

bytes sign_ocsp_response(const credential& issuer,
                         const std::vector<std::pair<const OCSP_CERTID*, revocation_entry>>& answers,
                         const ocsp_response_options& options) {
    ossl::ocsp_basicresp_ptr basic(ossl::check_ptr(OCSP_BASICRESP_new(), "OCSP_BASICRESP_new"));
    const time_point t = now();
    ossl::asn1_time_ptr this_update = ossl::to_asn1_generalized_time(options.this_update.value_or(t - 1h));
    ossl::asn1_time_ptr next_update = ossl::to_asn1_generalized_time(options.next_update.value_or(t + 24h));
    for (const auto& [id, entry] : answers) {
        ossl::asn1_time_ptr revoked_at =
            ossl::to_asn1_generalized_time(entry.revoked_at == time_point{} ? t - 24h : entry.revoked_at);
        const bool revoked = entry.state == cert_state::revoked;
        // add1 copies the CertID.
        ossl::check_ptr(OCSP_basic_add1_status(basic.get(), const_cast<OCSP_CERTID*>(id), ocsp_status(entry.state),
                                               revoked ? entry.reason : OCSP_REVOKED_STATUS_NOSTATUS,
                                               revoked ? revoked_at.get() : nullptr, this_update.get(),
                                               options.omit_next_update ? nullptr : next_update.get()),
                        "OCSP_basic_add1_status");
    }
    const credential& signer = options.signer ? *options.signer : issuer;
    ossl::x509_ptr signer_cert = ossl::decode_certificate(signer.der);
    unsigned long flags = options.include_signer_cert ? 0 : OCSP_NOCERTS;
    if (options.responder_id_by_key) flags |= OCSP_RESPID_KEY;
    ossl::check(OCSP_basic_sign(basic.get(), signer_cert.get(), signer.k.get(), EVP_sha256(), nullptr, flags),
                "OCSP_basic_sign");
    ossl::ocsp_response_ptr response(
        ossl::check_ptr(OCSP_response_create(OCSP_RESPONSE_STATUS_SUCCESSFUL, basic.get()), "OCSP_response_create"));
    return response_der(response.get());
}

bytes make_ocsp_response(const credential& issuer, std::span<const unsigned char> serial, const revocation_entry& entry,
                         const ocsp_response_options& options) {
    ossl::x509_ptr issuer_cert = ossl::decode_certificate(issuer.der);
    ossl::asn1_integer_ptr number = to_asn1_integer(serial);
    const ASN1_BIT_STRING* issuer_key = X509_get0_pubkey_bitstr(issuer_cert.get());
    ossl::ocsp_certid_ptr id(ossl::check_ptr(
        OCSP_cert_id_new(EVP_sha1(), X509_get_subject_name(issuer_cert.get()), issuer_key, number.get()),
        "OCSP_cert_id_new"));
    return sign_ocsp_response(issuer, {{id.get(), entry}}, options);
}

bytes make_ocsp_response_for(const credential& issuer, std::span<const unsigned char> cert_der,
                             const revocation_entry& entry, const ocsp_response_options& options) {
    return make_ocsp_response(issuer, serial_of(cert_der), entry, options);
}

bytes make_ocsp_error_response(int response_status) {
    ossl::ocsp_response_ptr response(
        ossl::check_ptr(OCSP_response_create(response_status, nullptr), "OCSP_response_create"));
    return response_der(response.get());
}

credential make_impostor(const credential& genuine, key k) {
    ossl::x509_ptr cert = ossl::decode_certificate(genuine.der);
    unsigned char* out = nullptr;
    const int length = i2d_X509_NAME(X509_get_subject_name(cert.get()), &out);
    if (length <= 0) ossl::throw_failure("i2d_X509_NAME");
    ossl::openssl_memory_ptr owned(out);
    cert_spec spec = ca_spec("impostor");
    spec.raw_subject_der = bytes(out, out + length);
    return make_self_signed(spec, std::move(k));
}

cert_spec delegated_responder_spec(std::string common_name) {
    cert_spec spec;
    spec.common_name = std::move(common_name);
    spec.standard_extensions = false;  // no serverAuth EKU: only OCSPSigning below
    // SEQUENCE { OID 1.3.6.1.5.5.7.3.9 (id-kp-OCSPSigning) }
    spec.extra_extensions.push_back(
        {"2.5.29.37", {0x30, 0x0A, 0x06, 0x08, 0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x09}, false});
    return spec;
}

bytes make_crl(const credential& issuer, const crl_options& options) {
    ossl::x509_ptr issuer_cert = ossl::decode_certificate(issuer.der);
    ossl::x509_crl_ptr crl(ossl::check_ptr(X509_CRL_new(), "X509_CRL_new"));
    ossl::check(X509_CRL_set_version(crl.get(), X509_CRL_VERSION_2), "X509_CRL_set_version");
    ossl::check(X509_CRL_set_issuer_name(crl.get(), X509_get_subject_name(issuer_cert.get())),
                "X509_CRL_set_issuer_name");
    const time_point t = now();
    ossl::asn1_time_ptr last = ossl::to_asn1_time(options.this_update.value_or(t - 1h));
    ossl::check(X509_CRL_set1_lastUpdate(crl.get(), last.get()), "X509_CRL_set1_lastUpdate");
    if (!options.omit_next_update) {
        ossl::asn1_time_ptr next = ossl::to_asn1_time(options.next_update.value_or(t + 24h * 7));
        ossl::check(X509_CRL_set1_nextUpdate(crl.get(), next.get()), "X509_CRL_set1_nextUpdate");
    }
    auto add = [&](std::span<const unsigned char> serial, const revocation_entry& entry) {
        ossl::x509_revoked_ptr revoked(ossl::check_ptr(X509_REVOKED_new(), "X509_REVOKED_new"));
        ossl::asn1_integer_ptr number = to_asn1_integer(serial);
        ossl::check(X509_REVOKED_set_serialNumber(revoked.get(), number.get()), "X509_REVOKED_set_serialNumber");
        ossl::asn1_time_ptr when = ossl::to_asn1_time(entry.revoked_at == time_point{} ? t - 24h : entry.revoked_at);
        ossl::check(X509_REVOKED_set_revocationDate(revoked.get(), when.get()), "X509_REVOKED_set_revocationDate");
        if (entry.reason >= 0) {
            ossl::asn1_enumerated_ptr reason(ossl::check_ptr(ASN1_ENUMERATED_new(), "ASN1_ENUMERATED_new"));
            ossl::check(ASN1_ENUMERATED_set(reason.get(), entry.reason), "ASN1_ENUMERATED_set");
            ossl::check(X509_REVOKED_add1_ext_i2d(revoked.get(), NID_crl_reason, reason.get(), 0, 0),
                        "X509_REVOKED_add1_ext_i2d");
        }
        if (options.critical_entry_extension) {
            ossl::asn1_object_ptr oid(ossl::check_ptr(OBJ_txt2obj("1.3.6.1.4.1.55555.7", 1), "OBJ_txt2obj"));
            ossl::asn1_octet_string_ptr value(ossl::check_ptr(ASN1_OCTET_STRING_new(), "ASN1_OCTET_STRING_new"));
            ossl::check(ASN1_OCTET_STRING_set(value.get(), reinterpret_cast<const unsigned char*>("\x05\x00"), 2),
                        "ASN1_OCTET_STRING_set");
            ossl::x509_extension_ptr ext(
                ossl::check_ptr(X509_EXTENSION_create_by_OBJ(nullptr, oid.get(), 1, value.get()), "extension"));
            ossl::check(X509_REVOKED_add_ext(revoked.get(), ext.get(), -1), "X509_REVOKED_add_ext");
        }
        ossl::check(X509_CRL_add0_revoked(crl.get(), revoked.get()), "X509_CRL_add0_revoked");
        revoked.release();
    };
    for (const auto& [serial, entry] : options.revoked) add(serial, entry);
    for (std::size_t i = 0; i < options.filler_entries; ++i) {
        bytes serial(16);
        ossl::check(RAND_bytes(serial.data(), static_cast<int>(serial.size())), "RAND_bytes");
        serial[0] = static_cast<unsigned char>(serial[0] | 0x40);  // 16 significant bytes
        add(serial, revocation_entry{cert_state::revoked, 4, {}});
    }
    ossl::check(X509_CRL_sort(crl.get()), "X509_CRL_sort");
    if (!options.issuing_distribution_point.empty()) {
        const std::string text = "critical," + options.issuing_distribution_point;
        X509_EXTENSION* ext = X509V3_EXT_nconf_nid(nullptr, nullptr, NID_issuing_distribution_point, text.c_str());
        if (ext == nullptr) ossl::throw_failure("X509V3_EXT_nconf_nid");
        const int added = X509_CRL_add_ext(crl.get(), ext, -1);
        X509_EXTENSION_free(ext);
        ossl::check(added, "X509_CRL_add_ext");
    }
    if (options.delta) {
        ossl::asn1_integer_ptr base(ossl::check_ptr(ASN1_INTEGER_new(), "ASN1_INTEGER_new"));
        ossl::check(ASN1_INTEGER_set(base.get(), 1), "ASN1_INTEGER_set");
        ossl::check(X509_CRL_add1_ext_i2d(crl.get(), NID_delta_crl, base.get(), 1, 0), "X509_CRL_add1_ext_i2d");
    }
    const key& signing_key = options.signing_key ? *options.signing_key : issuer.k;
    if (X509_CRL_sign(crl.get(), signing_key.get(), EVP_sha256()) <= 0) ossl::throw_failure("X509_CRL_sign");

    if (options.pem) {
        ossl::bio_ptr bio(ossl::check_ptr(BIO_new(BIO_s_mem()), "BIO_new"));
        ossl::check(PEM_write_bio_X509_CRL(bio.get(), crl.get()), "PEM_write_bio_X509_CRL");
        char* data = nullptr;
        const long length = BIO_get_mem_data(bio.get(), &data);
        if (length <= 0 || data == nullptr) ossl::throw_failure("BIO_get_mem_data");
        return bytes(data, data + length);
    }
    unsigned char* out = nullptr;
    const int length = i2d_X509_CRL(crl.get(), &out);
    if (length <= 0) ossl::throw_failure("i2d_X509_CRL");
    ossl::openssl_memory_ptr owned(out);
    return bytes(out, out + length);
}

}  // namespace tlsaudit::lab
