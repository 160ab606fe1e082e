#!/usr/bin/env bash
# Each side's TCP work counted apart: the lab in a network namespace of its own
# (bench/RESULTS.md section 19). Needs root (ip netns, ethtool):
#   bash bench/netns.sh BUILD [N] [ROUNDS] [tlsaudit scan options...]
# BUILD holds the bench tools (the ci preset); N endpoints (default 5000, at most 5080);
# ROUNDS of the bare client then tlsaudit (default 3); the scan options default to
# `--probes modern --threads 1`.
#
# On loopback the kernel handles both ends of a packet in the context of whoever sends it,
# so a client's kernel time includes part of the server's TCP work and the lab's part of
# the client's. Here the lab (nginx) answers on 10.199.1.0/24 inside the namespace
# tlsaudit-bench, behind a veth pair whose receiving sides run in kernel threads of their
# own (threaded NAPI; TSO and GSO off, so that every segment takes that path). The tool's
# process is then charged with its syscalls and what it sends; the thread of its veth end
# with what it receives; the lab's thread with what the lab receives. For each run it
# prints, per handshake: the process's user and kernel CPU, its receive thread, their sum,
# and the lab's receive thread; first, tlsaudit's fixed cost (an empty target list) spread
# over N. The namespace and its veth pair are removed at exit.
set -euo pipefail
build=$1 n=${2:-5000} rounds=${3:-3}
shift $(($# < 3 ? $# : 3))
scan_options=("$@")
[ ${#scan_options[@]} -gt 0 ] || scan_options=(--probes modern --threads 1)
ns=tlsaudit-bench host_if=tab0 lab_if=tab1 net=10.199.1

[ "$(id -u)" = 0 ] || { echo "needs root (ip netns, ethtool)" >&2; exit 2; }
for tool in ethtool nginx; do
  command -v "$tool" >/dev/null || { echo "missing $tool: run bench/setup.sh" >&2; exit 2; }
done
if ip -4 addr show | grep -q ' 10\.199\.' || ip -4 route show | grep -q '^10\.199\.' ||
  ip netns list | grep -qw "$ns"; then
  echo "10.199.0.0/16 or the namespace $ns is already in use here: leaving it alone" >&2
  exit 2
fi

work=$(mktemp -d) lab=
cleanup() {
  exec 9>&- 2>/dev/null || true # the lab (and its nginx) ends when its stdin closes
  [ -z "$lab" ] || wait "$lab" 2>/dev/null || true
  ip netns del "$ns" 2>/dev/null || true # takes the veth pair and its routes with it
  rm -rf "$work"
}
trap cleanup EXIT

ip netns add "$ns"
ip link add "$host_if" type veth peer name "$lab_if" netns "$ns"
ip addr add 10.199.0.1/24 dev "$host_if"
ip -n "$ns" addr add 10.199.0.2/24 dev "$lab_if"
ip link set "$host_if" up
ip -n "$ns" link set "$lab_if" up
ip -n "$ns" link set lo up
ip -n "$ns" route add local "$net.0/24" dev lo # every address of the /24 is the lab's
ip route add "$net.0/24" via 10.199.0.2
ethtool -K "$host_if" gro on tso off gso off
ip netns exec "$ns" ethtool -K "$lab_if" gro on tso off gso off
echo 1 >"/sys/class/net/$host_if/threaded"
ip netns exec "$ns" sh -c "echo 1 >/sys/class/net/$lab_if/threaded"

mkfifo "$work/lab.in"
ip netns exec "$ns" "$build/bench/tlsaudit-bench-lab" --endpoints "$n" --threads "$(nproc)" --network "$net" \
  --nginx "$work/nginx" --targets "$work/targets.txt" <"$work/lab.in" >"$work/lab.out" 2>"$work/lab.err" &
lab=$!
exec 9>"$work/lab.in"
# shellcheck source=bench/lab_process.sh
. "$(dirname "$0")/lab_process.sh"
wait_for_lab "$lab" "$work/lab.out" "$work/lab.err"
sed 's/ sni=.*//' "$work/targets.txt" >"$work/hostports.txt"

# The run time (ns, /proc/PID/schedstat) of the kernel thread that receives for device $1.
receive_ns() {
  local pid
  pid=$(pgrep "^napi/$1-" | head -n 1)
  [ -n "$pid" ] || { echo "no receive thread for $1" >&2; exit 3; }
  cut -d' ' -f1 "/proc/$pid/schedstat"
}

# measure NAME CHECK COMMAND...: runs COMMAND; CHECK prints how many endpoints succeeded.
measure() {
  local name=$1 check=$2 ours lab_side
  shift 2
  ours=$(receive_ns "$host_if") lab_side=$(receive_ns "$lab_if")
  /usr/bin/time -f '%U %S' -o "$work/time" "$@" >"$work/out" 2>"$work/err" || { tail "$work/err" >&2; exit 1; }
  ours=$(($(receive_ns "$host_if") - ours)) lab_side=$(($(receive_ns "$lab_if") - lab_side))
  read -r user sys < <(tail -n 1 "$work/time")
  awk -v name="$name" -v ok="$($check)" -v n="$n" -v u="$user" -v s="$sys" -v r="$ours" -v l="$lab_side" 'BEGIN {
    u = u * 1000 / n; s = s * 1000 / n; r = r / 1e6 / n; l = l / 1e6 / n
    printf "%-8s %5d ok  user %.3f  kernel %.3f  its receive thread %.3f  = %.3f ms  | lab receive thread %.3f ms\n",
      name, ok, u, s, r, u + s + r, l }'
}
bare_ok() { sed -n 's/^ok \([0-9]*\).*/\1/p' "$work/out"; }
scan_ok() { grep -c '"error":null' "$work/r.ndjson" || true; }
none_ok() { echo 0; }

echo "## $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(nproc) cores: $n endpoints (nginx in namespace $ns), per handshake"
measure fixed none_ok "$build/scanner/app/tlsaudit" scan /dev/null --fail-on none --fail-on-errors none --ndjson /dev/null \
  "${scan_options[@]}"
for _ in $(seq 1 "$rounds"); do
  measure bare bare_ok "$build/bench/tlsaudit-bench-bare" --targets "$work/hostports.txt" --concurrency 100 \
    --network "$net"
  measure tlsaudit scan_ok "$build/scanner/app/tlsaudit" scan "$work/targets.txt" --concurrency 100 \
    --fail-on none --ndjson "$work/r.ndjson" "${scan_options[@]}"
done
