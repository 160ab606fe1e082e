#pragma once
// Trend reports over the scan history (history/): when each finding was first seen, last
// seen and fixed, how many endpoints each finding id affected scan by scan (a burn-down),
// how long fixes take by severity, and what is new or fixed in the latest scan; written
// as JSON (history/schema/tlsaudit-trend.schema.json) and as a self-contained HTML page.
//
// A finding is identified as in baselines (report/baseline.hpp): host, port, finding id,
// certificate SHA-256. It is fixed at the first complete scan after its last sighting
// that scanned its name (an endpoint of it answered); an interrupted scan never fixes a
// finding, nor does a scan in which the endpoint failed.

#include <tlsaudit/finding.hpp>
#include <tlsaudit/history/store.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace tlsaudit::history {

inline constexpr int trend_schema_version = 2;

// Endpoints under a CA to be replaced (a distrusted or discontinued issuer: Entrust's
// rules, for instance), by the days from a scan's start to the expiry of the endpoint's
// leaf. The bounds follow the default cert-expiring warning (30 days) and the quarters
// in which replacements are planned; "unknown" is an endpoint whose finding is about a
// chain other than the one stored for it.
enum class expiry_bucket { expired, days_0_29, days_30_89, days_90_179, days_180_plus, unknown };
inline constexpr std::size_t expiry_buckets = 6;
// JSON keys, in bucket order: "expired", "days_0_29", ..., "unknown".
inline constexpr std::array<std::string_view, expiry_buckets> expiry_bucket_keys = {
    "expired", "days_0_29", "days_30_89", "days_90_179", "days_180_plus", "unknown"};
using expiry_counts = std::array<std::size_t, expiry_buckets>;

struct trend_options {
    // The window: "90d" (days before the latest scan in the database), or an RFC 3339
    // date or time ("2026-01-01"). Scans before it are left out.
    std::string since = "90d";
    std::size_t html_rows = 2000;  // the HTML lists at most this many findings (the JSON has all)
};

struct trend_scan {
    std::int64_t id = 0;
    std::string started_at;
    bool complete = false;
    std::size_t endpoints = 0, findings = 0;
    std::map<std::string, std::size_t> by_id;  // finding id -> findings of this scan (the burn-down)
    // rule (entrust-discontinued, ...) -> endpoints by expiry_bucket
    std::map<std::string, expiry_counts> replace_by_expiry;
};

struct trend_finding {
    std::string host;
    int port = 0;
    std::string sni;       // "" when it is the host (report::identity_sni)
    std::string starttls;  // "": direct TLS
    std::string id, cert_sha256, rule, message;
    severity level = severity::info;
    std::string first_seen, last_seen;  // start times of the scans
    std::optional<std::string> fixed_at;
    double days_open = 0;  // to fixed_at, or to the latest complete scan while open
};

struct time_to_fix {
    std::size_t fixed = 0;
    double mean_days = 0, p90_days = 0;
};

struct trend_data {
    std::string database, since, generated_at;
    std::vector<trend_scan> scans;        // in the window, oldest first
    std::vector<trend_finding> findings;  // open first (longest open first), then fixed
    std::array<time_to_fix, 5> by_severity{};
    std::optional<std::int64_t> latest_complete;  // scan id
    std::size_t new_in_latest = 0, fixed_in_latest = 0;
    std::size_t html_rows = 2000;
};

// Reads the window from the database. Throws std::invalid_argument for a malformed
// `since`, store_error for the database.
trend_data build_trend(const store& db, const trend_options& options);

// The JSON document (format "tlsaudit-trend"). Never throws except std::bad_alloc and
// the stream's own exceptions.
void write_trend_json(const trend_data& trend, std::ostream& out);

// The self-contained HTML page (no network needed to open it). Same exceptions.
void write_trend_html(const trend_data& trend, std::ostream& out);

}  // namespace tlsaudit::history
