#pragma once
// The finding catalogue (docs/findings.md): every finding id the audit can
// raise, with its default severity, a title and a one-line meaning. The one table of
// ids and default levels: the checks take their level from it (overridable per id by
// the rules' "severities"), and the reports describe the catalogue from it (SARIF
// rules). A finding's own message and remediation stay the authority for one case.

#include <tlsaudit/finding.hpp>

#include <array>
#include <string_view>

namespace tlsaudit {

struct finding_kind {
    std::string_view id;
    severity default_level;
    std::string_view title;
    std::string_view description;
};

// In catalogue order.
inline constexpr std::array finding_kinds{
    finding_kind{"deprecated-intermediate", severity::high, "Retired intermediate in the chain",
                 "The served chain or the built path contains a retired intermediate (matched by fingerprint or key)."},
    finding_kind{"deprecated-intermediate-unconfirmed", severity::low, "Retired intermediate by name only",
                 "A certificate carries the name of a retired intermediate but not its key."},
    finding_kind{"leaf-revoked", severity::critical, "Certificate revoked",
                 "OCSP (stapled or live) or a CRL says the certificate is revoked."},
    finding_kind{"revocation-unknown", severity::low, "Revocation status unknown",
                 "No OCSP or CRL answer could be obtained."},
    finding_kind{"ocsp-staple-unusable", severity::medium, "Stapled OCSP response unusable",
                 "The server staples an OCSP response clients cannot use (expired, for another certificate, "
                 "badly signed, an error status): its stapling is broken, whatever the live status."},
    finding_kind{"issuer-distrusted", severity::high, "Issuer distrusted by root programs",
                 "The chain anchors at a CA that root programs distrust for certificates issued after a date."},
    finding_kind{"issuer-discontinued", severity::medium, "Issuer discontinued",
                 "The issuer can no longer sell or renew: plan the replacement before expiry."},
    finding_kind{"cert-expired", severity::critical, "Certificate expired",
                 "A certificate of the path is past its notAfter."},
    finding_kind{"cert-expiring", severity::medium, "Certificate expiring soon",
                 "A certificate of the path expires within the warning window."},
    finding_kind{"cert-not-yet-valid", severity::high, "Certificate not yet valid",
                 "A certificate of the path is before its notBefore."},
    finding_kind{"hostname-mismatch", severity::high, "Name mismatch",
                 "No subject alternative name matches the name that was asked for."},
    finding_kind{"chain-untrusted", severity::high, "Untrusted chain", "No path to a trusted root."},
    finding_kind{"chain-incomplete", severity::high, "Incomplete chain",
                 "A path exists only through an intermediate the server did not send."},
    finding_kind{"self-signed", severity::high, "Self-signed certificate", "The leaf is self-signed."},
    finding_kind{"chain-misordered", severity::low, "Chain misordered",
                 "The served certificates are not in leaf-to-root order."},
    finding_kind{"chain-extra-certs", severity::low, "Extra certificates served",
                 "The server sends certificates that are not part of the leaf's path."},
    finding_kind{"weak-key", severity::medium, "Weak key", "RSA or DSA below 2048 bits, or EC below 256 bits."},
    finding_kind{"weak-signature", severity::medium, "Weak signature",
                 "SHA-1, MD5 or MD2 signature on a leaf or intermediate."},
    finding_kind{"inconsistent-deployment", severity::high, "Inconsistent deployment",
                 "The addresses behind one name serve different leaves or chains."},
    finding_kind{"multiple-chains", severity::low, "Several chains served",
                 "The endpoint serves different chains to different clients (e.g. RSA-only ones); medium when the "
                 "chains differ in findings."},
    // The browser profile (--profile browser, the default).
    finding_kind{"forbidden-key", severity::high, "Key algorithm browsers refuse",
                 "A key outside the Baseline Requirements (RSA 2048+ in whole octets, ECDSA P-256/P-384/P-521), "
                 "e.g. DSA or P-192."},
    finding_kind{
        "forbidden-signature", severity::high, "Signature algorithm browsers refuse",
        "A signature outside the Baseline Requirements (RSA PKCS#1 v1.5 or PSS, or ECDSA, with SHA-256/384/512) "
        "on a leaf or intermediate."},
    finding_kind{"rfc5280-violation", severity::high, "Certificate profile violation",
                 "A certificate breaks an RFC 5280 or Baseline Requirements profile rule browsers enforce (serial "
                 "number, version, AKI/SKI, basicConstraints, keyUsage, AIA, SAN); the message names each rule."},
    // Per-program trust and Baseline Requirements validity limits.
    finding_kind{"root-program-untrusted", severity::high, "Trusted here, not by a browser root program",
                 "The system trust store trusts the chain but a root program whose store is in the catalogue "
                 "(Mozilla) does not: its root lost websites trust or the program's cut-off passed."},
    finding_kind{"validity-too-long", severity::medium, "Validity longer than the Baseline Requirements allow",
                 "The leaf's validity exceeds the maximum the CA/Browser Forum allows for its issuance date."},
    finding_kind{"validity-next-limit", severity::info, "Next certificate must be shorter",
                 "The leaf will be renewed after the next validity limit takes effect: the next certificate must "
                 "be shorter."},
};

// The entry for `id`, or nullptr.
constexpr const finding_kind* find_finding_kind(std::string_view id) {
    for (const auto& k : finding_kinds)
        if (k.id == id) return &k;
    return nullptr;
}

// A finding id checked against the catalogue at compile time: `known_finding("cert-expired")`
// compiles, a misspelt id does not.
class known_finding {
public:
    consteval known_finding(const char* id) : kind_(find_finding_kind(id)) {  // NOLINT(google-explicit-constructor)
        if (kind_ == nullptr) throw "not a finding id of the catalogue (include/tlsaudit/finding_catalogue.hpp)";
    }
    constexpr std::string_view id() const { return kind_->id; }
    constexpr severity default_level() const { return kind_->default_level; }

private:
    const finding_kind* kind_;
};

}  // namespace tlsaudit
