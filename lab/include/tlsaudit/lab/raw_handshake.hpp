#pragma once
// Hand-built TLS 1.2 server flights for the hostile lab behaviours that OpenSSL's server
// side will not produce (a certificate that is not DER, a 1 MiB certificate). Pure
// functions on bytes, no I/O; test code only. The flights are never completed: no
// ServerKeyExchange or Finished follows, so a client fails after the Certificate message
// (or, after behaviour::undecodable_certificate's ServerHelloDone, a certificates-only
// client stops there).

#include <tlsaudit/model.hpp>

#include <cstddef>
#include <vector>

namespace tlsaudit::lab {

// Size of the single certificate behaviour::huge_certificate sends (DER-shaped: a
// SEQUENCE header then zeros), so its Certificate message is just over 1 MiB.
inline constexpr std::size_t huge_certificate_size = std::size_t{1} << 20;

// A TLS 1.2 ServerHello handshake message (header included): fixed random (no TLS 1.3
// downgrade sentinel), empty session id, ECDHE-RSA-AES128-GCM-SHA256, no compression,
// an empty renegotiation_info extension.
bytes server_hello_message();

// A Certificate handshake message (TLS 1.2 layout, header included) carrying `chain`
// as given, whatever the bytes are.
bytes certificate_message(const std::vector<bytes>& chain);

// Handshake messages framed as TLS 1.2 handshake records of at most 16384 bytes each
// (messages may span records, as on the wire).
bytes handshake_records(const bytes& messages);

// The certificate behaviour::bad_der serves: starts like a certificate (SEQUENCE with a
// long length) but its length runs past its end, so no DER parser accepts it.
bytes invalid_der_certificate();

// A ServerHelloDone handshake message (header included).
bytes server_hello_done_message();

// The second certificate behaviour::undecodable_certificate serves: DER shaped like a
// certificate whose every length is consistent, so only a full decode refuses it (the
// TBSCertificate's signature AlgorithmIdentifier holds an OCTET STRING where the OID goes).
bytes undecodable_certificate();

// The certificate behaviour::huge_certificate serves (huge_certificate_size bytes).
bytes huge_certificate();

}  // namespace tlsaudit::lab
