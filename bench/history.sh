#!/usr/bin/env bash
# The scan history at scale (docs/history.md): no network, synthetic scans only.
#
# 1. Imports a scan of N endpoints (default 1,000,000) into a new database: wall time
#    (target < 60 s) and peak RSS.
# 2. Imports a second scan of the same endpoints (their chains already stored): wall time
#    and how much the database grew per endpoint (target < 300 bytes).
# 3. Builds S scans (default 30) of M endpoints (default 1,000,000) in another database
#    (the last one with every cert-expiring finding gone) and times `history report`
#    over them with --json and --html (target < 10 s). By default the first scan is
#    imported and the others are SQL copies of its rows with later dates (30 real imports
#    of 1,000,000 endpoints take half an hour); the copies bypass the importer, so the
#    aggregate tables are dropped and rebuilt from the stored rows by tlsaudit's schema 3
#    migration (timed too). --trend-imports imports every scan instead.
#
# The endpoints are tests/integration/report_tools/make_ndjson.py's (long subjects, two
# certificates per chain, a distinct leaf per endpoint, scan errors, findings on a third
# of the fleet), framed by scan-start and scan-end records with one start time per scan.
#
#   bench/history.sh [--endpoints N] [--scans S] [--trend-endpoints M] [--trend-imports]
#                    [--skip-import] [--skip-trend] [--build DIR] [--keep DIR]
set -euo pipefail

endpoints=1000000
scans=30
trend_endpoints=1000000
trend_imports=
skip_import=
skip_trend=
root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/build/release
keep=
while [ $# -gt 0 ]; do
  case "$1" in
    --endpoints) endpoints=$2; shift 2 ;;
    --scans) scans=$2; shift 2 ;;
    --trend-endpoints) trend_endpoints=$2; shift 2 ;;
    --trend-imports) trend_imports=1; shift ;;
    --skip-import) skip_import=1; shift ;;
    --skip-trend) skip_trend=1; shift ;;
    --build) build=$2; shift 2 ;;
    --keep) keep=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
tlsaudit=$build/scanner/app/tlsaudit
if [ ! -x "$tlsaudit" ]; then
  (cd "$root" && cmake --preset release >/dev/null && cmake --build "$build" --target tlsaudit)
fi
make_ndjson=$root/tests/integration/report_tools/make_ndjson.py
work=${keep:-$(mktemp -d "${TMPDIR:-/tmp}/tlsaudit-bench-history.XXXXXX")}
mkdir -p "$work"
[ -n "$keep" ] || trap 'rm -rf "$work"' EXIT

# One scan: scan-start at day $2 (2026-01-DD), the body file $1, scan-end; on stdout.
frame() {
  local day
  day=$(printf '2026-%02d-%02dT04:00:00Z' $((1 + ($2 - 1) / 28)) $((1 + ($2 - 1) % 28)))
  printf '{"schema_version":2,"type":"scan-start","tool":"tlsaudit","version":"bench","started_at":"%s","input":"fleet.txt"}\n' "$day"
  cat "$1"
  printf '{"schema_version":2,"type":"scan-end","finished_at":"%s","complete":true}\n' "$day"
}

# Wall seconds, peak RSS (MiB) and CPU seconds (user + system) of one command, from GNU
# time. CPU time says what the command costs when other work shares the cores.
timed() {
  /usr/bin/time -f '%e %M %U %S' -o "$work/time" "$@" >/dev/null
  read -r wall rss user sys <"$work/time"
  echo "$wall $((rss / 1024)) $(echo "$user + $sys" | bc)"
}

db_bytes() {  # after a checkpoint: the WAL's pages counted in the main file
  sqlite3 "$1" 'PRAGMA wal_checkpoint(TRUNCATE);' >/dev/null
  stat -c %s "$1"
}

if [ -z "$skip_import" ]; then
  echo "== import: $endpoints endpoints"
  python3 "$make_ndjson" "$endpoints" "$work/body.ndjson"
  frame "$work/body.ndjson" 1 >"$work/scan-1.ndjson"
  frame "$work/body.ndjson" 2 >"$work/scan-2.ndjson"
  rm "$work/body.ndjson"
  echo "ndjson: $(($(stat -c %s "$work/scan-1.ndjson") / 1048576)) MiB"
  read -r wall rss cpu < <(timed "$tlsaudit" history import "$work/scan-1.ndjson" --db "$work/big.db")
  size1=$(db_bytes "$work/big.db")
  echo "first scan: ${wall} s (CPU ${cpu} s), peak RSS ${rss} MiB, database $((size1 / 1048576)) MiB ($((size1 / endpoints)) B/endpoint)"
  read -r wall rss cpu < <(timed "$tlsaudit" history import "$work/scan-2.ndjson" --db "$work/big.db")
  size2=$(db_bytes "$work/big.db")
  echo "second scan (chains stored): ${wall} s (CPU ${cpu} s), peak RSS ${rss} MiB, grew $(((size2 - size1) / endpoints)) B/endpoint"
  rm -f "$work/scan-1.ndjson" "$work/scan-2.ndjson" "$work/big.db"*
fi

[ -z "$skip_trend" ] || exit 0
echo "== trend: $scans scans of $trend_endpoints endpoints"
python3 "$make_ndjson" "$trend_endpoints" "$work/body.ndjson"
# The last scan: every cert-expiring finding fixed.
python3 - "$work/body.ndjson" "$work/fixed.ndjson" <<'PY'
import json, sys
with open(sys.argv[1]) as src, open(sys.argv[2], "w") as out:
    for line in src:
        r = json.loads(line)
        r["findings"] = [f for f in r.get("findings", []) if f["id"] != "cert-expiring"]
        out.write(json.dumps(r, separators=(",", ":")) + "\n")
PY
start=$(date +%s.%N)
if [ -n "$trend_imports" ]; then
  for s in $(seq 1 "$scans"); do
    body=$work/body.ndjson
    [ "$s" -eq "$scans" ] && body=$work/fixed.ndjson
    frame "$body" "$s" | "$tlsaudit" history import - --db "$work/trend.db" >/dev/null
  done
  rm -f "$work/body.ndjson" "$work/fixed.ndjson"
  echo "imports: $(echo "$(date +%s.%N) - $start" | bc) s; database $(($(db_bytes "$work/trend.db") / 1048576)) MiB"
else
  frame "$work/body.ndjson" 1 | "$tlsaudit" history import - --db "$work/trend.db" >/dev/null
  rm -f "$work/body.ndjson" "$work/fixed.ndjson"
  # Scans 2..S: scan 1's rows with the dates frame() gives them; the last one without
  # its cert-expiring findings. Then the aggregates go, to be rebuilt by the migration from
  # schema 2 (scan_files, of schema 4, goes too: the copies have no files).
  sqlite3 "$work/trend.db" <<SQL
PRAGMA cache_size = -262144;
BEGIN;
WITH RECURSIVE n(s) AS (SELECT 2 UNION ALL SELECT s + 1 FROM n WHERE s < $scans)
INSERT INTO scans(id, scan_key, started_at, started_epoch, finished_at, tool_version, rules_version, input, shards,
  complete, endpoints, imported_at, trust_store, sources)
SELECT s, 'copy-' || s, printf('2026-%02d-%02dT04:00:00Z', 1 + (s - 1) / 28, 1 + (s - 1) % 28), 0, NULL, tool_version,
  rules_version, input, shards, complete, endpoints, imported_at, trust_store, sources FROM n, scans WHERE scans.id = 1;
UPDATE scans SET started_epoch = unixepoch(started_at), finished_at = started_at WHERE id > 1;
WITH RECURSIVE n(s) AS (SELECT 2 UNION ALL SELECT s + 1 FROM n WHERE s < $scans)
INSERT INTO endpoints SELECT s, target_id, address, chain_id, error_code FROM n, endpoints WHERE scan_id = 1;
WITH RECURSIVE n(s) AS (SELECT 2 UNION ALL SELECT s + 1 FROM n WHERE s < $scans)
INSERT INTO findings SELECT s, target_id, address, kind_id, chain FROM n, findings WHERE scan_id = 1
  AND (s < $scans OR kind_id NOT IN (SELECT id FROM finding_kinds WHERE finding_id = 'cert-expiring'));
DROP TABLE scan_counts; DROP TABLE scan_expiry; DROP TABLE sightings; DROP TABLE scan_files;
PRAGMA user_version = 2;
COMMIT;
SQL
  echo "import of scan 1 and SQL copies: $(echo "$(date +%s.%N) - $start" | bc) s; database $(($(db_bytes "$work/trend.db") / 1048576)) MiB"
  read -r wall rss cpu < <(timed "$tlsaudit" history report --db "$work/trend.db" --since 365d --json "$work/migrate.json")
  echo "schema 3 migration (aggregates of $scans scans) and a JSON report: ${wall} s (CPU ${cpu} s), peak RSS ${rss} MiB"
fi
for run in 1 2; do
  read -r wall rss cpu < <(timed "$tlsaudit" history report --db "$work/trend.db" --since 365d \
    --json "$work/trend.json" --html "$work/trend.html")
  echo "history report ($run): ${wall} s (CPU ${cpu} s), peak RSS ${rss} MiB"
done
echo "json $(($(stat -c %s "$work/trend.json") / 1048576)) MiB, html $(($(stat -c %s "$work/trend.html") / 1024)) KiB"
