// audit_chain and the checks that look at single certificates: validity window and
// hostname.

#include "text/time_text.hpp"
#include <tlsaudit/audit.hpp>

#include "audit/checks.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>

namespace tlsaudit::audit {
namespace detail {

void context::add(std::string id, severity level, const examined_cert* about, std::string message,
                  std::string remediation, std::string rule) {
    finding f;
    f.level = rules.level_of(id, level);
    f.id = std::move(id);
    if (about != nullptr && about->info != nullptr) f.cert = make_ref(*about);
    f.message = std::move(message);
    f.remediation = std::move(remediation);
    f.rule = std::move(rule);
    const bool duplicate = std::any_of(out.begin(), out.end(), [&](const finding& g) {
        return g.id == f.id && g.rule == f.rule &&
               (g.cert ? g.cert->sha256 : std::string()) == (f.cert ? f.cert->sha256 : std::string());
    });
    if (!duplicate) out.push_back(std::move(f));
}

cert_ref make_ref(const examined_cert& c) { return cert_ref{c.position, c.info->subject, c.info->sha256}; }

std::string describe(const examined_cert& c) {
    const std::string name = c.info->subject.empty() ? "(empty subject)" : c.info->subject;
    if (c.position >= 0) return fmt::format("{} (served at position {})", name, c.position);
    if (c.origin == cert_origin::fetched) return fmt::format("{} (fetched from its AIA caIssuers URL)", name);
    return fmt::format("{} (from the trust store)", name);
}

std::string expand(std::string text, const std::vector<std::pair<std::string, std::string>>& values) {
    // One pass from left to right: a value put in (a subject holding "{sha256}") is never
    // read again for keys.
    std::string out;
    std::size_t from = 0;
    for (auto open = text.find('{'); open != std::string::npos; open = text.find('{', from)) {
        const auto close = text.find('}', open);
        if (close == std::string::npos) break;
        const std::string_view key(text.data() + open + 1, close - open - 1);
        const auto known = std::find_if(values.begin(), values.end(), [&](const auto& kv) { return kv.first == key; });
        out.append(text, from, open - from);
        if (known != values.end()) {
            out += known->second;
            from = close + 1;
        } else {
            out += '{';  // not a key: kept as written, and the text after it read again
            from = open + 1;
        }
    }
    out.append(text, from, std::string::npos);
    return out;
}

void check_validity(context& ctx) {
    using std::chrono::days;
    const time_point at = ctx.in.at;
    const auto warn = days(std::max(ctx.opts.expiry_warn_days, 0));
    for (const auto& c : ctx.certs) {
        if (!ctx.relevant(c)) continue;
        const cert_info& info = *c.info;
        const bool leaf = c.position == 0;
        const bool root = !leaf && ctx.is_root(c);
        const std::string what = leaf ? "the leaf certificate" : "certificate " + describe(c);
        // Expired from the notAfter second on, as OpenSSL's verification (the record's
        // trust verdict) judges it; RFC 5280 still counts that one second as valid.
        if (at >= info.not_after) {
            const auto ago = std::chrono::duration_cast<days>(at - info.not_after).count();
            ctx.add("cert-expired", &c,
                    fmt::format("{} expired on {} ({} days before the evaluation time {})", what,
                                text::rfc3339(info.not_after), ago, text::rfc3339(at)),
                    leaf   ? "Renew the certificate and deploy it with its full chain."
                    : root ? "The root this chain ends at has expired: move to a certificate that chains to a "
                             "current root."
                    : c.position < 0
                        ? "Serve the issuer's current intermediate (the copy the path was built with, not "
                          "served, has expired)."
                        : "Deploy the issuer's current intermediate (the server's chain file still holds an "
                          "expired one).");
        } else if (at < info.not_before) {
            ctx.add("cert-not-yet-valid", &c,
                    fmt::format("{} is not valid before {} (evaluation time {})", what, text::rfc3339(info.not_before),
                                text::rfc3339(at)),
                    "Check the server's clock and the certificate's notBefore; deploy a certificate valid now.");
        } else if (info.not_after - at < warn) {
            const auto left = std::chrono::duration_cast<days>(info.not_after - at).count();
            ctx.add("cert-expiring", &c,
                    fmt::format("{} expires on {}, in {} days (warning threshold {} days)", what,
                                text::rfc3339(info.not_after), left, ctx.opts.expiry_warn_days),
                    leaf   ? "Renew the certificate before it expires and deploy it on every node."
                    : root ? "The root this chain ends at expires soon: move to a certificate that chains to a "
                             "current root before then."
                           : "Obtain the issuer's replacement intermediate and deploy it before this one expires.");
        }
    }
}

void check_hostname(context& ctx) {
    if (ctx.in.name.empty() || ctx.leaf == nullptr) return;
    if (hostname_matches(*ctx.leaf, ctx.in.name, ctx.opts.profile)) return;
    std::string names;
    for (const auto& n : ctx.leaf->dns_names) names += (names.empty() ? "" : ", ") + n;
    for (const auto& n : ctx.leaf->ip_addresses) names += (names.empty() ? "" : ", ") + n;
    // What the openssl profile accepts and browsers do not: the CN when there is no SAN, or
    // a wildcard over a public suffix.
    const bool openssl_matches = ctx.opts.profile == validation_profile::browser &&
                                 hostname_matches(*ctx.leaf, ctx.in.name, validation_profile::openssl);
    const bool cn_only = names.empty() && openssl_matches;
    if (names.empty())
        names =
            (ctx.leaf->has_san ? "a SAN with no DNS name or IP address; CN " : "no SAN; CN ") + ctx.leaf->subject_cn;
    if (cn_only) {
        names +=
            "; browsers no longer fall back to the subject CN: Chrome since 58, Firefox since 48 (for every "
            "certificate since 101), Safari since iOS 13 / macOS 10.15";
    } else if (openssl_matches) {
        names += "; a wildcard over a public suffix (such as *.co.uk) matches no name in browsers";
    }
    ctx.add("hostname-mismatch", &ctx.certs.front(),
            fmt::format("the leaf does not cover '{}' (it covers: {})", ctx.in.name, names),
            "Deploy a certificate whose subjectAltName lists this name (or check that the right certificate is "
            "bound to this name/SNI).");
}

}  // namespace detail

std::vector<finding> audit_chain(const chain_input& in, const catalogue& rules, const options& opts,
                                 const program_judgement* programs) {
    std::vector<finding> out;
    detail::context ctx{in, rules, opts, nullptr, {}, out, programs, {}};
    for (std::size_t i = 0; i < in.certs.size() && i < in.served.size(); ++i) {
        if (!in.certs[i].info) continue;
        detail::examined_cert c{&*in.certs[i].info, static_cast<int>(i), -1, cert_origin::served};
        if (in.verdict == nullptr && i == 0) c.depth = 0;
        ctx.certs.push_back(c);
    }
    if (!in.certs.empty() && in.certs.front().info) ctx.leaf = &*in.certs.front().info;
    if (in.verdict != nullptr) {
        for (std::size_t d = 0; d < in.verdict->path.size(); ++d) {
            const path_cert& p = in.verdict->path[d];
            auto served = std::find_if(ctx.certs.begin(), ctx.certs.end(),
                                       [&](const detail::examined_cert& c) { return c.position == p.served_position; });
            if (p.served_position >= 0 && served != ctx.certs.end()) {
                served->depth = static_cast<int>(d);
            } else {
                ctx.certs.push_back({&p.info, -1, static_cast<int>(d), p.origin});
            }
        }
    }
    if (ctx.leaf == nullptr) {
        const std::string why = in.certs.empty() ? "nothing was served" : in.certs.front().error;
        ctx.add("chain-untrusted", nullptr, "the leaf certificate could not be parsed: " + why,
                "Serve a well-formed X.509 certificate.");
        return out;
    }
    detail::check_validity(ctx);
    detail::check_hostname(ctx);
    detail::check_trust(ctx);
    detail::check_order(ctx);
    detail::check_strength(ctx);
    detail::check_profile(ctx);
    detail::check_rules(ctx);
    detail::check_programs(ctx);
    detail::check_validity_limit(ctx);
    return out;
}

std::vector<finding> audit_endpoint(const endpoint_result& result, time_point at, const chain_verdict* verdict,
                                    const catalogue& rules, const options& opts, const program_judgement* programs,
                                    std::span<const std::string> unfetched) {
    if (result.cap.error || result.cap.chain.empty()) return {};
    chain_input in;
    in.served = result.cap.chain;
    in.certs = result.certs;
    in.name = result.ep.tgt.sni.empty() ? std::string_view(result.ep.tgt.host) : std::string_view(result.ep.tgt.sni);
    in.at = at;
    in.verdict = verdict;
    in.unfetched = unfetched;
    return audit_chain(in, rules, opts, programs);
}

std::string status_of(const endpoint_result& result) {
    if (result.cap.error) return "error";
    const auto worst = result.worst();
    return worst ? std::string(to_string(*worst)) : "ok";
}

}  // namespace tlsaudit::audit
