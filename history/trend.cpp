// The trend over the history: findings folded over the scans of a window.

#include "history/store_impl.hpp"
#include "text/time_text.hpp"
#include <tlsaudit/history/trend.hpp>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <map>
#include <stdexcept>
#include <tuple>

namespace tlsaudit::history {
namespace {

constexpr double seconds_per_day = 86400.0;

// A target's SNI as findings are identified (report::identity_sni): "" when it is the host.
const std::string sni_identity = "(CASE WHEN t.sni = t.host THEN '' ELSE t.sni END)";

// Scans in time order: by start second, then by id (import order), so that two scans
// started in the same second are two moments. `pos` is the scan's place in that order
// over the whole history, as trend_positions numbers it.
struct scan_row {
    std::int64_t id = 0, epoch = 0, pos = 0;
    std::string started_at;
    bool complete = false;
};

// Every scan's place in time order, for the statements that compare sightings.
const std::string trend_positions =
    "WITH ord(id, pos) AS (SELECT id, row_number() OVER (ORDER BY started_epoch, id) FROM scans) ";

// The first second of the window: "Nd" before the latest scan, or a date or RFC 3339 time
// (a calendar date that exists: SQLite's own parser would read 2026-02-30 as March 2).
std::int64_t window_start(const std::string& since, std::int64_t latest) {
    const auto refuse = [&] {
        return std::invalid_argument("--since '" + since +
                                     "': expected N days (90d), a date (2026-01-01) or a time (2026-01-01T08:00:00Z)");
    };
    if (!since.empty() && since.back() == 'd') {
        int days = -1;
        const auto* end = since.data() + since.size() - 1;
        const auto [p, ec] = std::from_chars(since.data(), end, days);
        if (ec != std::errc() || p != end || days < 0) throw refuse();
        // No scan is older than 1970: a longer window starts there (and stays a valid time).
        return std::max<std::int64_t>(latest - static_cast<std::int64_t>(days) * 86400, 0);
    }
    const auto t = text::parse_rfc3339(since);
    if (!t) throw refuse();
    return t->time_since_epoch().count();
}

std::vector<scan_row> window_scans(sqlite::connection& db, std::int64_t from) {
    std::vector<scan_row> out;
    auto st = db.prepare(trend_positions +
                         "SELECT s.id, s.started_epoch, o.pos, s.started_at, s.complete FROM scans s "
                         "JOIN ord o ON o.id = s.id WHERE s.started_epoch >= ?1 ORDER BY o.pos");
    st.bind(1, from);
    while (st.step()) out.push_back({st.integer(0), st.integer(1), st.integer(2), st.text(3), st.integer(4) != 0});
    return out;
}

// From the aggregates written at import (summary.cpp): a few rows per scan.
void add_scan_counts(sqlite::connection& db, std::int64_t from, trend_data& trend) {
    std::map<std::int64_t, trend_scan*> by_scan_id;
    for (auto& s : trend.scans) by_scan_id[s.id] = &s;
    // Rows of an aggregate table for the scans of the window: (scan_id, ...).
    auto each_row = [&](const char* sql, auto&& take) {
        auto st = db.prepare(sql);
        st.bind(1, from);
        while (st.step())
            if (const auto it = by_scan_id.find(st.integer(0)); it != by_scan_id.end()) take(*it->second, st);
    };
    each_row(
        "SELECT c.scan_id, c.finding_id, c.findings FROM scan_counts c JOIN scans s ON s.id = c.scan_id "
        "WHERE s.started_epoch >= ?1",
        [](trend_scan& scan, sqlite::statement& st) {
            const auto n = static_cast<std::size_t>(st.integer(2));
            scan.by_id[st.text(1)] = n;
            scan.findings += n;
        });
    each_row(
        "SELECT x.scan_id, x.rule, x.bucket, x.endpoints FROM scan_expiry x JOIN scans s ON s.id = x.scan_id "
        "WHERE s.started_epoch >= ?1",
        [](trend_scan& scan, sqlite::statement& st) {
            const auto bucket = st.integer(2);
            if (bucket < 0 || bucket >= static_cast<std::int64_t>(expiry_buckets)) return;
            scan.replace_by_expiry[st.text(1)][static_cast<std::size_t>(bucket)] =
                static_cast<std::size_t>(st.integer(3));
        });
    auto endpoints = db.prepare("SELECT endpoints FROM scans WHERE id = ?1");
    for (auto& s : trend.scans) {
        if (endpoints.bind(1, s.id).step()) s.endpoints = static_cast<std::size_t>(endpoints.integer(0));
        endpoints.reset();
    }
}

// The nearest-rank 90th percentile of sorted values.
double p90(const std::vector<double>& sorted) {
    const auto rank = static_cast<std::size_t>(std::ceil(0.9 * static_cast<double>(sorted.size())));
    return sorted[std::max<std::size_t>(rank, 1) - 1];
}

class finding_fold {
public:
    // `latest`: the latest complete scan of the history, which `scans` (in time order) holds.
    finding_fold(sqlite::connection& db, const std::vector<scan_row>& scans, std::optional<scan_row> latest)
        : scans_(scans),
          // Targets by name first, then the scan's endpoint by its key: never a walk over
          // every endpoint of the scan.
          answered_(db.prepare("SELECT 1 FROM targets t WHERE t.host = ?2 AND t.port = ?3 AND " + sni_identity +
                               " = ?4 AND t.starttls = ?5 AND EXISTS (SELECT 1 FROM endpoints e WHERE e.scan_id = ?1 "
                               "AND e.target_id = t.id AND e.error_code IS NULL)")),
          latest_complete_(std::move(latest)) {}

    // Fills fixed_at and days_open of a finding first seen in `first`, last in `last`;
    // returns the id of the scan that fixed it, or 0.
    std::int64_t settle(trend_finding& f, const scan_row& first, const scan_row& last) {
        for (const auto& s : scans_) {
            if (s.pos <= last.pos || !s.complete) continue;
            if (!answered(s.id, f)) continue;  // the endpoint failed, or the scan did not cover it
            f.fixed_at = s.started_at;
            f.days_open = static_cast<double>(s.epoch - first.epoch) / seconds_per_day;
            return s.id;
        }
        const auto end = std::max(last.epoch, latest_complete_ ? latest_complete_->epoch : last.epoch);
        f.days_open = static_cast<double>(end - first.epoch) / seconds_per_day;
        return 0;
    }

private:
    // The findings come grouped by target: its answers are kept until the next target.
    bool answered(std::int64_t scan_id, const trend_finding& f) {
        if (std::tie(f.host, f.port, f.sni, f.starttls) != std::tie(host_, port_, sni_, starttls_)) {
            host_ = f.host;
            port_ = f.port;
            sni_ = f.sni;
            starttls_ = f.starttls;
            answers_.clear();
        }
        if (const auto it = answers_.find(scan_id); it != answers_.end()) return it->second;
        const bool seen = answered_.bind(1, scan_id)
                              .bind(2, f.host)
                              .bind(3, std::int64_t{f.port})
                              .bind(4, f.sni)
                              .bind(5, f.starttls)
                              .step();
        answered_.reset();
        answers_.emplace(scan_id, seen);
        return seen;
    }

    const std::vector<scan_row>& scans_;
    sqlite::statement answered_;
    std::optional<scan_row> latest_complete_;
    std::string host_, sni_, starttls_;
    int port_ = -1;
    std::map<std::int64_t, bool> answers_;
};

// The scan at `pos` among `scans` (in time order), or an empty row.
scan_row scan_at(const std::vector<scan_row>& scans, std::int64_t pos) {
    const auto it =
        std::lower_bound(scans.begin(), scans.end(), pos, [](const scan_row& s, std::int64_t p) { return s.pos < p; });
    return it != scans.end() && it->pos == pos ? *it : scan_row{0, 0, pos, {}, false};
}

// The start second of the complete scan before `scan`, or nullopt.
std::optional<std::int64_t> previous_complete_epoch(sqlite::connection& db, const scan_row& scan) {
    auto st = db.prepare("SELECT max(started_epoch) FROM scans WHERE complete = 1 AND (started_epoch, id) < (?1, ?2)");
    if (st.bind(1, scan.epoch).bind(2, scan.id).step() && !st.is_null(0)) return st.integer(0);
    return std::nullopt;
}

// The latest complete scan of the whole history: the window may not hold it.
std::optional<scan_row> latest_complete_scan(sqlite::connection& db) {
    auto st = db.prepare(trend_positions +
                         "SELECT s.id, s.started_epoch, o.pos, s.started_at FROM scans s JOIN ord o ON o.id = s.id "
                         "WHERE s.complete = 1 ORDER BY o.pos DESC LIMIT 1");
    if (!st.step()) return std::nullopt;
    return scan_row{st.integer(0), st.integer(1), st.integer(2), st.text(3), true};
}

// Findings last seen before `read_from` that `latest` fixed: their endpoint answered in no
// complete scan between (it was down, or left out), and answers in `latest` without them.
std::size_t fixed_after_a_gap(sqlite::connection& db, const scan_row& latest, std::int64_t read_from) {
    auto st = db.prepare(trend_positions + R"sql(
SELECT count(*) FROM (
  SELECT g.target_id, max(g.last_epoch) AS last_epoch, max(lo.pos) AS last_pos
  FROM sightings g JOIN ord lo ON lo.id = g.last_scan JOIN finding_kinds k ON k.id = g.kind_id
  WHERE g.target_id IN (SELECT e.target_id FROM endpoints e WHERE e.scan_id = ?1 AND e.error_code IS NULL)
  GROUP BY g.target_id, k.finding_id, k.cert_sha256
  HAVING max(g.last_epoch) < ?2) c
WHERE NOT EXISTS (SELECT 1 FROM scans s JOIN ord o ON o.id = s.id
  WHERE s.started_epoch >= c.last_epoch AND s.started_epoch <= ?3 AND s.complete = 1 AND o.pos > c.last_pos
    AND o.pos < ?4 AND EXISTS (SELECT 1 FROM endpoints e WHERE e.scan_id = s.id AND e.target_id = c.target_id
      AND e.error_code IS NULL)))sql");
    st.bind(1, latest.id).bind(2, read_from).bind(3, latest.epoch).bind(4, latest.pos);
    return st.step() ? static_cast<std::size_t>(st.integer(0)) : 0;
}

void add_findings(sqlite::connection& db, std::int64_t from, const std::vector<scan_row>& window, trend_data& trend) {
    // What the latest complete scan of the history found new and fixed is judged against
    // the complete scan before it, whatever the window (--since 0d may hold an interrupted
    // scan alone): findings last seen since that scan are read too, and counted, but only
    // those of the window are listed. Findings last seen before it are counted apart.
    const auto latest = latest_complete_scan(db);
    const auto previous = latest ? previous_complete_epoch(db, *latest) : std::nullopt;
    const std::int64_t read_from = latest ? std::min(from, previous.value_or(latest->epoch)) : from;
    const auto widened = read_from < from ? window_scans(db, read_from) : std::vector<scan_row>{};
    const auto& scans = read_from < from ? widened : window;
    finding_fold fold(db, scans, latest);
    if (latest) trend.latest_complete = latest->id;
    // One row per (target, finding kind) seen in the window, from the sightings kept at
    // import. Its first scan in the window is the first sighting when that is inside it;
    // otherwise the scans of the window are tried oldest first, and the first usually has
    // it. max() for severity, rule and message: deterministic whatever the row order.
    auto st = db.prepare(trend_positions + "SELECT t.host, t.port, " + sni_identity +
                         R"sql(, t.starttls, k.finding_id, k.cert_sha256,
  min(CASE WHEN g.first_epoch >= ?1 THEN fo.pos ELSE
    (SELECT (SELECT o.pos FROM ord o WHERE o.id = s.id) FROM scans s WHERE s.started_epoch >= ?1 AND EXISTS
       (SELECT 1 FROM findings f WHERE f.scan_id = s.id AND f.target_id = g.target_id AND f.kind_id = g.kind_id)
     ORDER BY s.started_epoch, s.id LIMIT 1) END),
  max(lo.pos), max(k.severity), max(k.rule), max(k.message),
  min((SELECT min(o.pos) FROM sightings g2 JOIN finding_kinds k2 ON k2.id = g2.kind_id JOIN ord o ON o.id = g2.first_scan
       WHERE g2.target_id = g.target_id AND k2.finding_id = k.finding_id AND k2.cert_sha256 = k.cert_sha256))
FROM sightings g JOIN ord fo ON fo.id = g.first_scan JOIN ord lo ON lo.id = g.last_scan
  JOIN targets t ON t.id = g.target_id JOIN finding_kinds k ON k.id = g.kind_id
WHERE g.last_epoch >= ?2 GROUP BY 1, 2, 3, 4, k.finding_id, k.cert_sha256)sql");
    st.bind(1, from).bind(2, read_from);
    const auto latest_pos = latest ? latest->pos : -1;
    std::array<std::vector<double>, 5> fix_days;
    auto bound = db.prepare("SELECT count(*) FROM sightings WHERE last_epoch >= ?1");
    if (bound.bind(1, from).step()) trend.findings.reserve(static_cast<std::size_t>(bound.integer(0)));
    while (st.step()) {
        trend_finding f;
        f.host = st.text(0);
        f.port = static_cast<int>(st.integer(1));
        f.sni = st.text(2);
        f.starttls = st.text(3);
        f.id = st.text(4);
        f.cert_sha256 = st.text(5);
        const auto first = scan_at(scans, st.integer(6)), last = scan_at(scans, st.integer(7));
        f.level = static_cast<severity>(std::clamp<std::int64_t>(st.integer(8), 0, 4));
        f.rule = st.text(9);
        f.message = st.text(10);
        f.first_seen = first.started_at;
        f.last_seen = last.started_at;
        const auto fixed_by = fold.settle(f, first, last);
        if (st.integer(11) == latest_pos) ++trend.new_in_latest;  // first seen ever in it (any message)
        if (fixed_by != 0 && fixed_by == latest->id) ++trend.fixed_in_latest;
        if (last.epoch < from) continue;  // read for the count only
        if (f.fixed_at) fix_days[static_cast<std::size_t>(f.level)].push_back(f.days_open);
        trend.findings.push_back(std::move(f));
    }
    auto first_scan = db.prepare("SELECT min(started_epoch) FROM scans");
    const bool older_scans = first_scan.step() && !first_scan.is_null(0) && first_scan.integer(0) < read_from;
    if (latest && older_scans) trend.fixed_in_latest += fixed_after_a_gap(db, *latest, read_from);
    for (std::size_t i = 0; i < fix_days.size(); ++i) {
        auto& days = fix_days[i];
        if (days.empty()) continue;
        std::sort(days.begin(), days.end());
        double sum = 0;
        for (const double d : days) sum += d;
        trend.by_severity[i] = {days.size(), sum / static_cast<double>(days.size()), p90(days)};
    }
    // Open first, longest open first; then the latest fixes. Sorted by index, then put in
    // place by swaps along the permutation's cycles: a finding is a dozen strings, a large
    // history tracks hundreds of thousands, and neither moves nor a second vector are free.
    auto& all = trend.findings;
    std::vector<std::uint32_t> order(all.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<std::uint32_t>(i);
    std::sort(order.begin(), order.end(), [&all](std::uint32_t i, std::uint32_t j) {
        const auto &a = all[i], &b = all[j];
        const bool a_open = !a.fixed_at, b_open = !b.fixed_at;
        return std::tie(b_open, b.days_open, a.fixed_at, a.host, a.port, a.sni, a.starttls, a.id, a.cert_sha256) <
               std::tie(a_open, a.days_open, b.fixed_at, b.host, b.port, b.sni, b.starttls, b.id, b.cert_sha256);
    });
    for (std::size_t i = 0; i < order.size(); ++i) {
        // Position j takes the finding at order[j]; the one it held moves on along the
        // cycle until the cycle closes at i. Visited positions are marked order[j] == j.
        for (std::size_t j = i;;) {
            const std::size_t next = order[j];
            order[j] = static_cast<std::uint32_t>(j);
            if (next == i || next == j) break;
            std::swap(all[j], all[next]);
            j = next;
        }
    }
}

}  // namespace

trend_data build_trend(const store& db, const trend_options& options) {
    auto& impl = db.impl();
    trend_data trend;
    trend.database = impl.file.string();
    trend.html_rows = options.html_rows;
    trend.generated_at =
        text::rfc3339(std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()));
    try {
        // The grouping of the tracked findings sorts in memory, not in a temporary file.
        impl.db.exec("PRAGMA temp_store = MEMORY");
        auto latest = impl.db.prepare("SELECT max(started_epoch) FROM scans");
        const auto newest = latest.step() && !latest.is_null(0) ? latest.integer(0) : 0;
        const auto from = window_start(options.since, newest);
        auto text = impl.db.prepare("SELECT datetime(?1, 'unixepoch')");
        trend.since = text.bind(1, from).step() ? text.text(0) : options.since;
        if (trend.since.size() == 19) trend.since = trend.since.replace(10, 1, "T") + "Z";
        const auto scans = window_scans(impl.db, from);
        for (const auto& s : scans) trend.scans.push_back({s.id, s.started_at, s.complete, 0, 0, {}, {}});
        add_scan_counts(impl.db, from, trend);
        add_findings(impl.db, from, scans, trend);
    } catch (const sqlite::error& e) {
        throw detail::translate(e, impl.file, impl.options, "reading the history");
    }
    return trend;
}

}  // namespace tlsaudit::history
