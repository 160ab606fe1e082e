#!/usr/bin/env bash
# How long the HTML report of N endpoints takes to open in Chromium, and (with --pdf) to
# print. Writes a synthetic scan (tests/integration/report_tools/make_ndjson.py: long
# subjects, STARTTLS, second chains, scan errors, a third of the fleet under one retired
# intermediate), renders it with `tlsaudit report --html`, and opens it RUNS times with
# bench/report_open.js (playwright-core, installed into BUILD/report_tools by
# scripts/report-test-tools.sh on first use). No network: the page is a local file.
#
#   bench/report_open.sh [--endpoints N] [--runs R] [--pdf] [--build DIR]
set -euo pipefail

endpoints=10000
runs=5
pdf=0
root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/build/release
while [ $# -gt 0 ]; do
  case "$1" in
    --endpoints) endpoints=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --pdf) pdf=1; shift ;;
    --build) build=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
tlsaudit=$build/scanner/app/tlsaudit
if [ ! -x "$tlsaudit" ]; then
  (cd "$root" && cmake --preset release >/dev/null && cmake --build "$build" --target tlsaudit)
fi
tools=$build/report_tools
"$root/scripts/report-test-tools.sh" "$tools"
cp "$root/bench/report_open.js" "$tools/"

work=$(mktemp -d "${TMPDIR:-/tmp}/tlsaudit-report-open.XXXXXX")
trap 'rm -rf "$work"' EXIT
python3 "$root/tests/integration/report_tools/make_ndjson.py" "$endpoints" "$work/scan.ndjson"
"$tlsaudit" report "$work/scan.ndjson" --html "$work/report.html" --fail-on none -q
echo "report: $endpoints endpoints, $(stat -c %s "$work/report.html") bytes of HTML, one file"
node "$tools/report_open.js" "$work/report.html" "$runs"
if [ "$pdf" = 1 ]; then
  start=$(date +%s.%N)
  "$tlsaudit" report "$work/scan.ndjson" --pdf "$work/report.pdf" --fail-on none -q
  end=$(date +%s.%N)
  pages=$(pdfinfo "$work/report.pdf" 2>/dev/null | awk '/^Pages:/ {print $2}')
  printf 'pdf: %.1f s, %s pages, %s bytes\n' "$(echo "$end - $start" | bc)" "${pages:-?}" "$(stat -c %s "$work/report.pdf")"
fi
