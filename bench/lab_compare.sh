#!/usr/bin/env bash
# The lab's own server against nginx, in alternating rounds (bench/RESULTS.md section 17):
#   bash bench/lab_compare.sh BUILD [ROUNDS] [ENDPOINTS]
# BUILD is a build tree with the bench tools (the ci preset). Each round starts the lab
# with its own server, then with nginx (two threads or workers each), and over the same
# endpoints runs tlsaudit-bench-bare and then `tlsaudit scan --probes modern`, printing the
# lab's CPU per handshake during each (utime + stime of the lab's process tree, nginx's
# master and workers included) and the client's. Alternating rounds, because this VM's
# speed drifts by a quarter within minutes. Talks only to 127.0.1.0/24.
set -euo pipefail
build=$1 rounds=${2:-4} n=${3:-5000}
ticks=$(getconf CLK_TCK)
# shellcheck source=bench/lab_process.sh
. "$(dirname "$0")/lab_process.sh"
per() { echo "scale=3; ($1) * 1000 / $ticks / $n" | bc; }
for _ in $(seq 1 "$rounds"); do
  for server in own nginx; do
    work=$(mktemp -d)
    mkfifo "$work/in"
    extra=()
    [ "$server" = own ] || extra=(--nginx "$work/nginx")
    "$build/bench/tlsaudit-bench-lab" --endpoints "$n" --threads 2 "${extra[@]}" --targets "$work/targets.txt" \
      <"$work/in" >"$work/out" 2>"$work/err" &
    lab=$!
    exec 9>"$work/in"  # the lab runs until its stdin closes
    wait_for_lab "$lab" "$work/out" "$work/err"
    line="$server:"
    for client in bare tlsaudit; do
      if [ "$client" = bare ]; then
        cmd=("$build/bench/tlsaudit-bench-bare" --targets "$work/targets.txt" --concurrency 100)
      else
        cmd=("$build/scanner/app/tlsaudit" scan "$work/targets.txt" --concurrency 100 --probes modern
             --fail-on none --ndjson "$work/r.ndjson")
      fi
      before=$(tree_cpu_ticks "$lab")
      /usr/bin/time -f '%e %U %S' -o "$work/time" "${cmd[@]}" >/dev/null 2>&1 || true
      after=$(tree_cpu_ticks "$lab")
      read -r wall user sys <"$work/time"
      client_ms=$(echo "scale=3; ($user + $sys) * 1000 / $n" | bc)
      line="$line $client: wall ${wall} s, client ${client_ms} ms, lab $(per "$after - $before") ms per handshake;"
    done
    echo "$line"
    exec 9>&-
    wait "$lab" || true
    rm -rf "$work"
  done
done
