#!/usr/bin/env bash
# Instruction profile of one scan over a loopback lab (bench/RESULTS.md section 10):
#   bash bench/callgrind.sh BUILD OUT [N] [extra scan args...]
# BUILD is a build tree with the bench tools (the ci preset), OUT the callgrind output file,
# N the number of lab endpoints (default 200). callgrind counts instructions, so the result
# does not depend on what else the machine is doing. Read it with `callgrind_annotate OUT`.
# LAB_ARGS (environment) is passed to the lab, e.g. LAB_ARGS=--distinct-leaves.
set -euo pipefail
build=$1 out=$2 n=${3:-200}
shift $(( $# < 3 ? $# : 3 ))
work=$(mktemp -d)
lab=
cleanup() {
  exec 9>&- 2>/dev/null || true
  [ -z "$lab" ] || wait "$lab" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
mkfifo "$work/in"
# shellcheck disable=SC2086
"$build/bench/tlsaudit-bench-lab" --endpoints "$n" --threads 1 --targets "$work/targets.txt" ${LAB_ARGS:-} \
  <"$work/in" >"$work/out" 2>"$work/err" &
lab=$!
exec 9>"$work/in"  # the lab runs until its stdin closes
# shellcheck source=bench/lab_process.sh
. "$(dirname "$0")/lab_process.sh"
wait_for_lab "$lab" "$work/out" "$work/err"
valgrind --tool=callgrind --callgrind-out-file="$out" --separate-threads=no \
  "$build/scanner/app/tlsaudit" scan "$work/targets.txt" --concurrency 20 --handshake-timeout 60 \
  --connect-timeout 60 --fail-on none --ndjson "$work/r.ndjson" "$@" >"$work/scan.out" 2>"$work/scan.err" || true
echo "endpoints without error: $(grep -c '"error":null' "$work/r.ndjson"), records: $(wc -l <"$work/r.ndjson")"
