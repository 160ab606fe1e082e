// Per-scan aggregates, written in the import's transaction: the trend report reads a few
// rows per scan and one row per (target, finding kind) instead of every finding of every
// scan in its window.

#include "history/store_impl.hpp"

namespace tlsaudit::history::detail {

void summarize_scan(sqlite::connection& db, std::int64_t scan_id) {
    count_scan(db, scan_id);
    sight_scan(db, scan_id);
}

void count_scan(sqlite::connection& db, std::int64_t scan_id) {
    auto counts = db.prepare(
        "INSERT INTO scan_counts(scan_id, finding_id, findings) SELECT ?1, k.finding_id, count(*) FROM findings f "
        "JOIN finding_kinds k ON k.id = f.kind_id WHERE f.scan_id = ?1 GROUP BY k.finding_id");
    counts.bind(1, scan_id).run();

    // Endpoints under a CA to be replaced (the rules behind issuer-distrusted and
    // issuer-discontinued), once per rule, by the days from the scan's start to the expiry
    // of the leaf of the endpoint's chain. Only that chain's leaf is stored: a finding
    // about another chain of the endpoint counts as unknown.
    auto expiry = db.prepare(R"sql(
INSERT INTO scan_expiry(scan_id, rule, bucket, endpoints)
SELECT ?1, rule, CASE
    WHEN chain <> 0 OR not_after IS NULL THEN 5
    WHEN not_after < start THEN 0
    WHEN not_after < start + 30 * 86400 THEN 1
    WHEN not_after < start + 90 * 86400 THEN 2
    WHEN not_after < start + 180 * 86400 THEN 3
    ELSE 4 END AS bucket, count(*)
FROM (SELECT CASE WHEN k.rule = '' THEN k.finding_id ELSE k.rule END AS rule, min(f.chain) AS chain,
             unixepoch(c.leaf_not_after) AS not_after, s.started_epoch AS start
      FROM findings f JOIN finding_kinds k ON k.id = f.kind_id JOIN scans s ON s.id = f.scan_id
      LEFT JOIN endpoints e ON e.scan_id = f.scan_id AND e.target_id = f.target_id AND e.address = f.address
      LEFT JOIN chains c ON c.id = e.chain_id
      WHERE f.scan_id = ?1 AND k.finding_id IN ('issuer-distrusted', 'issuer-discontinued')
      GROUP BY 1, f.target_id, f.address)
GROUP BY rule, bucket)sql");
    expiry.bind(1, scan_id).run();
}

void sight_scan(sqlite::connection& db, std::int64_t scan_id) {
    // Scans may be imported out of time order, and two may start in the same second: a
    // sighting moves only to a scan earlier (first) or later (last) by (start, id).
    auto sightings = db.prepare(R"sql(
INSERT INTO sightings(target_id, kind_id, first_epoch, first_scan, last_epoch, last_scan)
SELECT DISTINCT f.target_id, f.kind_id, s.started_epoch, s.id, s.started_epoch, s.id
FROM findings f JOIN scans s ON s.id = f.scan_id WHERE f.scan_id = ?1
ON CONFLICT(target_id, kind_id) DO UPDATE SET
  first_epoch = iif((excluded.first_epoch, excluded.first_scan) < (first_epoch, first_scan), excluded.first_epoch, first_epoch),
  first_scan = iif((excluded.first_epoch, excluded.first_scan) < (first_epoch, first_scan), excluded.first_scan, first_scan),
  last_epoch = iif((excluded.last_epoch, excluded.last_scan) > (last_epoch, last_scan), excluded.last_epoch, last_epoch),
  last_scan = iif((excluded.last_epoch, excluded.last_scan) > (last_epoch, last_scan), excluded.last_scan, last_scan))sql");
    sightings.bind(1, scan_id).run();
}

}  // namespace tlsaudit::history::detail
