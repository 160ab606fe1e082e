#pragma once
// Plain-data builders for the audit unit tests: certificates and verdicts as structs,
// no OpenSSL, no files.

#include <tlsaudit/audit.hpp>
#include <tlsaudit/rules.hpp>

#include <string>
#include <vector>

namespace tlsaudit::testing {

inline time_point at(const char* text) {
    auto t = audit::parse_time(text);
    if (!t) throw std::invalid_argument(text);
    return *t;
}

// A certificate with a distinct fake fingerprint and key hash derived from `tag`.
inline cert_info cert(const std::string& cn, const std::string& issuer_cn, const std::string& tag) {
    cert_info c;
    c.subject = "CN=" + cn;
    c.issuer = "CN=" + issuer_cn;
    c.subject_cn = cn;
    c.issuer_cn = issuer_cn;
    c.self_issued = cn == issuer_cn;
    c.is_ca = c.self_issued;
    c.not_before = at("2020-01-01");
    c.not_after = at("2030-01-01");
    c.sha256 = std::string(64 - tag.size(), 'A') + tag;
    c.spki_sha256 = std::string(64 - tag.size(), 'b') + tag;
    c.serial_hex = "0" + tag;  // positive, never zero
    c.serial_octets = static_cast<int>(c.serial_hex.size() + 1) / 2;
    c.key_type = "EC";
    c.key_bits = 256;
    c.curve = "prime256v1";
    c.signature_algorithm = "ecdsa-with-SHA256";
    c.signature_key = "EC";
    c.signature_digest = "SHA256";
    return c;
}

inline cert_info leaf(const std::string& name, const std::string& issuer_cn, const std::string& tag = "1") {
    cert_info c = cert(name, issuer_cn, tag);
    c.dns_names = {name};
    // A leaf as CAs issue them for the default evaluation time: within the Baseline
    // Requirements' 398 days and renewed before the next limit.
    c.not_before = at("2025-01-01");
    c.not_after = at("2025-12-31");
    return c;
}

inline cert_info ca(const std::string& cn, const std::string& issuer_cn, const std::string& tag) {
    cert_info c = cert(cn, issuer_cn, tag);
    c.is_ca = true;
    return c;
}

// A served chain and its verdict; by default every certificate is served, in path
// order, and the path is trusted.
struct chain_case {
    std::vector<bytes> served;
    std::vector<parsed_cert> certs;
    chain_verdict verdict;
    std::string name;
    time_point when = at("2025-06-01");

    // Serves `c`; `depth` is its place in the built path (-1: not in it).
    chain_case& serve(cert_info c, int depth) {
        const int position = static_cast<int>(served.size());
        served.push_back(bytes(c.sha256.begin(), c.sha256.end()));
        if (depth >= 0) add_path(c, depth, cert_origin::served, position);
        certs.push_back(parsed_cert{std::move(c), {}});
        return *this;
    }
    // A path certificate the server did not send.
    chain_case& unserved(cert_info c, int depth, cert_origin origin = cert_origin::store) {
        add_path(std::move(c), depth, origin, -1);
        return *this;
    }
    chain_case& trusted() {
        verdict.trusted = verdict.errors.empty();
        return *this;
    }
    chain_case& error(verify_problem p, int depth) {
        verdict.errors.push_back({p, depth, 0, "test error"});
        verdict.trusted = false;
        return *this;
    }

    std::vector<finding> run(const audit::catalogue& rules = audit::default_catalogue(),
                             audit::options opts = {}) const {
        audit::chain_input in;
        in.served = served;
        in.certs = certs;
        in.name = name;
        in.at = when;
        in.verdict = &verdict;
        return audit::audit_chain(in, rules, opts);
    }

private:
    void add_path(cert_info c, int depth, cert_origin origin, int position) {
        if (verdict.path.size() <= static_cast<std::size_t>(depth)) verdict.path.resize(depth + 1);
        auto& p = verdict.path[depth];
        p.der = bytes(c.sha256.begin(), c.sha256.end());
        p.info = std::move(c);
        p.origin = origin;
        p.served_position = position;
    }
};

inline std::vector<std::string> ids(const std::vector<finding>& findings) {
    std::vector<std::string> out;
    for (const auto& f : findings) out.push_back(f.id);
    return out;
}

inline const finding* find(const std::vector<finding>& findings, const std::string& id) {
    for (const auto& f : findings)
        if (f.id == id) return &f;
    return nullptr;
}

}  // namespace tlsaudit::testing
