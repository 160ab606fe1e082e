// The browser profile's certificate checks: Baseline Requirements key and signature
// algorithms, and the RFC 5280 profile rules browsers enforce (OpenSSL's strict-mode
// refusals from the verdict, plus the rules OpenSSL does not check at all).

#include "audit/checks.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tlsaudit::audit::detail {
namespace {

constexpr std::array<std::string_view, 3> br_curves{"prime256v1", "secp384r1", "secp521r1"};
constexpr std::array<std::string_view, 3> br_digests{"SHA256", "SHA384", "SHA512"};

bool one_of(std::string_view value, std::span<const std::string_view> allowed) {
    return std::find(allowed.begin(), allowed.end(), value) != allowed.end();
}

// BR 7.1.3.1: an rsaEncryption key of at least 2048 bits whose modulus is a whole number
// of octets, or an ECDSA key on P-256, P-384 or P-521. Nothing else (DSA, RSA-PSS keys,
// other curves, EdDSA).
bool br_key(const cert_info& c) {
    if (c.key_type == "RSA") return c.key_bits >= 2048 && c.key_bits % 8 == 0;
    if (c.key_type == "EC") return one_of(c.curve, br_curves);
    return false;
}

std::string key_text(const cert_info& c) {
    if (c.key_type == "EC") return fmt::format("EC {} key", c.curve.empty() ? "explicit-curve" : c.curve);
    if (c.key_bits > 0) return fmt::format("{}-{} key", c.key_type, c.key_bits);
    return fmt::format("{} key", c.key_type.empty() ? "unknown" : c.key_type);
}

// BR 7.1.3.2: RSASSA-PKCS1-v1_5 or RSASSA-PSS, or ECDSA, each with SHA-256, -384 or -512.
bool br_signature(const cert_info& c) {
    const bool family = c.signature_key == "RSA" || c.signature_key == "RSA-PSS" || c.signature_key == "EC";
    return family && one_of(c.signature_digest, br_digests);
}

// The anchor of a built path: browsers take it as a name and a key, so its own serial,
// version and extensions are not judged (nine roots of Mozilla's store, Go Daddy and
// Starfield G2 among them, have serial number 0).
bool is_anchor(const context& ctx, const examined_cert& c) {
    if (ctx.in.verdict == nullptr || c.depth < 0) return false;
    return static_cast<std::size_t>(c.depth) + 1 == ctx.in.verdict->path.size() && c.info->self_issued;
}

// Each profile rule `c` breaks, in words that name the rule.
std::vector<std::string> broken_rules(const context& ctx, const examined_cert& c) {
    std::vector<std::string> rules;
    if (ctx.in.verdict != nullptr && c.depth >= 0) {
        for (const auto& e : ctx.in.verdict->errors)
            if (e.problem == verify_problem::profile_rule && e.depth == c.depth)
                rules.push_back(fmt::format("{} (RFC 5280, as OpenSSL's strict mode checks it)", e.text));
    }
    if (is_anchor(ctx, c)) return rules;
    const cert_info& info = *c.info;
    if (info.version != 3)
        rules.push_back(
            fmt::format("it is an X.509 v{} certificate (Baseline Requirements 7.1.1: v3 only)", info.version));
    if (info.serial_hex == "00") rules.push_back("its serial number is zero (RFC 5280 4.1.2.2: a positive integer)");
    else if (info.serial_hex.starts_with('-'))
        rules.push_back("its serial number is negative (RFC 5280 4.1.2.2: a positive integer)");
    if (info.serial_octets > 20)
        rules.push_back(
            fmt::format("its serial number is {} octets long (RFC 5280 4.1.2.2: at most 20)", info.serial_octets));
    if (info.aia_malformed)
        rules.push_back(
            "its authorityInfoAccess extension is malformed or empty (RFC 5280 4.2.2.1, Baseline Requirements "
            "7.1.2: one or more access descriptions)");
    if (info.san_critical && !info.subject.empty())
        rules.push_back(
            "its subjectAltName is critical although the subject is not empty (RFC 5280 4.2.1.6: critical only "
            "when the subject is empty)");
    return rules;
}

std::string join(const std::vector<std::string>& parts) {
    std::string out;
    for (const auto& p : parts) out += (out.empty() ? "" : "; ") + p;
    return out;
}

}  // namespace

void check_profile(context& ctx) {
    if (ctx.opts.profile != validation_profile::browser) return;
    for (const auto& c : ctx.certs) {
        if (!ctx.relevant(c)) continue;
        const cert_info& info = *c.info;
        if (!br_key(info)) {
            ctx.add("forbidden-key", &c,
                    fmt::format("{} has a {}, which the Baseline Requirements forbid (allowed: RSA 2048+ in whole "
                                "octets, ECDSA P-256, P-384, P-521): browsers refuse it",
                                describe(c), key_text(info)),
                    "Generate an RSA 2048+ or ECDSA P-256/P-384 key and reissue the certificate (for a CA, move to "
                    "one that uses an allowed key).");
        }
        // A root's self-signature is never checked by clients (several Mozilla roots are
        // SHA-1 self-signed): only the signatures on the leaf and intermediates matter.
        if (ctx.signature_checked(c) && !br_signature(info)) {
            ctx.add("forbidden-signature", &c,
                    fmt::format("{} is signed with {}, which the Baseline Requirements forbid (allowed: RSA "
                                "PKCS#1 v1.5 or PSS, or ECDSA, with SHA-256, -384 or -512): browsers refuse it",
                                describe(c),
                                info.signature_algorithm.empty() ? "an unknown algorithm" : info.signature_algorithm),
                    "Reissue the certificate from an issuer that signs with RSA or ECDSA and SHA-256 or stronger.");
        }
        const auto rules = broken_rules(ctx, c);
        if (rules.empty()) continue;
        ctx.add("rfc5280-violation", &c,
                fmt::format("{} breaks the certificate profile browsers enforce: {}", describe(c), join(rules)),
                "Reissue the certificate from a CA whose certificates follow RFC 5280 and the CA/Browser Forum "
                "Baseline Requirements.");
    }
}

}  // namespace tlsaudit::audit::detail
