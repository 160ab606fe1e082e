#pragma once
// Readers of the X.509v3 extensions cert_info reports. Private to scanner/x509.
//
// Each fills its fields of `info` from `cert` and leaves them untouched when the
// extension is absent, duplicated or cannot be decoded (a malformed extension is
// not a parse failure: the certificate is still reported). None throws except
// std::bad_alloc; all may leave entries on the OpenSSL error queue.

#include <tlsaudit/model.hpp>

#include <openssl/x509.h>

namespace tlsaudit::x509::detail {

// dNSName -> dns_names; iPAddress -> ip_addresses (IPv4 dotted, IPv6 RFC 5952
// compressed). iPAddress values that are neither 4 nor 16 bytes are skipped.
void read_subject_alt_names(const X509* cert, cert_info& info);

// basicConstraints cA -> is_ca.
void read_basic_constraints(const X509* cert, cert_info& info);

// subjectKeyIdentifier and authorityKeyIdentifier keyIdentifier, lower-case hex.
void read_key_identifiers(const X509* cert, cert_info& info);

// authorityInfoAccess URIs -> ocsp_urls / ca_issuer_urls; CRL distribution
// point full-name URIs -> crl_urls. In certificate order.
void read_access_urls(const X509* cert, cert_info& info);

// Earliest timestamp of the embedded SCT list (precertificate SCTs), in
// milliseconds -> earliest_sct.
void read_earliest_sct(const X509* cert, cert_info& info);

}  // namespace tlsaudit::x509::detail
