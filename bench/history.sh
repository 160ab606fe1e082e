#!/usr/bin/env bash
# The scan history at scale (docs/history.md): no network, synthetic scans only.
#
# 1. Imports a scan of N endpoints (default 1,000,000) into a new database: wall time
#    (target < 60 s) and peak RSS.
# 2. Imports a second scan of the same endpoints (their chains already stored): wall time
#    and how much the database grew per endpoint (target < 300 bytes).
# 3. Imports S scans (default 30) of M endpoints (default 100,000) into another database
#    (the last one with every cert-expiring finding gone) and times `history report`
#    over them with --json and --html (target < 10 s).
#
# The endpoints are tests/integration/report_tools/make_ndjson.py's (long subjects, two
# certificates per chain, a distinct leaf per endpoint, scan errors, findings on a third
# of the fleet), framed by scan-start and scan-end records with one start time per scan.
#
#   bench/history.sh [--endpoints N] [--scans S] [--trend-endpoints M] [--build DIR] [--keep DIR]
set -euo pipefail

endpoints=1000000
scans=30
trend_endpoints=100000
root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/build/release
keep=
while [ $# -gt 0 ]; do
  case "$1" in
    --endpoints) endpoints=$2; shift 2 ;;
    --scans) scans=$2; shift 2 ;;
    --trend-endpoints) trend_endpoints=$2; shift 2 ;;
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

# Wall seconds and peak RSS (MiB) of one command, from GNU time.
timed() {
  /usr/bin/time -f '%e %M' -o "$work/time" "$@" >/dev/null
  read -r wall rss <"$work/time"
  echo "$wall $((rss / 1024))"
}

db_bytes() {  # after a checkpoint: the WAL's pages counted in the main file
  sqlite3 "$1" 'PRAGMA wal_checkpoint(TRUNCATE);' >/dev/null
  stat -c %s "$1"
}

echo "== import: $endpoints endpoints"
python3 "$make_ndjson" "$endpoints" "$work/body.ndjson"
frame "$work/body.ndjson" 1 >"$work/scan-1.ndjson"
frame "$work/body.ndjson" 2 >"$work/scan-2.ndjson"
rm "$work/body.ndjson"
echo "ndjson: $(($(stat -c %s "$work/scan-1.ndjson") / 1048576)) MiB"
read -r wall rss < <(timed "$tlsaudit" history import "$work/scan-1.ndjson" --db "$work/big.db")
size1=$(db_bytes "$work/big.db")
echo "first scan: ${wall} s, peak RSS ${rss} MiB, database $((size1 / 1048576)) MiB ($((size1 / endpoints)) B/endpoint)"
read -r wall rss < <(timed "$tlsaudit" history import "$work/scan-2.ndjson" --db "$work/big.db")
size2=$(db_bytes "$work/big.db")
echo "second scan (chains stored): ${wall} s, peak RSS ${rss} MiB, grew $(((size2 - size1) / endpoints)) B/endpoint"
rm -f "$work/scan-1.ndjson" "$work/scan-2.ndjson" "$work/big.db"*

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
for s in $(seq 1 "$scans"); do
  body=$work/body.ndjson
  [ "$s" -eq "$scans" ] && body=$work/fixed.ndjson
  frame "$body" "$s" | "$tlsaudit" history import - --db "$work/trend.db" >/dev/null
done
echo "imports: $(echo "$(date +%s.%N) - $start" | bc) s; database $(($(db_bytes "$work/trend.db") / 1048576)) MiB"
read -r wall rss < <(timed "$tlsaudit" history report --db "$work/trend.db" --since 365d \
  --json "$work/trend.json" --html "$work/trend.html")
echo "history report: ${wall} s, peak RSS ${rss} MiB; json $(($(stat -c %s "$work/trend.json") / 1048576)) MiB, html $(($(stat -c %s "$work/trend.html") / 1024)) KiB"
