#!/usr/bin/env bash
# The long local fuzz run (tests/fuzz/README.md, "Long run"): each named target from the
# committed seeds, with its dictionary, until it has made RUNS executions (default 10
# million), one target after another. WORKERS > 1 runs that many libFuzzer processes of one
# target on a shared corpus, each making RUNS / WORKERS executions. Offline: the targets read
# only their input.
#
#   tests/fuzz/long_run.sh [--build DIR] [--out DIR] [--runs N] [--workers W] TARGET...
#
# DIR defaults to build/fuzz-fast (the `fuzz-fast` preset: clang -O2, UBSan, no ASan, about
# three times the executions per second of the `asan` tree). Logs, new corpus inputs and
# crash artifacts go under --out (default /tmp/tlsaudit-fuzz-long).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$root/build/fuzz-fast
out=/tmp/tlsaudit-fuzz-long
runs=10000000
workers=1
while [ $# -gt 0 ]; do
  case "$1" in
    --build) build=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --workers) workers=$2; shift 2 ;;
    -*) echo "unknown option $1" >&2; exit 2 ;;
    *) break ;;
  esac
done
[ $# -gt 0 ] || { echo "usage: $0 [--build DIR] [--out DIR] [--runs N] [--workers W] TARGET..." >&2; exit 2; }
mkdir -p "$out"
for t in "$@"; do
  bin=$build/tests/fuzz/tlsaudit_fuzz_$t
  [ -x "$bin" ] || { echo "missing $bin: cmake --preset fuzz-fast && cmake --build --preset fuzz-fast" >&2; exit 2; }
  mkdir -p "$out/corpus-$t" "$out/artifacts-$t"
  dict=()
  [ -f "$root/tests/fuzz/dict/$t.dict" ] && dict=("-dict=$root/tests/fuzz/dict/$t.dict")
  started=$(date +%s)
  pids=()
  for w in $(seq 1 "$workers"); do
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 "$bin" "$out/corpus-$t" "$root/tests/fuzz/corpus/$t" "${dict[@]}" \
      -runs=$((runs / workers)) -timeout=25 -rss_limit_mb=2048 -print_final_stats=1 \
      -artifact_prefix="$out/artifacts-$t/" >"$out/$t-$w.log" 2>&1 &
    pids+=("$!")
  done
  status=0
  for p in "${pids[@]}"; do wait "$p" || status=$?; done
  echo "$t: exit $status after $(( $(date +%s) - started )) s; logs $out/$t-*.log"
  [ "$status" -eq 0 ] || exit 1
done
