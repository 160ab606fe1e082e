#pragma once
// A run-time PKI for the test lab: X.509 v3 certificates built with the OpenSSL 3 API
// from a plain description (cert_spec), signed by a lab key. Used to make CA
// hierarchies that look like the real ones, odd and hostile certificates, and lab
// leaves that claim a real public intermediate as their issuer.
//
// All functions are thread-safe (they share nothing but the lab_key cache) and throw
// std::runtime_error (OpenSSL error text) or std::invalid_argument (bad spec) on
// failure; none does I/O. Every struct member has a default initializer, so designated
// initializers (`cert_spec{.common_name = "x", .is_ca = true}`) compile warning-free.

#include <tlsaudit/lab/key.hpp>
#include <tlsaudit/model.hpp>

#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace tlsaudit::lab {

// An extension added verbatim: `oid` in dotted form (or an OpenSSL short name),
// `value` the DER that goes inside the extnValue OCTET STRING.
struct raw_extension {
    std::string oid{};
    bytes value{};
    bool critical = false;
};

struct cert_spec {
    // Subject, in this order: C, O, OU, CN, then extra_subject. Values are UTF-8 and
    // may hold anything (markup, quotes, non-ASCII); empty fields are left out.
    std::string common_name{};
    std::string organization{};
    std::string organizational_unit{};
    std::string country{};  // two letters (PrintableString)
    // More RDNs: (short name such as "L", "ST", "serialNumber", or a dotted OID; UTF-8 value).
    std::vector<std::pair<std::string, std::string>> extra_subject{};
    // When not empty: the DER of a Name used as the subject byte for byte instead of
    // the fields above (for odd string types, embedded NULs, ...).
    bytes raw_subject_der{};

    // Big-endian magnitude; empty: 16 random bytes, positive and non-zero.
    bytes serial{};
    // Defaults: now - 1 day and now + 90 days (UTCTime up to 2049, GeneralizedTime after).
    std::optional<time_point> not_before{};
    std::optional<time_point> not_after{};

    bool is_ca = false;
    int path_length = -1;  // CA only: pathLenConstraint; < 0 leaves it out

    std::vector<std::string> dns_names{};     // SAN dNSName, written as given
    std::vector<std::string> ip_addresses{};  // SAN iPAddress, textual IPv4/IPv6

    std::string ocsp_url{};        // AIA id-ad-ocsp
    std::string ca_issuers_url{};  // AIA id-ad-caIssuers
    std::string crl_url{};         // CRL distribution point (fullName URI)

    // "sha256" (default), "sha384", "sha512", "sha1", "md5" (md5 needs an RSA signing key).
    std::string digest = "sha256";

    // basicConstraints (critical; CA:TRUE for a CA, CA:FALSE otherwise), keyUsage
    // (critical; CA: keyCertSign+cRLSign+digitalSignature, leaf: digitalSignature,
    // plus keyEncipherment for RSA) and, for a leaf, extKeyUsage serverAuth+clientAuth.
    bool standard_extensions = true;
    // subjectKeyIdentifier (SHA-1 of the public key) and authorityKeyIdentifier
    // (keyid copied from the issuer's SKI when it has one).
    bool key_identifiers = true;

    std::vector<raw_extension> extra_extensions{};
};

// The embedded SCT list extension (1.3.6.1.4.1.11129.2.4.2) with one SCT per timestamp,
// for cert_spec::extra_extensions. The log ids and signatures are filler (nothing checks
// them); the timestamps are what Chrome's SCT-based distrust reads. Throws
// std::invalid_argument when `timestamps` is empty. Logs write milliseconds.
raw_extension sct_list_extension(std::span<const std::chrono::sys_time<std::chrono::milliseconds>> timestamps);

// Convenience specs: a leaf for `dns_name` (CN and SAN) and a CA named `common_name`.
cert_spec leaf_spec(std::string dns_name);
cert_spec ca_spec(std::string common_name, int path_length = -1);

// A certificate and the private key of its subject.
struct credential {
    bytes der{};
    key k{};

    std::string pem() const;  // "-----BEGIN CERTIFICATE-----" block
};

// Self-signed certificate for `k` (issuer = subject, AKI = own SKI).
credential make_self_signed(const cert_spec& spec, key k);

// Certificate for `subject_key` issued by `issuer`: issuer name copied byte for byte
// from issuer.der's subject, AKI from its SKI, signed with issuer.k. issuer.k is not
// checked against issuer.der, so this also forges certificates "under" any issuer.
credential issue(const credential& issuer, const cert_spec& spec, key subject_key);

// Same as issue() with an arbitrary issuer certificate (e.g. a real public
// intermediate from real_cert()) and a lab signing key: the result names the real CA
// as its issuer (name and AKI identical) but its signature will not verify against it.
credential issue_under_name(std::span<const unsigned char> issuer_der, const key& signing_key, const cert_spec& spec,
                            key subject_key);

// Root -> intermediates -> leaf.
struct hierarchy {
    credential root{};
    std::vector<credential> intermediates{};  // [0] signed by root; back() signed the leaf
    credential leaf{};

    // What a well-configured server sends: leaf, then intermediates from the one that
    // signed the leaf up to the one under the root. The root is not included.
    std::vector<bytes> served_chain() const;
};

struct hierarchy_options {
    key_kind kind = key_kind::ec_p256;
    int intermediates = 1;
    std::vector<std::string> leaf_dns_names = {"localhost"};
    std::vector<std::string> leaf_ip_addresses{};
    // Subject names: "<name> Root CA", "<name> Intermediate CA <n>", O = <name>, C = ZZ.
    std::string name = "tlsaudit lab";
    // Keys are lab_key(kind, key_index + i): i = 0 root, 1..n intermediates, n + 1
    // leaf. Hierarchies with the same kind and key_index share keys.
    std::size_t key_index = 0;
    std::string leaf_ocsp_url{};
    std::string leaf_crl_url{};
    std::string digest = "sha256";
};

hierarchy make_hierarchy(const hierarchy_options& options);
// Shorthand: `depth` intermediates (0: the root signs the leaf); leaf CN is the first name.
hierarchy make_hierarchy(key_kind kind, int depth, std::vector<std::string> leaf_dns_names);

}  // namespace tlsaudit::lab
