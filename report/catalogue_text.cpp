#include <tlsaudit/report/catalogue_text.hpp>

#include <array>

namespace tlsaudit::report {
namespace {

constexpr std::array entries{
    catalogue_entry{"deprecated-intermediate", severity::high, "Retired intermediate in the chain",
                    "The served chain or the built path contains a retired intermediate (matched by fingerprint or key)."},
    catalogue_entry{"deprecated-intermediate-unconfirmed", severity::low, "Retired intermediate by name only",
                    "A certificate carries the name of a retired intermediate but not its key."},
    catalogue_entry{"leaf-revoked", severity::critical, "Certificate revoked",
                    "OCSP (stapled or live) or a CRL says the certificate is revoked."},
    catalogue_entry{"revocation-unknown", severity::low, "Revocation status unknown",
                    "No OCSP or CRL answer could be obtained."},
    catalogue_entry{"issuer-distrusted", severity::high, "Issuer distrusted by root programs",
                    "The chain anchors at a CA that root programs distrust for certificates issued after a date."},
    catalogue_entry{"issuer-discontinued", severity::medium, "Issuer discontinued",
                    "The issuer can no longer sell or renew: plan the replacement before expiry."},
    catalogue_entry{"cert-expired", severity::critical, "Certificate expired",
                    "A certificate of the path is past its notAfter."},
    catalogue_entry{"cert-expiring", severity::medium, "Certificate expiring soon",
                    "A certificate of the path expires within the warning window."},
    catalogue_entry{"cert-not-yet-valid", severity::high, "Certificate not yet valid",
                    "A certificate of the path is before its notBefore."},
    catalogue_entry{"hostname-mismatch", severity::high, "Name mismatch",
                    "No subject alternative name matches the name that was asked for."},
    catalogue_entry{"chain-untrusted", severity::high, "Untrusted chain", "No path to a trusted root."},
    catalogue_entry{"chain-incomplete", severity::high, "Incomplete chain",
                    "A path exists only through an intermediate the server did not send."},
    catalogue_entry{"self-signed", severity::high, "Self-signed certificate", "The leaf is self-signed."},
    catalogue_entry{"chain-misordered", severity::low, "Chain misordered",
                    "The served certificates are not in leaf-to-root order."},
    catalogue_entry{"chain-extra-certs", severity::low, "Extra certificates served",
                    "The server sends certificates that are not part of the leaf's path."},
    catalogue_entry{"weak-key", severity::medium, "Weak key", "RSA or DSA below 2048 bits, or EC below 256 bits."},
    catalogue_entry{"weak-signature", severity::medium, "Weak signature",
                    "SHA-1, MD5 or MD2 signature on a leaf or intermediate."},
    catalogue_entry{"inconsistent-deployment", severity::high, "Inconsistent deployment",
                    "The addresses behind one name serve different leaves or chains."},
};

}  // namespace

std::span<const catalogue_entry> known_findings() { return entries; }

const catalogue_entry* find_catalogue_entry(std::string_view id) {
    for (const auto& e : entries)
        if (e.id == id) return &e;
    return nullptr;
}

}  // namespace tlsaudit::report
