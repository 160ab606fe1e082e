#pragma once
// Chain validation against a trust store (scanner/x509, OpenSSL's X509_verify_cert).
// The verdict is plain data: the audit stage (scanner/audit) consumes it without ever
// seeing an OpenSSL type.

#include <tlsaudit/model.hpp>

#include <cstddef>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tlsaudit {

// How strictly a chain is judged (--profile).
enum class validation_profile {
    // As browsers verify (the default): OpenSSL's X509_V_FLAG_X509_STRICT RFC 5280 checks,
    // no subject-CN fallback for names, and the audit's Baseline Requirements algorithm
    // and certificate-profile checks (scanner/audit/profile_checks.cpp).
    browser,
    // OpenSSL 3.0's default verification and the legacy CN fallback: tlsaudit before the
    // browser profile.
    openssl,
};

// Where a certificate of a built path came from.
enum class cert_origin {
    served,   // sent by the server (or present in the checked file)
    store,    // found in the trust store (system bundle, --ca-file, --ca-dir)
    fetched,  // downloaded from an AIA caIssuers URL (--fetch-missing)
};

// Why a path is not trusted, classified from OpenSSL's verify error codes.
enum class verify_problem {
    missing_issuer,    // no issuer found for a certificate (chain cannot be completed)
    untrusted_root,    // the path ends at a self-signed certificate that is not trusted
    self_signed_leaf,  // the leaf itself is self-signed and not trusted
    bad_signature,     // a signature in the path does not verify
    expired,           // a certificate of the path is past notAfter at the evaluation time
    not_yet_valid,     // a certificate of the path is before notBefore
    profile_rule,      // an RFC 5280 profile rule OpenSSL checks in strict mode only (browser profile)
    other,             // anything else (purpose, constraints, ...)
};

struct verify_error {
    verify_problem problem = verify_problem::other;
    int depth = 0;     // index in `path` (0: leaf)
    int code = 0;      // OpenSSL X509_V_ERR_* value
    std::string text;  // OpenSSL's text for `code`
};

// One certificate of the built path, leaf first, anchor last.
struct path_cert {
    bytes der;
    cert_info info;
    cert_origin origin = cert_origin::served;
    int served_position = -1;  // index in the served chain; -1 unless served
};

struct chain_verdict {
    // True when OpenSSL found a path to a trust anchor with no error at the time asked.
    bool trusted = false;
    // Every error OpenSSL reported while building and checking the path (verification
    // continues past each so that the whole path is known), in the order seen.
    std::vector<verify_error> errors;
    // The path OpenSSL built (complete or as far as it got). Empty when the leaf could
    // not be decoded.
    std::vector<path_cert> path;
    // Set when the served leaf could not be decoded at all (nothing was validated).
    std::string leaf_error;

    bool has(verify_problem p) const {
        for (const auto& e : errors)
            if (e.problem == p) return true;
        return false;
    }
};

namespace x509 {

struct trust_options {
    bool system_default = true;                   // X509_STORE_set_default_paths
    std::vector<std::filesystem::path> ca_files;  // PEM bundles (--ca-file)
    std::vector<std::filesystem::path> ca_dirs;   // hashed directories (--ca-dir, c_rehash layout)
    std::vector<bytes> extra_roots;               // DER certificates trusted in addition (e.g. the demo lab)
    validation_profile profile = validation_profile::browser;  // browser: X509_V_FLAG_X509_STRICT
};

// A loaded trust store. Immutable after construction; verify() is thread-safe.
class trust_store {
public:
    // Throws std::runtime_error (naming the path) when a --ca-file cannot be read or
    // holds no certificate, a --ca-dir is not a directory, an extra root is not DER, or
    // OpenSSL cannot set up the store: environment failures, found before scanning.
    explicit trust_store(const trust_options& options);
    ~trust_store();
    trust_store(trust_store&&) noexcept;
    trust_store& operator=(trust_store&&) noexcept;

    // Builds and checks a path for served[0] using served[1..] and `extra` (e.g.
    // fetched issuers) as untrusted helpers, purpose TLS server, at `at`. Bad input
    // (garbage DER, broken chains) is reported in the verdict, never thrown; throws
    // std::runtime_error only when OpenSSL cannot allocate a verification context.
    // `served_parsed`, when parallel to `served` (x509::parse_certificate of each), gives
    // the path's served certificates their cert_info without reading them again.
    chain_verdict verify(std::span<const bytes> served, time_point at, std::span<const bytes> extra = {},
                         std::span<const parsed_cert> served_parsed = {}) const;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

// Caches verdicts per distinct (served chain, extra helpers, time): ten thousand
// endpoints serving one chain cost one X509_verify_cert. Thread-safe; concurrent
// callers asking for the same chain wait for the one validation in progress.
// Holds at most about `max_entries` verdicts and empties itself when full: a scan of
// many hosts with their own leaves must not keep a verdict per host (a verdict with its
// path is about 7 KiB, so the default bounds the cache near 7 MiB).
class verify_cache {
public:
    // `store` must outlive the cache.
    explicit verify_cache(const trust_store& store, std::size_t max_entries = 1024);
    ~verify_cache();
    verify_cache(const verify_cache&) = delete;
    verify_cache& operator=(const verify_cache&) = delete;

    // Same contract as trust_store::verify. The result is shared, never modified.
    // `served_identity`, when not empty, is x509::chain_identity of `served` (the scan
    // has hashed each certificate already); otherwise the cache hashes `served`.
    // `served_parsed` as for trust_store::verify.
    std::shared_ptr<const chain_verdict> verify(std::span<const bytes> served, time_point at,
                                                std::span<const bytes> extra = {},
                                                std::string_view served_identity = {},
                                                std::span<const parsed_cert> served_parsed = {});
    // Number of validations actually run (cache misses).
    std::size_t validations() const;

private:
    struct state;
    const trust_store& store_;
    std::size_t max_entries_;
    std::unique_ptr<state> state_;
};

}  // namespace x509
}  // namespace tlsaudit
